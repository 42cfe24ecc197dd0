// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli se-phase: the phase diagram built from the state evolution itself (Result 4 / Figure 4 of
// arXiv:2509.24882 for Δ = 0, whose table is not available): SE risk and its slope against n_eff on a log grid of
// (n_eff, λ), with the inferred closed-form labels and boundary lines as overlays. docs/theory/noiseless-and-lambda.md
// §1.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/theory/noiseless_diagram.h"
#include "core/theory/phase_diagram.h"

#include <cmath>

namespace sl::cli {

int runSePhase(const QStringList& arguments)
{
    Options o(QStringLiteral("se-phase"), QStringLiteral("[options]"),
        QStringLiteral(
            "The phase diagram from the state evolution: on a log grid of (n_eff, λ) at fixed d, the SE excess risk\n"
            "and its local slope d log R / d log n_eff (the colour map), next to the closed-form classifier's label\n"
            "and slope (inferred; for Δ = 0 the noiseless reading of Result 4) and the lines L1 λ = √(n_eff/d),\n"
            "L2 λ = n_eff/√d, L3 λ = n_eff/d^(γ+1/2) as overlays; `agreement` compares the two per label.\n"
            "Default Δ = 0, n_eff from 1 to 10·d^(2γ), λ from 1/d to 10·d, 25 × 25 points.\n"
            "Theory: docs/theory/noiseless-and-lambda.md §1."));
    o.value(
        QStringLiteral("model"), QStringLiteral("diagonal|quadratic"), QStringLiteral("Network (default diagonal)."));
    o.value(QStringLiteral("d"), QStringLiteral("D"), QStringLiteral("Dimension d (default 200)."));
    o.value(QStringLiteral("gamma"), QStringLiteral("G"), QStringLiteral("Teacher exponent γ > 1/2 (default 1)."));
    o.value(QStringLiteral("noise"), QStringLiteral("DELTA"), QStringLiteral("Δ (default 0)."));
    o.value(QStringLiteral("amplitudes"), QStringLiteral("deterministic|gaussian"),
        QStringLiteral("Diagonal SE teacher: √d·i^(−γ) (default, inferred) or averaged over N(0, d·i^(−2γ))."));
    o.value(QStringLiteral("n-eff-from"), QStringLiteral("X"), QStringLiteral("Smallest n_eff."));
    o.value(QStringLiteral("n-eff-to"), QStringLiteral("X"), QStringLiteral("Largest n_eff."));
    o.value(QStringLiteral("lambda-from"), QStringLiteral("L"), QStringLiteral("Smallest λ."));
    o.value(QStringLiteral("lambda-to"), QStringLiteral("L"), QStringLiteral("Largest λ."));
    o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("Grid points per axis (default 25)."));
    o.value(QStringLiteral("threads"), QStringLiteral("T"), QStringLiteral("Worker threads (default: all cores)."));
    o.value(
        QStringLiteral("se-samples"), QStringLiteral("K"), QStringLiteral("Quadratic SE: GOE samples (default 16)."));
    addTableFormatOption(o);
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    sl::NoiselessDiagramConfig c;
    const QString modelName
        = o.choice(QStringLiteral("model"), {QStringLiteral("diagonal"), QStringLiteral("quadratic")}, "diagonal");
    c.model.model = modelName == QLatin1String("quadratic") ? sl::ModelKind::Quadratic : sl::ModelKind::Diagonal;
    c.model.d = int(o.integer(QStringLiteral("d"), 200, 2, 100000));
    c.model.gamma = o.number(QStringLiteral("gamma"), 1.0, 0.5, 1e6);
    if (!(c.model.gamma > 0.5))
        throw UsageError{QStringLiteral("--gamma: must be > 1/2 (got %1)").arg(c.model.gamma)};
    c.model.noise = o.number(QStringLiteral("noise"), 0.0, 0, 1e12);
    const QString amplitudes = o.choice(QStringLiteral("amplitudes"),
        {QStringLiteral("deterministic"), QStringLiteral("gaussian")}, QStringLiteral("deterministic"));
    if (amplitudes == QLatin1String("gaussian"))
        c.model.lassoMode = sl::LassoTeacherMode::VarianceProfile;
    c.model.samples = int(o.integer(QStringLiteral("se-samples"), 16, 1, 10000));
    const double d = c.model.d;
    c.nEffMin = o.number(QStringLiteral("n-eff-from"), 1.0, 1e-300, 1e300);
    c.nEffMax = o.number(QStringLiteral("n-eff-to"), 10 * std::pow(d, 2 * c.model.gamma), 1e-300, 1e300);
    c.lambdaMin = o.number(QStringLiteral("lambda-from"), 1.0 / d, 1e-300, 1e300);
    c.lambdaMax = o.number(QStringLiteral("lambda-to"), 10 * d, 1e-300, 1e300);
    if (!(c.nEffMax > c.nEffMin))
        throw UsageError{QStringLiteral("--n-eff-to: must be > --n-eff-from")};
    if (c.lambdaMax < c.lambdaMin)
        throw UsageError{QStringLiteral("--lambda-to: must be >= --lambda-from")};
    c.nEffPoints = c.lambdaPoints = int(o.integer(QStringLiteral("points"), 25, 2, 2000));
    c.threads = int(o.integer(QStringLiteral("threads"), 0, 0, 4096));
    const QString format = tableFormat(o);

