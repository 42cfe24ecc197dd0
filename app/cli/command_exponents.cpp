// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli exponents: the d-exponents of the excess risk measured from the state evolution on a grid of
// (a, b), n_eff = d^a, λ = d^b, next to Result 1's prediction (docs/theory/exponents.md).
#include "app/analysis/exponent_map_json.h"
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/exponents_command.h"
#include "app/store/result_store.h"
#include "core/theory/exponent_map.h"

#include "scalinglab/version.h"

#include <cmath>

namespace sl::cli {

void addExponentGridOptions(Options& o, bool standalone)
{
    if (standalone) {
        o.value(
            QStringLiteral("model"), QStringLiteral("diagonal|quadratic"), QStringLiteral("Model (default diagonal)."));
        o.value(
            QStringLiteral("gamma"), QStringLiteral("G"), QStringLiteral("Teacher exponent γ > 1/2 (default 1.5)."));
        o.value(QStringLiteral("noise"), QStringLiteral("DELTA"), QStringLiteral("Label noise Δ >= 0 (default 0.5)."));
        o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("Grid points per axis (default 21)."));
        o.value(QStringLiteral("amplitudes"), QStringLiteral("gaussian|deterministic"),
            QStringLiteral("Diagonal teacher: averaged over Gaussian θ* (default) or |θ*_i| = √d·i^(−γ)."));
        o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Worker threads (default: all cores)."));
    }
    o.value(
        QStringLiteral("a-from"), QStringLiteral("A"), QStringLiteral("Smallest a = log n_eff / log d (default 0)."));
    o.value(QStringLiteral("a-to"), QStringLiteral("A"), QStringLiteral("Largest a (default 4)."));
    o.value(QStringLiteral("b-from"), QStringLiteral("B"), QStringLiteral("Smallest b = log λ / log d (default -1)."));
    o.value(QStringLiteral("b-to"), QStringLiteral("B"), QStringLiteral("Largest b (default 3)."));
    o.value(QStringLiteral("d-min"), QStringLiteral("D"), QStringLiteral("Smallest d of the ladder (default 100)."));
    o.value(QStringLiteral("d-max"), QStringLiteral("D"),
        QStringLiteral("Largest d (default 1e5 diagonal, 1e4 quadratic; at most 1e9 / 1e5)."));
    o.value(
        QStringLiteral("ladder-points"), QStringLiteral("P"), QStringLiteral("Ladder points per decade (default 4)."));
    o.value(
        QStringLiteral("fit-decades"), QStringLiteral("F"), QStringLiteral("Decades fitted at the top (default 1)."));
    o.value(QStringLiteral("curvature"), QStringLiteral("C"),
        QStringLiteral("Flag a cell curved when its half-window slopes differ by more (default 0.05)."));
    o.value(QStringLiteral("n-eff-factor"), QStringLiteral("C"),
        QStringLiteral("n_eff = C·d^a (default 1; e.g. the quadratic peak's α_interp)."));
}

