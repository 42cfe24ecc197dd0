// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli's main, and its `render` sub-command: the only one that draws (the GUI's own plot widgets,
// offscreen), so it lives here, in the executable that links ui/, and scalinglab_app stays free of widgets.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/curve_command.h"
#include "app/cli/exponents_command.h"
#include "app/cli/problem_options.h"
#include "app/experiment/run_result.h"
#include "app/runner/experiment_execution.h"
#include "app/runner/theory_runner.h"
#include "app/store/result_store.h"
#include "core/model/problem.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/spectrum/trained_spectrum.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_export.h"
#include "ui/risk_plot.h"
#include "ui/spectrum_plot.h"

#include <QApplication>
#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

using sl::cli::Options;
using sl::cli::RunError;
using sl::cli::UsageError;

QJsonObject readJsonObject(const QString& path)
{
    return sl::cli::readJsonObjectFile(path, QStringLiteral("expected a JSON object"));
}

double jsonDouble(const QJsonValue& v)
{
    return v.isDouble() ? v.toDouble() : std::nan("");
}

// The run whose spectrum is drawn: a result file, a stored result (by hash), or a run of the given configuration.
sl::app::RunResult spectrumRun(const Options& o)
{
    o.exclusive({QStringLiteral("result"), QStringLiteral("hash"), QStringLiteral("config")});
    if (o.has(QStringLiteral("result"))) {
        const QString path = o.text(QStringLiteral("result"));
        QString message;
        const auto r = sl::app::RunResult::fromJson(readJsonObject(path), &message);
        if (!r)
            throw UsageError{QStringLiteral("%1: not a run result: %2").arg(path, message)};
        return *r;
    }
    if (o.has(QStringLiteral("hash"))) {
        if (o.storePath().isEmpty())
            throw UsageError{QStringLiteral("--hash needs --store PATH")};
        sl::app::ResultStore store;
        if (!store.open(o.storePath()))
            throw UsageError{QStringLiteral("cannot open the store: %1").arg(store.lastError())};
        const auto stored = store.findByHash(o.text(QStringLiteral("hash")));
        if (!stored)
            throw UsageError{
                QStringLiteral("no run with hash %1 in %2").arg(o.text(QStringLiteral("hash")), o.storePath())};
        QString message;
        const auto r = sl::app::RunResult::fromJson(stored->result, &message);
        if (!r)
            throw RunError{QStringLiteral("the stored run is unreadable: %1").arg(message)};
        return *r;
    }
    const sl::app::ExperimentConfig config = sl::cli::experimentFromOptions(o);
    if (config.isSweep())
        throw UsageError{QStringLiteral("render spectrum draws one run, but this experiment is a sweep")};
    sl::app::RunResult r = sl::app::runExperiment(config, {}, sl::cli::interruptToken());
    if (r.status == sl::Status::Invalid || r.status == sl::Status::Cancelled || r.eigenvalues.isEmpty())
        throw RunError{QStringLiteral("the run failed: %1 %2").arg(QLatin1String(sl::toString(r.status)), r.message)};
    return r;
}

std::unique_ptr<sl::ui::PlotView> spectrumPlot(const Options& o)
{
    const sl::app::RunResult run = spectrumRun(o);
    sl::ui::SpectrumViewData data;
    data.eigenvalues = Eigen::Map<const Eigen::VectorXd>(run.eigenvalues.constData(), run.eigenvalues.size());
    if (o.has(QStringLiteral("no-theory"))) {
        // The teacher is redrawn from the run's own configuration (bit-reproducible from the seed, core/model).
        data.teacher = sl::makeProblem(run.config.problem).teacher.spectrum.cwiseAbs();
    } else {
        // The GUI's own overlay: the teacher and the state-evolution law of the trained spectrum
        // (docs/theory/spectra.md §1).
        const double nEff = run.config.problem.nEff();
        const sl::app::TheoryOverlay theory
            = sl::app::TheoryRunner::compute(run.config, nEff, nEff, 0, sl::cli::interruptToken());
        data.teacher = theory.teacherSpectrum;
        if (theory.pointConverged) {
            data.predicted = theory.predictedSpectrum;
            data.predictedWeightAtZero = theory.predictedWeightAtZero;
        }
    }
    // The same reading of the trained spectrum as `train` stores (core/spectrum/trained_spectrum.h).
    const sl::TrainedSpectrumFit spectrumFit = sl::fitTrainedSpectrum(data.eigenvalues);
    data.tail = spectrumFit.tail;
    data.bulk = spectrumFit.bulk;
    // α_WW = 1 + 1/γ (inferred, docs/theory/spectra.md §5).
    data.predictedAlpha = sl::predictedTailExponent(run.config.problem.gamma).value;
    sl::PhaseRuleConfig zeros;
    zeros.zeroTolerance = spectrumFit.zeros.threshold;
    data.spectralPhase
        = QLatin1String(sl::toString(sl::classifySpectrum(data.eigenvalues, *data.bulk, &*data.tail, zeros).phase));
    auto plot = std::make_unique<sl::ui::SpectrumPlot>();
    plot->setLogView(o.has(QStringLiteral("log")));
    plot->setData(data);
    return plot;
}