    ProgressBar bar(o, QStringLiteral("se-phase"), c.lambdaPoints);
    const sl::NoiselessDiagramResult r = sl::computeNoiselessDiagram(
        c, [&](const sl::NoiselessDiagramProgress& p) { bar.update(p.columnsDone); }, interruptToken());
    bar.finish();
    if (r.status == sl::Status::Cancelled)
        throw RunError{QStringLiteral("interrupted: the diagram is incomplete and was not written")};
    sl::PhaseDiagramConfig pc;
    pc.d = d;
    pc.gamma = c.model.gamma;
    pc.noise = c.model.noise;
    const sl::PhaseDiagram diagram(pc);
    const int exitCode = r.status == sl::Status::Converged ? kSuccess : kRunFailed;

    if (format == QLatin1String("csv")) {
        QString csv = QStringLiteral("n_eff,lambda,se_risk,se_slope,status,phase,predicted_slope,l1,l2,l3\n");
        for (const sl::NoiselessDiagramCell& cell : r.cells)
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10\n")
                       .arg(QString::number(cell.nEff, 'g', 10), QString::number(cell.lambda, 'g', 10),
                           QString::number(cell.risk, 'g', 10), QString::number(cell.slope, 'g', 10),
                           QLatin1String(sl::toString(cell.status)), QString::fromStdString(cell.phase),
                           QString::number(cell.predictedSlope, 'g', 10),
                           QString::number(diagram.lineL1(cell.nEff), 'g', 10))
                       .arg(QString::number(diagram.lineL2(cell.nEff), 'g', 10),
                           QString::number(diagram.lineL3(cell.nEff), 'g', 10));
        writeOutput(o, csv.toUtf8());
        return exitCode;
    }