sl::ExponentMapConfig exponentMapConfigFromOptions(const Options& o)
{
    sl::ExponentMapConfig config;
    const QString model
        = o.choice(QStringLiteral("model"), {QStringLiteral("diagonal"), QStringLiteral("quadratic")}, "diagonal");
    config.model = model == QLatin1String("quadratic") ? sl::ModelKind::Quadratic : sl::ModelKind::Diagonal;
    const bool quadratic = config.model == sl::ModelKind::Quadratic;
    config.gamma = o.number(QStringLiteral("gamma"), 1.5, 0.5, 1e3);
    if (!(config.gamma > 0.5))
        throw UsageError{QStringLiteral("--gamma: must be > 1/2 (got %1)").arg(config.gamma)};
    config.noise = o.number(QStringLiteral("noise"), 0.5, 0, 1e12);
    config.aFrom = o.number(QStringLiteral("a-from"), 0, -10, 20);
    config.aTo = o.number(QStringLiteral("a-to"), 4, -10, 20);
    config.bFrom = o.number(QStringLiteral("b-from"), -1, -20, 20);
    config.bTo = o.number(QStringLiteral("b-to"), 3, -20, 20);
    if (config.aTo < config.aFrom)
        throw UsageError{QStringLiteral("--a-to: must be >= --a-from")};
    if (config.bTo < config.bFrom)
        throw UsageError{QStringLiteral("--b-to: must be >= --b-from")};
    config.aPoints = config.bPoints = int(o.integer(QStringLiteral("points"), 21, 1, 400));
    config.dMin = o.number(QStringLiteral("d-min"), 100, 2, 1e9);
    config.dMax = o.number(QStringLiteral("d-max"), quadratic ? 1e4 : 1e5, 3, quadratic ? 1e5 : 1e9);
    if (!(config.dMax > config.dMin))
        throw UsageError{QStringLiteral("--d-max: must be > --d-min")};
    config.ladderPointsPerDecade = int(o.integer(QStringLiteral("ladder-points"), 4, 1, 100));
    config.fitDecades = o.number(QStringLiteral("fit-decades"), 1, 0.01, 20);
    config.curvatureThreshold = o.number(QStringLiteral("curvature"), 0.05, 0, 100);
    config.nEffFactor = o.number(QStringLiteral("n-eff-factor"), 1, 1e-12, 1e12);
    const QString amplitudes = o.choice(QStringLiteral("amplitudes"),
        {QStringLiteral("gaussian"), QStringLiteral("deterministic")}, QStringLiteral("gaussian"));
    config.lassoMode = amplitudes == QLatin1String("gaussian") ? sl::LassoTeacherMode::VarianceProfile
                                                               : sl::LassoTeacherMode::Amplitudes;
    config.threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
    config.validate();  // e.g. a fit window with fewer than 3 ladder points: exit code 2 before any work
    return config;
}

ExponentMapComputation computeExponentMap(const Options& o, const sl::ExponentMapConfig& config)
{
    ExponentMapComputation out;
    out.key = sl::app::exponentMapKey(config);
    sl::app::ResultStore store;
    if (!o.storePath().isEmpty() && !store.open(o.storePath()))
        throw UsageError{QStringLiteral("cannot open the store: %1").arg(store.lastError())};
    if (store.isOpen()) {
        if (const auto cached = store.findCached(QLatin1String(sl::app::kExponentMapCacheKind), out.key)) {
            // The cache holds the map with its ladders, so --ladder or not can both be served.
            out.json = *cached;
            out.fromStore = true;
        }
    }
    if (!out.fromStore) {
        ProgressBar bar(o, QStringLiteral("exponents"), config.cellCount());
        const sl::ExponentMapResult result = sl::ExponentMap(config).run(
            [&](const sl::ExponentMapProgress& p) { bar.update(p.done); }, interruptToken());
        bar.finish();
        if (result.status == sl::Status::Cancelled)
            throw RunError{
                QStringLiteral("interrupted: %1 (nothing written)").arg(QString::fromStdString(result.message))};
        out.json = sl::app::exponentMapJson(result, true);
        if (store.isOpen()
            && !store.saveCached(
                QLatin1String(sl::app::kExponentMapCacheKind), out.key, out.json, QLatin1String(sl::kVersion)))
            throw RunError{QStringLiteral("saving to the store failed: %1").arg(store.lastError())};
    }
    out.json[QStringLiteral("from_store")] = out.fromStore;
    out.json[QStringLiteral("key")] = out.key;
    return out;
}