std::unique_ptr<sl::ui::PlotView> riskPlot(const Options& o)
{
    // A saved curve, or one run now from the curve options.
    QString path = QStringLiteral("the curve");
    QJsonObject json;
    if (o.has(QStringLiteral("curve"))) {
        path = o.text(QStringLiteral("curve"));
        json = readJsonObject(path);
    } else {
        const sl::cli::CurveComputation curve = sl::cli::computeCurve(o);
        if (curve.exitCode != sl::cli::kSuccess)
            throw RunError{QStringLiteral("the curve did not finish (interrupted, or a grid point failed every seed)")};
        json = curve.json;
    }
    if (!json.value(QStringLiteral("points")).isArray())
        throw UsageError{QStringLiteral("%1: not a curve (no \"points\" list)").arg(path)};
    sl::ui::RiskSeries series;
    const QJsonObject problem
        = json.value(QStringLiteral("config")).toObject().value(QStringLiteral("problem")).toObject();
    series.name = QStringLiteral("λ = %1").arg(problem.value(QStringLiteral("weight_decay")).toDouble());
    for (const QJsonValue& v : json.value(QStringLiteral("points")).toArray()) {
        const QJsonObject p = v.toObject();
        if (!p.value(QStringLiteral("n_eff")).isDouble())
            throw UsageError{QStringLiteral("%1: a point has no n_eff").arg(path)};
        const double nEff = p.value(QStringLiteral("n_eff")).toDouble();
        const double mean = jsonDouble(p.value(QStringLiteral("mean")));
        if (std::isfinite(mean)) {
            series.nEff.append(nEff);
            series.mean.append(mean);
            const double se = jsonDouble(p.value(QStringLiteral("stderr")));
            series.standardError.append(std::isfinite(se) ? se : 0.0);
        }
        const double theory = jsonDouble(p.value(QStringLiteral("theory")));
        if (std::isfinite(theory)) {
            series.theoryNEff.append(nEff);
            series.theoryRisk.append(theory);
        }
    }
    const QJsonObject fit = json.value(QStringLiteral("fit")).toObject();
    if (fit.value(QStringLiteral("slope")).isDouble()) {
        series.hasFit = true;
        series.slope = fit.value(QStringLiteral("slope")).toDouble();
        series.slopeLow = jsonDouble(fit.value(QStringLiteral("slope_low")));
        series.slopeHigh = jsonDouble(fit.value(QStringLiteral("slope_high")));
    }
    series.predictedSlope = json.value(QStringLiteral("predicted_slope")).toDouble();
    series.phase = json.value(QStringLiteral("phase")).toString();
    auto plot = std::make_unique<sl::ui::RiskPlot>();
    plot->setSeries(series);
    return plot;
}

