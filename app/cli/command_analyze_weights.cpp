// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli analyze-weights: WeightWatcher-style analysis of the weight matrices in a user's file
// (core/io/tensor_file.h, core/spectrum/weight_analysis.h; docs/theory/weights.md).
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/io/matrix_reader.h"
#include "core/io/tensor_file.h"
#include "core/spectrum/weight_analysis.h"

#include <QJsonDocument>

#include <cmath>
#include <functional>

namespace sl::cli {
namespace {

struct Row {
    sl::io::TensorInfo info;
    bool analysed = false;
    QString reason;  // why not analysed
    sl::WeightAnalysis analysis;
};

// One output column: its name (WeightWatcher's where it has one) and its value for a row, in JSON.
struct Column {
    QString name;
    std::function<QJsonValue(const Row&)> value;
};

QJsonValue analysed(const Row& r, double value)
{
    return r.analysed ? jsonNumber(value) : QJsonValue(QJsonValue::Null);
}

QString shapeText(const std::vector<std::uint64_t>& shape)
{
    QStringList parts;
    for (std::uint64_t d : shape)
        parts << QString::number(d);
    return parts.join(QLatin1Char('x'));
}

const QList<Column>& columns()
{
    using R = const Row&;
    static const QList<Column> list{
        {QStringLiteral("name"), [](R r) { return QJsonValue(QString::fromStdString(r.info.name)); }},
        {QStringLiteral("shape"),
            [](R r) {
                QJsonArray a;
                for (std::uint64_t d : r.info.shape)
                    a.append(double(d));
                return QJsonValue(a);
            }},
        {QStringLiteral("dtype"), [](R r) { return QJsonValue(QString::fromStdString(r.info.dtype)); }},
        {QStringLiteral("analysed"), [](R r) { return QJsonValue(r.analysed); }},
        {QStringLiteral("reason"), [](R r) { return QJsonValue(r.reason); }},
        {QStringLiteral("N"), [](R r) { return r.analysed ? QJsonValue(double(r.analysis.n)) : QJsonValue(); }},
        {QStringLiteral("M"), [](R r) { return r.analysed ? QJsonValue(double(r.analysis.m)) : QJsonValue(); }},
        {QStringLiteral("normalization"),
            [](R r) {
                return r.analysed ? QJsonValue(r.analysis.normalized ? QStringLiteral("eigenvalues of W^T W / N")
                                                                     : QStringLiteral("eigenvalues of W^T W"))
                                  : QJsonValue();
            }},
        {QStringLiteral("num_evals"), [](R r) { return r.analysed ? QJsonValue(double(r.analysis.m)) : QJsonValue(); }},
        {QStringLiteral("alpha"), [](R r) { return analysed(r, r.analysis.tail.alpha); }},
        {QStringLiteral("xmin"), [](R r) { return analysed(r, r.analysis.tail.xmin); }},
        {QStringLiteral("xmax"), [](R r) { return analysed(r, r.analysis.lambdaMax); }},
        {QStringLiteral("sigma"), [](R r) { return analysed(r, r.analysis.tail.sigma); }},
        {QStringLiteral("D"), [](R r) { return analysed(r, r.analysis.tail.ks); }},
        {QStringLiteral("num_pl_spikes"),
            [](R r) {
                return r.analysed && r.analysis.tail.status == sl::Status::Converged ? QJsonValue(r.analysis.tail.nTail)
                                                                                     : QJsonValue();
            }},
        {QStringLiteral("pl_p_value"), [](R r) { return analysed(r, r.analysis.tail.pValue); }},
        {QStringLiteral("tail_status"),
            [](R r) {
                return r.analysed ? QJsonValue(QLatin1String(sl::toString(r.analysis.tail.status))) : QJsonValue();
            }},
        {QStringLiteral("tail_message"),
            [](R r) {
                return r.analysed ? QJsonValue(QString::fromStdString(r.analysis.tail.message)) : QJsonValue();
            }},
        {QStringLiteral("R_exponential"),
            [](R r) { return analysed(r, r.analysis.tail.vsExponential.logLikelihoodRatio); }},
        {QStringLiteral("p_exponential"), [](R r) { return analysed(r, r.analysis.tail.vsExponential.pValue); }},
        {QStringLiteral("R_lognormal"),
            [](R r) { return analysed(r, r.analysis.tail.vsLognormal.logLikelihoodRatio); }},
        {QStringLiteral("p_lognormal"), [](R r) { return analysed(r, r.analysis.tail.vsLognormal.pValue); }},
        {QStringLiteral("R_truncated_power_law"),
            [](R r) { return analysed(r, r.analysis.tail.vsTruncatedPowerLaw.logLikelihoodRatio); }},
        {QStringLiteral("p_truncated_power_law"),
            [](R r) { return analysed(r, r.analysis.tail.vsTruncatedPowerLaw.pValue); }},
        {QStringLiteral("mp_sigma"), [](R r) { return analysed(r, std::sqrt(r.analysis.mp.variance)); }},
        {QStringLiteral("mp_variance"), [](R r) { return analysed(r, r.analysis.mp.variance); }},
        {QStringLiteral("mp_edge"), [](R r) { return analysed(r, r.analysis.mp.edge); }},
        {QStringLiteral("bulk_max"), [](R r) { return analysed(r, r.analysis.mp.edge); }},
        {QStringLiteral("bulk_min"), [](R r) { return analysed(r, r.analysis.mp.lowerEdge); }},
        {QStringLiteral("mp_ks"), [](R r) { return analysed(r, r.analysis.mp.ks); }},
        {QStringLiteral("num_spikes"),
            [](R r) {
                return r.analysed && r.analysis.mp.status == sl::Status::Converged ? QJsonValue(r.analysis.mp.numSpikes)
                                                                                   : QJsonValue();
            }},
        {QStringLiteral("num_spikes_beyond_tw"),
            [](R r) {
                return r.analysed && r.analysis.mp.status == sl::Status::Converged
                    ? QJsonValue(r.analysis.mp.numSpikesBeyondFluctuations)
                    : QJsonValue();
            }},
        {QStringLiteral("mp_tw_scale"), [](R r) { return analysed(r, r.analysis.mp.tracyWidomScale); }},
        {QStringLiteral("mp_softrank"), [](R r) { return analysed(r, r.analysis.mpSoftRank); }},
        {QStringLiteral("stable_rank"), [](R r) { return analysed(r, r.analysis.stableRank); }},
        {QStringLiteral("spectral_norm"), [](R r) { return analysed(r, r.analysis.lambdaMax); }},
        {QStringLiteral("lambda_max"), [](R r) { return analysed(r, r.analysis.lambdaMax); }},
        {QStringLiteral("norm"), [](R r) { return analysed(r, r.analysis.norm); }},
        {QStringLiteral("log_norm"), [](R r) { return analysed(r, r.analysis.logNorm); }},
        {QStringLiteral("log_spectral_norm"), [](R r) { return analysed(r, r.analysis.logSpectralNorm); }},
        {QStringLiteral("alpha_weighted"), [](R r) { return analysed(r, r.analysis.alphaWeighted); }},
        {QStringLiteral("log_alpha_norm"), [](R r) { return analysed(r, r.analysis.logAlphaNorm); }},
        {QStringLiteral("sv_max"), [](R r) { return analysed(r, r.analysis.svMax); }},
        {QStringLiteral("sv_min"), [](R r) { return analysed(r, r.analysis.svMin); }},
        {QStringLiteral("matrix_rank"),
            [](R r) { return r.analysed ? QJsonValue(r.analysis.matrixRank) : QJsonValue(); }},
        {QStringLiteral("rank_loss"),
            [](R r) { return r.analysed ? QJsonValue(double(r.analysis.m - r.analysis.matrixRank)) : QJsonValue(); }},
        {QStringLiteral("phase"),
            [](R r) {
                return r.analysed ? QJsonValue(QLatin1String(sl::toString(r.analysis.phase.phase))) : QJsonValue();
            }},
        {QStringLiteral("phase_inferred"), [](R r) { return r.analysed ? QJsonValue(true) : QJsonValue(); }},
        {QStringLiteral("paper_phases"),
            [](R r) { return r.analysed ? QJsonValue(QString::fromStdString(r.analysis.paperPhases)) : QJsonValue(); }},
        {QStringLiteral("phase_reason"),
            [](R r) {
                return r.analysed ? QJsonValue(QString::fromStdString(r.analysis.phase.reason)) : QJsonValue();
            }},
        {QStringLiteral("gamma_fit"), [](R r) { return analysed(r, r.analysis.gammaFit); }},
        {QStringLiteral("alpha_predicted"), [](R r) { return analysed(r, r.analysis.alphaPredicted); }},
        {QStringLiteral("alpha_gap_sigmas"), [](R r) { return analysed(r, r.analysis.alphaGapSigmas); }},
        {QStringLiteral("mp_message"),
            [](R r) { return r.analysed ? QJsonValue(QString::fromStdString(r.analysis.mp.message)) : QJsonValue(); }},
    };
    return list;
}

QString csvField(const QJsonValue& v)
{
    QString s;
    if (v.isNull() || v.isUndefined())
        return {};
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue& d : v.toArray())
            parts << QString::number(d.toDouble(), 'g', 20);
        return parts.join(QLatin1Char('x'));
    }
    s = v.toString();
    if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n')))
        s = QLatin1Char('"') + s.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return s;
}

}  // namespace

