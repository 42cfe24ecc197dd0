// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli fit-tail: the power-law tail fit of docs/theory/spectra.md §6 (core/spectrum/tail_fit.h) on user
// numbers.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/spectrum/trained_spectrum.h"

#include <cmath>
#include <limits>

namespace sl::cli {
namespace {

QJsonObject ratioJson(const sl::LikelihoodRatio& r)
{
    QJsonObject o;
    o[QStringLiteral("computed")] = r.computed;
    o[QStringLiteral("log_likelihood_ratio")] = jsonNumber(r.logLikelihoodRatio);
    o[QStringLiteral("normalized_ratio")] = jsonNumber(r.normalizedRatio);
    o[QStringLiteral("p_value")] = jsonNumber(r.pValue);
    o[QStringLiteral("preferred")] = QString::fromStdString(r.preferred);
    return o;
}

// The core's "too few eigenvalues" names neither the option nor what the user gave: say how many of the user's
// values lie in the searched range and which option sets the minimum.
QString tooFewMessage(const Eigen::VectorXd& values, const sl::TailFitConfig& config, bool eigenvalues)
{
    Eigen::Index inRange = 0;
    for (const double v : values) {
        const bool above = std::isfinite(config.xmin) ? v >= config.xmin : v > 0;
        if (above && (!std::isfinite(config.xmax) || v <= config.xmax))
            ++inRange;
    }
    const QString range = std::isfinite(config.xmin) || std::isfinite(config.xmax)
        ? QStringLiteral("in the range searched (--xmin/--xmax)")
        : QStringLiteral("positive");
    return QStringLiteral("too few %1 for a tail fit: %2 of the %3 are %4, and --min-tail is %5 (lower it to fit a "
                          "shorter tail)")
        .arg(eigenvalues ? QStringLiteral("eigenvalues") : QStringLiteral("values"))
        .arg(inRange)
        .arg(values.size())
        .arg(range)
        .arg(config.minTail);
}

QString ratioLine(const sl::LikelihoodRatio& r)
{
    // Published tables (Clauset et al. 2009, Table 6; poweRlaw's compare_distributions) give the normalised
    // statistic R/(σ√n); the raw log-likelihood ratio R is printed beside it, each named.
    return QStringLiteral("log-likelihood ratio R = %1, normalised R/(σ√n) = %2, p = %3: %4")
        .arg(formatNumber(r.logLikelihoodRatio, 4), formatNumber(r.normalizedRatio, 4), formatNumber(r.pValue, 3),
            QString::fromStdString(r.preferred));
}

}  // namespace

int runFitTail(const QStringList& arguments)
{
    Options o(QStringLiteral("fit-tail"), QStringLiteral("FILE [options]"),
        QStringLiteral("Power-law tail fit (Clauset–Shalizi–Newman, continuous; docs/theory/spectra.md §6) of the "
                       "numbers in FILE,\n"
                       "or with --matrix of the spectrum of the matrix W in FILE: the eigenvalues of WᵀW (squared\n"
                       "singular values, WeightWatcher's ESD), or of W itself with --symmetric."));
    o.value(QStringLiteral("column"), QStringLiteral("NAME|K"),
        QStringLiteral("CSV column (header name or 1-based number); default: the file must have one column."));
    o.flag(
        QStringLiteral("matrix"), QStringLiteral("FILE is a matrix (CSV, whitespace text or .npy): fit its spectrum."));
    o.flag(QStringLiteral("symmetric"), QStringLiteral("With --matrix: eigenvalues of the symmetric matrix itself."));
    o.value(QStringLiteral("bootstrap"), QStringLiteral("N"),
        QStringLiteral("Bootstrap replicates for the goodness-of-fit p-value (default 0: none)."));
    o.value(
        QStringLiteral("xmin"), QStringLiteral("X"), QStringLiteral("Fix xmin instead of minimising the KS distance."));
    o.value(
        QStringLiteral("xmax"), QStringLiteral("X"), QStringLiteral("Fit the truncated power law on [xmin, xmax]."));
    o.value(QStringLiteral("min-tail"), QStringLiteral("K"),
        QStringLiteral("Fewest points in the tail (default %1). It also bounds the xmin search of every bootstrap\n"
                       "replicate, so it changes the p-value: Clauset et al. (2009) search every xmin, which\n"
                       "a small K (e.g. 3) reproduces.")
            .arg(sl::kMinTailPoints));
    o.value(QStringLiteral("seed"), QStringLiteral("S"), QStringLiteral("Bootstrap seed (default 1)."));
    o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Bootstrap threads (default: all cores)."));
    o.epilogue(QStringLiteral(
        "File formats: text with one number per line, CSV/whitespace tables (a non-numeric first line is a header;\n"
        "lines starting with # are skipped), NumPy .npy (float32/float64, C or Fortran order, 1-D or 2-D).\n"
        "Non-positive values are dropped before the fit (zeros are the ESD's rank-deficiency spike); with --matrix,\n"
        "eigenvalues at most 1e-6 × the largest are numerical zeros and are left out too (reported as n_zero)."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(1, QStringLiteral("FILE"));
    const QString path = o.positional().first();
    if (o.has(QStringLiteral("symmetric")) && !o.has(QStringLiteral("matrix")))
        throw UsageError{QStringLiteral("--symmetric needs --matrix")};
    if (o.has(QStringLiteral("column")) && o.has(QStringLiteral("matrix")))
        throw UsageError{QStringLiteral("--column and --matrix cannot be used together")};

    sl::TailFitConfig config;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    config.xmin = o.number(QStringLiteral("xmin"), nan, 1e-300, 1e300);
    config.xmax = o.number(QStringLiteral("xmax"), nan, 1e-300, 1e300);
    config.minTail = int(o.integer(QStringLiteral("min-tail"), sl::kMinTailPoints, 2, 1000000000));
    config.bootstrapReplicates = int(o.integer(QStringLiteral("bootstrap"), 0, 0, 1000000));
    config.seed = std::uint64_t(o.integer(QStringLiteral("seed"), 1, 0, 1LL << 53));
    config.threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
    config.validate();

    Eigen::VectorXd values;
    QString source;
    if (o.has(QStringLiteral("matrix"))) {
        const Eigen::MatrixXd w = readMatrix(path);
        if (o.has(QStringLiteral("symmetric"))) {
            if (w.rows() != w.cols())
                throw UsageError{QStringLiteral("%1: --symmetric needs a square matrix (got %2×%3)")
                                     .arg(path)
                                     .arg(w.rows())
                                     .arg(w.cols())};
            try {
                values = sl::symmetricEigenvalues(w);
            } catch (const std::invalid_argument& e) {
                throw UsageError{path + QStringLiteral(": ") + QString::fromUtf8(e.what())};
            }
            source = QStringLiteral("eigenvalues of the %1×%2 symmetric matrix").arg(w.rows()).arg(w.cols());
        } else {
            values = sl::gramEigenvalues(w);
            source = QStringLiteral("eigenvalues of WᵀW, W %1×%2").arg(w.rows()).arg(w.cols());
        }
    } else {
        values = readNumbers(path, o.text(QStringLiteral("column")));
        source = QStringLiteral("%1 numbers").arg(values.size());
    }
    // A spectrum's numerical zeros (|x| ≤ 1e-6 × the largest) are its point mass at 0, never part of a tail, as in
    // `train` (core/spectrum/trained_spectrum.h). The user's own numbers are fitted as given.
    sl::ZeroSplit zeros;
    if (o.has(QStringLiteral("matrix"))) {
        zeros = sl::splitNumericalZeros(values);
        values = zeros.nonZero;
        source += QStringLiteral(", %1 numerical zeros (≤ %2) left out")
                      .arg(zeros.nZero)
                      .arg(formatNumber(zeros.threshold));
    }

    ProgressBar bar(o, QStringLiteral("bootstrap"), config.bootstrapReplicates);
    sl::TailFit fit = sl::TailFitter(config).run(
        values, [&](const sl::BootstrapProgress& p) { bar.update(p.done); }, interruptToken());
    bar.finish();
    const sl::PlfitResult plfit = sl::plfitReference(values, config.xmin);
    if (fit.status == sl::Status::Invalid && fit.message.rfind("too few", 0) == 0)
        fit.message = tooFewMessage(values, config, o.has(QStringLiteral("matrix"))).toStdString();

    QJsonObject json;
    json[QStringLiteral("file")] = path;
    json[QStringLiteral("source")] = source;
    json[QStringLiteral("values")] = int(values.size() + zeros.nZero);
    json[QStringLiteral("n_zero")] = zeros.nZero;
    json[QStringLiteral("zero_threshold")] = jsonNumber(zeros.threshold);
    json[QStringLiteral("status")] = QLatin1String(sl::toString(fit.status));
    json[QStringLiteral("message")] = QString::fromStdString(fit.message);
    json[QStringLiteral("alpha")] = jsonNumber(fit.alpha);
    json[QStringLiteral("sigma")] = jsonNumber(fit.sigma);
    json[QStringLiteral("xmin")] = jsonNumber(fit.xmin);
    json[QStringLiteral("xmax")] = jsonNumber(fit.xmax);
    json[QStringLiteral("xmin_fixed")] = fit.xminFixed;
    json[QStringLiteral("ks")] = jsonNumber(fit.ks);
    json[QStringLiteral("n_tail")] = fit.nTail;
    json[QStringLiteral("n_used")] = fit.nUsed;
    json[QStringLiteral("n_dropped")] = fit.nDropped;
    json[QStringLiteral("candidates")] = fit.candidates;
    json[QStringLiteral("p_value")] = jsonNumber(fit.pValue);
    json[QStringLiteral("bootstrap_replicates")] = config.bootstrapReplicates;
    json[QStringLiteral("min_tail")] = config.minTail;
    json[QStringLiteral("replicates_used")] = fit.replicatesUsed;
    json[QStringLiteral("likelihood_ratios")]
        = QJsonObject{{QStringLiteral("exponential"), ratioJson(fit.vsExponential)},
            {QStringLiteral("lognormal"), ratioJson(fit.vsLognormal)},
            {QStringLiteral("truncated_power_law"), ratioJson(fit.vsTruncatedPowerLaw)}};
    json[QStringLiteral("plfit")]
        = QJsonObject{{QStringLiteral("ok"), plfit.ok}, {QStringLiteral("alpha"), jsonNumber(plfit.alpha)},
            {QStringLiteral("xmin"), jsonNumber(plfit.xmin)}, {QStringLiteral("ks"), jsonNumber(plfit.ks)}};

    QList<QPair<QString, QString>> human{
        {QStringLiteral("data"), path + QStringLiteral(" (") + source + QStringLiteral(")")},
        {QStringLiteral("status"),
            QLatin1String(sl::toString(fit.status)) + QStringLiteral(" ") + QString::fromStdString(fit.message)},
        {QStringLiteral("alpha ± sigma"), formatNumber(fit.alpha) + QStringLiteral(" ± ") + formatNumber(fit.sigma)},
        {QStringLiteral("xmin"), formatNumber(fit.xmin) + (fit.xminFixed ? QStringLiteral(" (fixed)") : QString())},
        {QStringLiteral("xmax"), formatNumber(fit.xmax)},
        {QStringLiteral("KS distance"), formatNumber(fit.ks)},
        {QStringLiteral("tail / used / dropped"),
            QStringLiteral("%1 / %2 / %3").arg(fit.nTail).arg(fit.nUsed).arg(fit.nDropped)},
        {QStringLiteral("p-value"),
            config.bootstrapReplicates > 0
                ? QStringLiteral("%1 (%2 replicates%3)")
                      .arg(formatNumber(fit.pValue))
                      .arg(fit.replicatesUsed)
                      .arg(fit.xminFixed
                              ? QString()
                              : QStringLiteral(", each with --min-tail %1 in its xmin search").arg(config.minTail))
                : QStringLiteral("- (use --bootstrap N)")},
    };
    for (const sl::LikelihoodRatio* r : {&fit.vsExponential, &fit.vsLognormal, &fit.vsTruncatedPowerLaw}) {
        if (r->computed)
            human.append({QStringLiteral("vs ") + QString::fromStdString(r->alternative), ratioLine(*r)});
    }
    present(o, json, formatPairs(human));
    if (interruptToken().isCancelled())
        return kRunFailed;
    return fit.status == sl::Status::Converged ? kSuccess : kRunFailed;
}

}  // namespace sl::cli