std::unique_ptr<sl::ui::PlotView> phasePlot(const Options& o)
{
    sl::PhaseDiagramConfig config;
    config.d = double(o.integer(QStringLiteral("d"), 400, 2, 1000000000));
    config.gamma = o.number(QStringLiteral("gamma"), 1.0, 0.5, 1e6);
    config.noise = o.number(QStringLiteral("noise"), 0.5, 0, 1e12);
    config.validate();
    auto plot = std::make_unique<sl::ui::PhaseDiagramView>();
    plot->setDiagram(config);
    const QString mode = o.choice(QStringLiteral("exponents"),
        {QStringLiteral("slope"), QStringLiteral("predicted"), QStringLiteral("measured"),
            QStringLiteral("difference")},
        QStringLiteral("slope"));
    using Mode = sl::ui::PhaseDiagramView::ColourMode;
    if (mode == QLatin1String("measured") || mode == QLatin1String("difference")) {
        // The map from a file (`exponents --json`), else computed now (or read from --store) for the same γ, Δ.
        QJsonObject json;
        QString source = QStringLiteral("the exponent map");
        if (o.has(QStringLiteral("exponent-map"))) {
            source = o.text(QStringLiteral("exponent-map"));
            json = readJsonObject(source);
        } else {
            json = sl::cli::computeExponentMap(o, sl::cli::exponentMapConfigFromOptions(o)).json;
        }
        QString error;
        const auto data = sl::app::exponentMapDataFromJson(json, &error);
        if (!data)
            throw UsageError{QStringLiteral("%1: %2").arg(source, error)};
        if (std::abs(data->gamma - config.gamma) > 1e-12 || std::abs(data->noise - config.noise) > 1e-12)
            throw UsageError{QStringLiteral("%1 was measured at γ = %2, Δ = %3, not the diagram's γ = %4, Δ = %5")
                                 .arg(source)
                                 .arg(data->gamma)
                                 .arg(data->noise)
                                 .arg(config.gamma)
                                 .arg(config.noise)};
        plot->setExponentMap(*data);
    }
    plot->setColourMode(mode == QLatin1String("slope") ? Mode::PredictedSlope
            : mode == QLatin1String("predicted")       ? Mode::PredictedExponent
            : mode == QLatin1String("measured")        ? Mode::MeasuredExponent
                                                       : Mode::ExponentDifference);
    return plot;
}