int runAnalyzeWeights(const QStringList& arguments)
{
    Options o(QStringLiteral("analyze-weights"), QStringLiteral("FILE [options]"),
        QStringLiteral(
            "WeightWatcher-style analysis of every 2-D tensor in FILE (.safetensors, .npz, .npy, CSV/whitespace\n"
            "text): the ESD (eigenvalues of W^T W, min(N, M) of them), the Clauset power-law tail fit (alpha, xmin,\n"
            "sigma, D, num_pl_spikes) with its likelihood-ratio tests, the Marchenko-Pastur bulk fit (mp_sigma,\n"
            "mp_edge, num_spikes), stable rank and spectral norm, and the theory's reading (arXiv:2509.24882): the\n"
            "spectral phase the ESD looks like and alpha against 1 + 1/gamma. See docs/theory/weights.md."));
    o.flag(QStringLiteral("csv"), QStringLiteral("One CSV row per tensor (the JSON keys as header)."));
    o.value(QStringLiteral("tensor"), QStringLiteral("NAME"), QStringLiteral("Analyse only this tensor."));
    o.flag(QStringLiteral("normalize"),
        QStringLiteral("Divide the ESD by N = max(rows, cols) (WeightWatcher's normalize=True); default: raw."));
    o.value(QStringLiteral("bootstrap"), QStringLiteral("N"),
        QStringLiteral("Bootstrap replicates for the tail fit's p-value (default 0: none)."));
    o.value(QStringLiteral("min-tail"), QStringLiteral("K"),
        QStringLiteral("Fewest eigenvalues in the tail (default %1).").arg(sl::kMinTailPoints));
    o.value(QStringLiteral("seed"), QStringLiteral("S"), QStringLiteral("Bootstrap seed (default 1)."));
    o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Bootstrap threads (default: all cores)."));
    o.epilogue(QStringLiteral(
        "Output: a table; --json a list of objects (name, shape, dtype, analysed, reason, alpha, xmin, sigma, D,\n"
        "num_pl_spikes, mp_sigma, mp_edge, num_spikes, stable_rank, spectral_norm, phase, ...); --csv the same\n"
        "as rows. Column names are WeightWatcher's where it has one (spectral_norm = lambda_max, the largest\n"
        "eigenvalue; norm = sum of eigenvalues = squared Frobenius norm). Tensors that are not 2-D float matrices\n"
        "are listed with the reason and not analysed. Phase labels are inferred readings, not the paper's.\n"
        "Exit codes: 0 done; 2 unreadable file, no matrix in it, or a matrix with NaN/Inf (named)."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(1, QStringLiteral("FILE"));
    o.exclusive({QStringLiteral("json"), QStringLiteral("csv")});
    const QString path = o.positional().first();

    sl::WeightAnalysisConfig config;
    config.normalize = o.has(QStringLiteral("normalize"));
    config.tail.minTail = int(o.integer(QStringLiteral("min-tail"), sl::kMinTailPoints, 2, 1000000000));
    config.tail.bootstrapReplicates = int(o.integer(QStringLiteral("bootstrap"), 0, 0, 1000000));
    config.tail.seed = std::uint64_t(o.integer(QStringLiteral("seed"), 1, 0, 1LL << 53));
    config.tail.threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
    config.validate();

    const sl::io::TensorFile file = sl::io::TensorFile::open(path.toStdString());  // ReadError: exit 2
    std::vector<std::size_t> chosen;
    if (o.has(QStringLiteral("tensor"))) {
        const auto index = file.find(o.text(QStringLiteral("tensor")).toStdString());
        if (!index) {
            QStringList names;
            for (const auto& t : file.tensors())
                names << QString::fromStdString(t.name);
            throw UsageError{QStringLiteral("%1: no tensor '%2' (it has: %3)")
                                 .arg(path, o.text(QStringLiteral("tensor")),
                                     names.mid(0, 20).join(QStringLiteral(", "))
                                         + (names.size() > 20 ? QStringLiteral(", ...") : QString()))};
        }
        chosen.push_back(*index);
    } else {
        for (std::size_t i = 0; i < file.tensors().size(); ++i)
            chosen.push_back(i);
    }

    std::vector<Row> rows;
    QStringList refused;
    int matrices = 0;
    for (std::size_t i : chosen)
        matrices += file.tensors()[i].isMatrix();
    ProgressBar bar(o, QStringLiteral("matrices"), matrices);
    int done = 0;
    for (std::size_t i : chosen) {
        if (interruptToken().isCancelled())
            break;
        Row row;
        row.info = file.tensors()[i];
        if (!row.info.isMatrix()) {
            row.reason = QString::fromStdString(row.info.skipReason);
            rows.push_back(std::move(row));
            continue;
        }
        try {
            const Eigen::MatrixXd w = file.matrix(i);  // converted now, one matrix at a time
            row.analysis = sl::analyzeWeightMatrix(w, config, {}, interruptToken());
            row.analysed = row.analysis.status == sl::Status::Converged;
            if (!row.analysed)
                row.reason = QString::fromStdString(row.analysis.message);
        } catch (const sl::io::ReadError& e) {
            row.reason = QString::fromUtf8(e.what());
            refused << row.reason;
        }
        bar.update(++done, QString::fromStdString(row.info.name));
        rows.push_back(std::move(row));
    }
    bar.finish();

    const QList<Column>& cols = columns();
    if (o.has(QStringLiteral("csv"))) {
        QStringList header;
        for (const Column& c : cols)
            header << c.name;
        QString csv = header.join(QLatin1Char(',')) + QLatin1Char('\n');
        for (const Row& r : rows) {
            QStringList fields;
            for (const Column& c : cols)
                fields << csvField(c.value(r));
            csv += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
        writeOutput(o, csv.toUtf8());
    } else if (o.json()) {
        QJsonArray list;
        for (const Row& r : rows) {
            QJsonObject obj;
            for (const Column& c : cols)
                obj[c.name] = c.value(r);
            list.append(obj);
        }
        writeOutput(o, QJsonDocument(list).toJson(QJsonDocument::Indented));
    } else {
        QList<QStringList> table{
            {QStringLiteral("name"), QStringLiteral("shape"), QStringLiteral("dtype"), QStringLiteral("alpha"),
                QStringLiteral("xmin"), QStringLiteral("D"), QStringLiteral("num_pl_spikes"), QStringLiteral("mp_edge"),
                QStringLiteral("num_spikes"), QStringLiteral("stable_rank"), QStringLiteral("phase (inferred)")}};
        for (const Row& r : rows) {
            const QString name = QString::fromStdString(r.info.name), shape = shapeText(r.info.shape),
                          dtype = QString::fromStdString(r.info.dtype);
            if (!r.analysed) {
                table.append({name, shape, dtype, QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                    QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                    QStringLiteral("not analysed: ") + r.reason});
                continue;
            }
            const sl::WeightAnalysis& a = r.analysis;
            const bool tail = a.tail.status == sl::Status::Converged;
            table.append({name, shape, dtype, formatNumber(a.tail.alpha, 4), formatNumber(a.tail.xmin, 4),
                formatNumber(a.tail.ks, 3), tail ? QString::number(a.tail.nTail) : QStringLiteral("-"),
                formatNumber(a.mp.edge, 4),
                a.mp.status == sl::Status::Converged ? QString::number(a.mp.numSpikes) : QStringLiteral("-"),
                formatNumber(a.stableRank, 4),
                QLatin1String(sl::toString(a.phase.phase))
                    + (a.phase.phase == sl::SpectralPhase::Undetermined ? QString()
                                                                        : QStringLiteral(" (phases ")
                                + QString::fromStdString(a.paperPhases) + QStringLiteral(")"))});
        }
        QString text = QStringLiteral("%1 (%2, %3 tensors)\n")
                           .arg(path, QLatin1String(sl::io::toString(file.format())))
                           .arg(file.tensors().size());
        text += formatTable(table);
        text += QStringLiteral("ESD: eigenvalues of W^T W%1; alpha vs 1 + 1/gamma and all phase labels are inferred "
                               "readings (docs/theory/weights.md). --json for every column.\n")
                    .arg(config.normalize ? QStringLiteral(" / N") : QString());
        writeOutput(o, text.toUtf8());
    }
    if (interruptToken().isCancelled())
        return kRunFailed;
    if (!refused.isEmpty())
        throw UsageError{refused.join(QStringLiteral("; "))};
    if (matrices == 0)
        throw UsageError{QStringLiteral("%1: no 2-D float matrix to analyse (%2 tensors listed)")
                             .arg(path)
                             .arg(file.tensors().size())};
    return kSuccess;
}

}  // namespace sl::cli