    QJsonObject json;
    json[QStringLiteral("model")] = modelName;
    json[QStringLiteral("d")] = d;
    json[QStringLiteral("gamma")] = c.model.gamma;
    json[QStringLiteral("noise")] = c.model.noise;
    json[QStringLiteral("teacher")] = c.model.model == sl::ModelKind::Quadratic
        ? QStringLiteral("spectrum s_i ∝ i^(−γ), Q* = 1, %1 GOE samples").arg(c.model.samples)
        : amplitudes == QLatin1String("gaussian") ? QStringLiteral("averaged over θ*_i ~ N(0, d·i^(−2γ))")
                                                  : QStringLiteral("deterministic amplitudes √d·i^(−γ) (inferred)");
    json[QStringLiteral("n_eff")] = jsonArray(r.nEff);
    json[QStringLiteral("lambda")] = jsonArray(r.lambda);
    QJsonArray grid;
    for (const sl::NoiselessDiagramCell& cell : r.cells)
        grid.append(QJsonObject{{QStringLiteral("n_eff"), cell.nEff}, {QStringLiteral("lambda"), cell.lambda},
            {QStringLiteral("se_risk"), cell.status == sl::Status::Converged ? jsonNumber(cell.risk) : QJsonValue()},
            {QStringLiteral("se_slope"), jsonNumber(cell.slope)},
            {QStringLiteral("status"), QLatin1String(sl::toString(cell.status))},
            {QStringLiteral("phase"), QString::fromStdString(cell.phase)},
            {QStringLiteral("predicted_slope"), cell.predictedSlope},
            {QStringLiteral("predicted_local_slope"), cell.predictedLocalSlope}});
    json[QStringLiteral("grid")] = grid;
    QJsonArray agreement;
    QList<QStringList> table{{QStringLiteral("phase"), QStringLiteral("cells"), QStringLiteral("predicted"),
        QStringLiteral("SE median"), QStringLiteral("median |SE − predicted|"), QStringLiteral("… − local")}};
    for (const sl::NoiselessPhaseAgreement& a : r.agreement) {
        agreement.append(QJsonObject{{QStringLiteral("phase"), QString::fromStdString(a.phase)},
            {QStringLiteral("cells"), a.cells}, {QStringLiteral("predicted_slope"), a.predictedSlope},
            {QStringLiteral("se_median_slope"), jsonNumber(a.medianSlope)},
            {QStringLiteral("median_abs_deviation"), jsonNumber(a.medianAbsDeviation)},
            {QStringLiteral("median_abs_deviation_local"), jsonNumber(a.medianAbsDeviationLocal)}});
        table.append({QString::fromStdString(a.phase), QString::number(a.cells), formatNumber(a.predictedSlope, 3),
            formatNumber(a.medianSlope, 3), formatNumber(a.medianAbsDeviation, 3),
            formatNumber(a.medianAbsDeviationLocal, 3)});
    }
    json[QStringLiteral("agreement")] = agreement;
    QJsonArray l1, l2, l3;
    for (const double n : r.nEff) {
        l1.append(jsonNumber(diagram.lineL1(n)));
        l2.append(jsonNumber(diagram.lineL2(n)));
        l3.append(jsonNumber(diagram.lineL3(n)));
    }
    json[QStringLiteral("lines")]
        = QJsonObject{{QStringLiteral("L1"), l1}, {QStringLiteral("L2"), l2}, {QStringLiteral("L3"), l3}};
    json[QStringLiteral("vertical_lines")] = QJsonObject{{QStringLiteral("first_feature"), diagram.firstFeatureNEff()},
        {QStringLiteral("interpolation"), diagram.peakNEff()}, {QStringLiteral("heavy_tail"), diagram.heavyTailNEff()}};
    json[QStringLiteral("labels_inferred")] = true;
    json[QStringLiteral("status")] = QLatin1String(sl::toString(r.status));
    json[QStringLiteral("message")] = QString::fromStdString(r.message);

    // Human form: the slope map (λ rows, top = largest), labels as a suffix (~ = crossover).
    QList<QStringList> map;
    QStringList header{QStringLiteral("λ \\ n_eff")};
    for (const double n : r.nEff)
        header.append(formatNumber(n, 2));
    map.append(header);
    for (std::size_t j = r.lambda.size(); j-- > 0;) {
        QStringList row{formatNumber(r.lambda[j], 3)};
        for (std::size_t i = 0; i < r.nEff.size(); ++i) {
            const sl::NoiselessDiagramCell& cell = r.cell(i, j);
            row.append(QString::number(cell.slope, 'f', 2)
                + (cell.phase == "crossover" ? QStringLiteral("~") : QString::fromStdString(cell.phase)));
        }
        map.append(row);
    }
    const QString human
        = QStringLiteral(
              "SE slope d log R / d log n_eff, d = %1, γ = %2, Δ = %3 (suffix: inferred closed-form label, ~ = "
              "crossover)\n")
              .arg(d)
              .arg(c.model.gamma)
              .arg(c.model.noise)
        + formatTable(map) + QStringLiteral("\nSE slopes against the inferred exponents:\n") + formatTable(table)
        + QString::fromStdString(r.message) + QLatin1Char('\n');
    present(o, json, human);
    return exitCode;
}

}  // namespace sl::cli