int runRender(const QStringList& arguments)
{
    Options o(QStringLiteral("render"), QStringLiteral("risk|spectrum|phase --output FILE.png|.pdf|.svg [options]"),
        QStringLiteral(
            "Draws one of the GUI's plots offscreen (no display needed) and writes it as PNG, PDF or SVG:\n"
            "  risk      risk against n_eff with error bars, fitted slope and theory, from --curve FILE (the output\n"
            "            of `curve --json`), or computed now from the curve options (--samples-from ...);\n"
            "  spectrum  the trained weights' eigenvalue density with the teacher's spectrum, tail fit and bulk edge,\n"
            "            from --result FILE (the output of `train --json`), a stored run (--store PATH --hash H), or\n"
            "            a run of the given configuration (--config FILE and/or the train options);\n"
            "  phase     the phase diagram for --d --gamma --noise; --exponents predicted|measured|difference colours\n"
            "            it by the exponent e of R ~ d^(−e) instead of the slope in n_eff: Result 1's, the one "
            "measured\n"
            "            from the state evolution (from --exponent-map FILE, the output of `exponents --json`, or\n"
            "            computed now with the exponents options, cached with --store), or their difference."));
    // The image size has its own names: --width is the network's hidden width p, as in every other command.
    o.value(QStringLiteral("image-width"), QStringLiteral("W"),
        QStringLiteral("Image width in pixels (default 900); a PNG is exactly this wide."));
    o.value(QStringLiteral("image-height"), QStringLiteral("H"),
        QStringLiteral("Image height in pixels (default 600); a PNG is exactly this high."));
    o.value(QStringLiteral("scale"), QStringLiteral("S"),
        QStringLiteral("Device pixel ratio (default 1): the plot is laid out at W/S × H/S, so --scale 2 with\n"
                       "--image-width 1800 --image-height 1200 is a 900×600 plot at high-DPI sharpness."));
    o.value(QStringLiteral("curve"), QStringLiteral("FILE"), QStringLiteral("risk: a `curve --json` output."));
    o.value(QStringLiteral("result"), QStringLiteral("FILE"), QStringLiteral("spectrum: a `train --json` output."));
    o.value(QStringLiteral("hash"), QStringLiteral("H"), QStringLiteral("spectrum: config hash of a stored run."));
    o.value(QStringLiteral("config"), QStringLiteral("FILE"), QStringLiteral("spectrum: experiment JSON to run."));
    o.flag(QStringLiteral("log"), QStringLiteral("spectrum: log-log view."));
    o.value(QStringLiteral("exponents"), QStringLiteral("slope|predicted|measured|difference"),
        QStringLiteral("phase: what the colours show (default slope)."));
    o.value(
        QStringLiteral("exponent-map"), QStringLiteral("FILE"), QStringLiteral("phase: an `exponents --json` output."));
    sl::cli::addExponentGridOptions(o, false);
    sl::cli::addProblemOptions(o, true);
    sl::cli::addSolverOptions(o);
    sl::cli::addCurveGridOptions(o);
    o.parse(arguments);
    if (o.helpRequested()) {
        sl::cli::writeOutput(o, o.helpText().toUtf8());
        return sl::cli::kSuccess;
    }
    o.requirePositional(1, QStringLiteral("the plot (risk, spectrum or phase)"));
    const QString kind = o.positional().first();
    if (kind != QLatin1String("risk") && kind != QLatin1String("spectrum") && kind != QLatin1String("phase"))
        throw UsageError{QStringLiteral("unknown plot '%1' (risk, spectrum or phase)").arg(kind)};
    const QString path = o.outputPath();
    if (path.isEmpty())
        throw UsageError{QStringLiteral("needs --output FILE.png, .pdf or .svg")};
    sl::ui::ImageFormat format;
    if (!sl::ui::imageFormatFromPath(path, format))
        throw UsageError{QStringLiteral("%1: unknown image format (use .png, .pdf or .svg)").arg(path)};
    const int width = int(o.integer(QStringLiteral("image-width"), 900, 50, 20000));
    const int height = int(o.integer(QStringLiteral("image-height"), 600, 50, 20000));
    const double scale = o.number(QStringLiteral("scale"), 1.0, 0.25, 8.0);
    if (width / scale < 50 || height / scale < 50)
        throw UsageError{
            QStringLiteral("the image is too small for --scale %1: W/S and H/S must be at least 50").arg(scale)};
    std::unique_ptr<sl::ui::PlotView> plot = kind == QLatin1String("risk") ? riskPlot(o)
        : kind == QLatin1String("spectrum")                                ? spectrumPlot(o)
                                                                           : phasePlot(o);
    plot->resize(qRound(width / scale), qRound(height / scale));
    plot->replot();
    QString error;
    if (!sl::ui::exportImage(*plot, path, &error, width, height, scale))
        throw RunError{error};
    const QJsonObject json{{QStringLiteral("plot"), kind}, {QStringLiteral("file"), path},
        {QStringLiteral("width"), width}, {QStringLiteral("height"), height}, {QStringLiteral("scale"), scale}};
    // The image went to --output; the summary goes to stdout.
    const QByteArray text = o.json() ? sl::cli::jsonText(json) : QStringLiteral("wrote %1\n").arg(path).toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    return sl::cli::kSuccess;
}

// Qt's own notes about the environment (e.g. "QStandardPaths: XDG_RUNTIME_DIR not set" on a headless box) would
// break the CLI's contract of one line on stderr per problem; everything else is passed on.
QtMessageHandler g_previousHandler = nullptr;

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type == QtWarningMsg && message.startsWith(QLatin1String("QStandardPaths:")))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
    else
        std::fprintf(stderr, "%s\n", qPrintable(message));
}

}  // namespace

int main(int argc, char** argv)
{
    // Only `render` needs a GUI application, and it must work without a display: the offscreen platform.
    g_previousHandler = qInstallMessageHandler(messageHandler);
    const bool render = argc > 1 && qstrcmp(argv[1], "render") == 0;
    std::unique_ptr<QCoreApplication> app;
    if (render) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("scalinglab-cli"));
    sl::cli::registerCommand(QStringLiteral("render"),
        QStringLiteral("Write any of the GUI's plots to PNG/PDF/SVG without a display."), runRender);
    return sl::cli::run(QCoreApplication::arguments());
}