int runExponents(const QStringList& arguments)
{
    Options o(QStringLiteral("exponents"), QStringLiteral("[options]"),
        QStringLiteral(
            "Measures the exponent e of R ~ d^(−e) at n_eff = d^a, λ = d^b from the state evolution on a ladder of\n"
            "dimensions d (log-spaced, --ladder-points per decade up to --d-max) and fits −log R against log d over\n"
            "the top --fit-decades, with a 95% interval; compares with Result 1 of arXiv:2509.24882 (the phase\n"
            "classifier of `phase`). Cells whose slope still bends across the window are flagged curved.\n"
            "Diagonal model: the LASSO state evolution averaged over θ*_i ~ N(0, d·i^(−2γ)) (or deterministic\n"
            "amplitudes), its sum over i by quadrature beyond i = 512, so d = 10^6 costs what d = 10^3 does.\n"
            "Quadratic model: the d → ∞ state evolution, μ_δ from Pastur's equation (outliers as point masses).\n"
            "With --store PATH the map is cached: the same parameters are read back, not recomputed.\n"
            "See docs/theory/exponents.md."));
    addExponentGridOptions(o, true);
    addTableFormatOption(o);
    o.flag(QStringLiteral("ladder"), QStringLiteral("JSON: include every cell's R(d) along the ladder."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    const sl::ExponentMapConfig config = exponentMapConfigFromOptions(o);
    const QString model
        = config.model == sl::ModelKind::Quadratic ? QStringLiteral("quadratic") : QStringLiteral("diagonal");
    const QString format = tableFormat(o);

    const bool ladderDetail = o.has(QStringLiteral("ladder"));
    ExponentMapComputation computed = computeExponentMap(o, config);
    QJsonObject& json = computed.json;
    const bool fromStore = computed.fromStore;
    if (!ladderDetail) {
        QJsonArray cells = json.value(QStringLiteral("cells")).toArray();
        for (int i = 0; i < cells.size(); ++i) {
            QJsonObject c = cells.at(i).toObject();
            c.remove(QStringLiteral("ladder"));
            cells[i] = c;
        }
        json[QStringLiteral("cells")] = cells;
    }
    const bool allConverged = json.value(QStringLiteral("failed_cells")).toInt() == 0;
    const auto data = sl::app::exponentMapDataFromJson(json);
    if (!data)
        throw RunError{QStringLiteral("the stored map is unreadable")};

    if (format == QLatin1String("json")) {
        writeOutput(o, jsonText(json));
    } else if (format == QLatin1String("csv")) {
        QString csv
            = QStringLiteral("a,b,phase,predicted,measured,interval_low,interval_high,difference,curved,status\n");
        auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
        for (const sl::app::ExponentMapCell& c : data->cells)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10\n")
                       .arg(num(c.a), num(c.b), c.phase, num(c.predicted), num(c.measured), num(c.intervalLow),
                           num(c.intervalHigh), num(c.measured - c.predicted),
                           c.converged ? (c.curved ? QStringLiteral("1") : QStringLiteral("0")) : QString())
                       .arg(c.converged ? QStringLiteral("converged") : QStringLiteral("not-converged"));
        writeOutput(o, csv.toUtf8());
    } else {
        QList<QStringList> rows{{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("phase"),
            QStringLiteral("predicted"), QStringLiteral("measured"), QStringLiteral("95% interval"),
            QStringLiteral("difference"), QStringLiteral("note")}};
        for (const sl::app::ExponentMapCell& c : data->cells)
            rows.append({formatNumber(c.a, 3), formatNumber(c.b, 3), c.phase, formatNumber(c.predicted, 3),
                c.converged ? formatNumber(c.measured, 3) : QStringLiteral("-"),
                c.converged
                    ? QStringLiteral("[%1, %2]").arg(formatNumber(c.intervalLow, 3), formatNumber(c.intervalHigh, 3))
                    : QStringLiteral("-"),
                c.converged ? formatNumber(c.measured - c.predicted, 3) : QStringLiteral("-"),
                c.converged ? (c.curved ? QStringLiteral("curved") : QString()) : c.message});
        QString header = QStringLiteral("Exponents of R ~ d^(−e), %1 model, γ = %2, Δ = %3, d up to %4%5\n")
                             .arg(model)
                             .arg(config.gamma)
                             .arg(config.noise)
                             .arg(formatNumber(config.dMax))
                             .arg(fromStore ? QStringLiteral(" (from the store)") : QString());
        writeOutput(o, (header + formatTable(rows)).toUtf8());
    }
    return allConverged ? kSuccess : kRunFailed;
}

}  // namespace sl::cli
