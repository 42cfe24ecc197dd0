// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli phase: the closed-form phase diagram (docs/theory/phase-diagram.md §4, §5) on a log grid, with its
// boundary lines.
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/theory/phase_diagram.h"

#include <QFileInfo>

#include <cmath>

namespace sl::cli {
namespace {

std::vector<double> logGrid(double from, double to, int points)
{
    std::vector<double> out;
    for (int i = 0; i < points; ++i) {
        const double t = points == 1 ? 0.0 : double(i) / (points - 1);
        out.push_back(std::exp(std::log(from) + t * (std::log(to) - std::log(from))));
    }
    return out;
}

}  // namespace

int runPhase(const QStringList& arguments)
{
    Options o(QStringLiteral("phase"), QStringLiteral("[options]"),
        QStringLiteral(
            "The phase diagram (docs/theory/phase-diagram.md §5, inferred from §2-§4) on a log grid of (n_eff, λ):\n"
            "phase label and rate exponents at every point, and the boundary lines L1 λ = √(n_eff/d),\n"
            "L2 λ = n_eff/√d, L3 λ = n_eff/d^(γ+1/2) with the vertical lines n_eff = 1, d, d^(2γ).\n"
            "Default ranges: n_eff from 1/10 to 10·d^(2γ), λ from 1/d to 10·d."));
    o.value(QStringLiteral("d"), QStringLiteral("D"), QStringLiteral("Dimension d (default 400)."));
    o.value(QStringLiteral("gamma"), QStringLiteral("G"), QStringLiteral("Teacher exponent γ > 1/2 (default 1)."));
    o.value(QStringLiteral("noise"), QStringLiteral("DELTA"), QStringLiteral("Δ (default 0.5; 0: noiseless diagram)."));
    o.value(QStringLiteral("n-eff-from"), QStringLiteral("X"), QStringLiteral("Smallest n_eff."));
    o.value(QStringLiteral("n-eff-to"), QStringLiteral("X"), QStringLiteral("Largest n_eff."));
    o.value(QStringLiteral("lambda-from"), QStringLiteral("L"), QStringLiteral("Smallest λ."));
    o.value(QStringLiteral("lambda-to"), QStringLiteral("L"), QStringLiteral("Largest λ."));
    o.value(QStringLiteral("points"), QStringLiteral("K"), QStringLiteral("Grid points per axis (default 25)."));
    addTableFormatOption(o);
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(0, QString());
    sl::PhaseDiagramConfig config;
    config.d = double(o.integer(QStringLiteral("d"), 400, 2, 1000000000));
    config.gamma = o.number(QStringLiteral("gamma"), 1.0, 0.5, 1e6);
    config.noise = o.number(QStringLiteral("noise"), 0.5, 0, 1e12);
    config.validate();
    const sl::PhaseDiagram diagram(config);
    const double nFrom = o.number(QStringLiteral("n-eff-from"), 0.1, 1e-300, 1e300);
    const double nTo = o.number(QStringLiteral("n-eff-to"), 10 * diagram.heavyTailNEff(), 1e-300, 1e300);
    const double lFrom = o.number(QStringLiteral("lambda-from"), 1.0 / config.d, 1e-300, 1e300);
    const double lTo = o.number(QStringLiteral("lambda-to"), 10 * config.d, 1e-300, 1e300);
    if (nTo < nFrom)
        throw UsageError{QStringLiteral("--n-eff-to: must be >= --n-eff-from")};
    if (lTo < lFrom)
        throw UsageError{QStringLiteral("--lambda-to: must be >= --lambda-from")};
    const int points = int(o.integer(QStringLiteral("points"), 25, 1, 2000));
    const QString format = tableFormat(o);

    const std::vector<double> nGrid = logGrid(nFrom, nTo, points);
    const std::vector<double> lGrid = logGrid(lFrom, lTo, points);

    if (format == QLatin1String("csv")) {
        // One row per grid point; the boundary lines' λ at that n_eff ride along in the last three columns.
        QString csv = QStringLiteral("n_eff,lambda,phase,e,exponent_n,exponent_lambda,inferred,l1,l2,l3\n");
        for (double l : lGrid) {
            for (double n : nGrid) {
                const sl::PhaseInfo p = diagram.classify(n, l);
                csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10\n")
                           .arg(QString::number(n, 'g', 10), QString::number(l, 'g', 10),
                               QString::fromStdString(p.label), QString::number(p.e, 'g', 10),
                               QString::number(p.exponentN, 'g', 10), QString::number(p.exponentLambda, 'g', 10),
                               p.inferred ? QStringLiteral("1") : QStringLiteral("0"),
                               QString::number(diagram.lineL1(n), 'g', 10))
                           .arg(QString::number(diagram.lineL2(n), 'g', 10),
                               QString::number(diagram.lineL3(n), 'g', 10));
            }
        }
        writeOutput(o, csv.toUtf8());
        return kSuccess;
    }

    QJsonObject json;
    json[QStringLiteral("d")] = config.d;
    json[QStringLiteral("gamma")] = config.gamma;
    json[QStringLiteral("noise")] = config.noise;
    json[QStringLiteral("n_eff")] = jsonArray(nGrid);
    json[QStringLiteral("lambda")] = jsonArray(lGrid);
    QJsonArray grid;
    QList<QStringList> map;
    for (auto it = lGrid.rbegin(); it != lGrid.rend(); ++it) {
        QStringList row{formatNumber(*it, 3)};
        for (double n : nGrid) {
            const sl::PhaseInfo p = diagram.classify(n, *it);
            grid.append(QJsonObject{{QStringLiteral("n_eff"), n}, {QStringLiteral("lambda"), *it},
                {QStringLiteral("phase"), QString::fromStdString(p.label)}, {QStringLiteral("e"), p.e},
                {QStringLiteral("exponent_n"), p.exponentN}, {QStringLiteral("exponent_lambda"), p.exponentLambda},
                {QStringLiteral("inferred"), p.inferred}});
            row.append(p.label == "crossover" ? QStringLiteral("~") : QString::fromStdString(p.label));
        }
        map.append(row);
    }
    json[QStringLiteral("grid")] = grid;
    QJsonArray l1, l2, l3;
    for (double n : nGrid) {
        l1.append(jsonNumber(diagram.lineL1(n)));
        l2.append(jsonNumber(diagram.lineL2(n)));
        l3.append(jsonNumber(diagram.lineL3(n)));
    }
    json[QStringLiteral("lines")] = QJsonObject{
        {QStringLiteral("L1"),
            QJsonObject{
                {QStringLiteral("formula"), QStringLiteral("lambda = sqrt(n_eff/d)")}, {QStringLiteral("lambda"), l1}}},
        {QStringLiteral("L2"),
            QJsonObject{
                {QStringLiteral("formula"), QStringLiteral("lambda = n_eff/sqrt(d)")}, {QStringLiteral("lambda"), l2}}},
        {QStringLiteral("L3"),
            QJsonObject{{QStringLiteral("formula"), QStringLiteral("lambda = n_eff/d^(gamma+1/2)")},
                {QStringLiteral("lambda"), l3}}},
    };
    json[QStringLiteral("vertical_lines")] = QJsonObject{{QStringLiteral("first_feature"), diagram.firstFeatureNEff()},
        {QStringLiteral("interpolation_peak"), diagram.peakNEff()},
        {QStringLiteral("heavy_tail"), diagram.heavyTailNEff()}};
    QJsonArray intersections;
    for (const sl::DiagramPoint& p : diagram.intersections())
        intersections.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(p.name)},
            {QStringLiteral("n_eff"), p.nEff}, {QStringLiteral("lambda"), p.lambda}});
    json[QStringLiteral("intersections")] = intersections;
    // The classifier is docs/theory/phase-diagram.md §5, (inferred) from §2–§4.
    json[QStringLiteral("inferred")] = true;

    QStringList header{QStringLiteral("λ \\ n_eff")};
    for (double n : nGrid)
        header.append(formatNumber(n, 3));
    map.prepend(header);
    QString human = QStringLiteral(
                        "Phase diagram, d = %1, γ = %2, Δ = %3 (~ = crossover; inferred: theory/phase-diagram.md §5)\n")
                        .arg(config.d)
                        .arg(config.gamma)
                        .arg(config.noise)
        + formatTable(map)
        + QStringLiteral("Lines: L1 λ = √(n_eff/d), L2 λ = n_eff/√d, L3 λ = n_eff/d^(γ+1/2); n_eff = 1, %1, %2\n")
              .arg(formatNumber(diagram.peakNEff()), formatNumber(diagram.heavyTailNEff()));
    present(o, json, human);
    return kSuccess;
}

}  // namespace sl::cli
