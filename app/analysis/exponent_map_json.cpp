// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/analysis/exponent_map_json.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace sl::app {

namespace {

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

double readNumber(const QJsonValue& v)
{
    return v.isDouble() ? v.toDouble() : std::nan("");
}

QString modelName(ModelKind model)
{
    return model == ModelKind::Quadratic ? QStringLiteral("quadratic") : QStringLiteral("diagonal");
}

}  // namespace

QJsonObject exponentMapConfigJson(const ExponentMapConfig& c)
{
    QJsonObject o{{QStringLiteral("model"), modelName(c.model)}, {QStringLiteral("gamma"), c.gamma},
        {QStringLiteral("noise"), c.noise}, {QStringLiteral("d_min"), c.dMin}, {QStringLiteral("d_max"), c.dMax},
        {QStringLiteral("ladder_points_per_decade"), c.ladderPointsPerDecade},
        {QStringLiteral("fit_decades"), c.fitDecades}, {QStringLiteral("curvature_threshold"), c.curvatureThreshold}};
    if (c.nEffFactor != 1)
        o[QStringLiteral("n_eff_factor")] = c.nEffFactor;
    if (c.cellA.empty()) {
        o[QStringLiteral("a_from")] = c.aFrom;
        o[QStringLiteral("a_to")] = c.aTo;
        o[QStringLiteral("b_from")] = c.bFrom;
        o[QStringLiteral("b_to")] = c.bTo;
        o[QStringLiteral("a_points")] = c.aPoints;
        o[QStringLiteral("b_points")] = c.bPoints;
    } else {
        QJsonArray a, b;
        for (std::size_t i = 0; i < c.cellA.size(); ++i) {
            a.append(c.cellA[i]);
            b.append(c.cellB[i]);
        }
        o[QStringLiteral("cells_a")] = a;
        o[QStringLiteral("cells_b")] = b;
    }
    if (c.model == ModelKind::Diagonal) {
        o[QStringLiteral("teacher")] = c.lassoMode == LassoTeacherMode::VarianceProfile
            ? QStringLiteral("gaussian")
            : QStringLiteral("deterministic");
        o[QStringLiteral("exact_terms")] = c.exactTerms;
        o[QStringLiteral("tolerance")] = c.lassoTolerance;
        o[QStringLiteral("max_iterations")] = c.lassoMaxIterations;
    } else {
        o[QStringLiteral("state_evolution")] = QStringLiteral("asymptotic (Pastur)");
        o[QStringLiteral("tolerance")] = c.matrixTolerance;
        o[QStringLiteral("max_iterations")] = c.matrixMaxIterations;
        o[QStringLiteral("bulk_nodes")] = c.bulkNodes;
    }
    return o;
}

QString exponentMapKey(const ExponentMapConfig& config)
{
    QJsonObject o = exponentMapConfigJson(config);
    o[QStringLiteral("numerics_version")] = 1;
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(o).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256).toHex());
}

QJsonObject exponentMapJson(const ExponentMapResult& result, bool ladderDetail)
{
    QJsonArray ladder;
    for (double d : result.ladder)
        ladder.append(d);
    QJsonArray cells;
    for (const ExponentCell& c : result.cells) {
        QJsonObject o{{QStringLiteral("a"), c.a}, {QStringLiteral("b"), c.b},
            {QStringLiteral("phase"), QString::fromStdString(c.phase)},
            {QStringLiteral("phase_side"), QString::fromStdString(c.phaseA)},
            {QStringLiteral("predicted"), number(c.predicted)},
            {QStringLiteral("status"), QLatin1String(toString(c.status))},
            {QStringLiteral("message"), QString::fromStdString(c.message)},
            {QStringLiteral("failed_points"), c.failedPoints}};
        if (c.ok()) {
            o[QStringLiteral("measured")] = number(c.measured);
            o[QStringLiteral("interval")] = QJsonArray{number(c.intervalLow), number(c.intervalHigh)};
            o[QStringLiteral("difference")] = number(c.difference());
            o[QStringLiteral("standard_error")] = number(c.standardError);
            o[QStringLiteral("slope_lower_half")] = number(c.slopeLower);
            o[QStringLiteral("slope_upper_half")] = number(c.slopeUpper);
            o[QStringLiteral("curvature")] = number(c.curvature);
            o[QStringLiteral("curved")] = c.curved;
            o[QStringLiteral("fit_points")] = c.fitPoints;
        } else {
            o[QStringLiteral("measured")] = QJsonValue();
            o[QStringLiteral("interval")] = QJsonValue();
            o[QStringLiteral("difference")] = QJsonValue();
        }
        if (ladderDetail) {
            QJsonArray points;
            for (const ExponentLadderPoint& p : c.ladder)
                points.append(QJsonObject{{QStringLiteral("d"), p.d}, {QStringLiteral("n_eff"), number(p.nEff)},
                    {QStringLiteral("lambda"), number(p.lambda)},
                    {QStringLiteral("status"), QLatin1String(toString(p.status))},
                    {QStringLiteral("excess_risk"), p.status == Status::Converged ? number(p.risk) : QJsonValue()},
                    {QStringLiteral("iterations"), p.iterations}});
            o[QStringLiteral("ladder")] = points;
        }
        cells.append(o);
    }
    return QJsonObject{{QStringLiteral("schema"), QStringLiteral("scalinglab.exponent_map")},
        {QStringLiteral("version"), 1}, {QStringLiteral("config"), exponentMapConfigJson(result.config)},
        {QStringLiteral("ladder"), ladder}, {QStringLiteral("cells"), cells},
        {QStringLiteral("status"), QLatin1String(toString(result.status))},
        {QStringLiteral("message"), QString::fromStdString(result.message)},
        {QStringLiteral("failed_cells"), result.failedCells}, {QStringLiteral("seconds"), result.seconds},
        {QStringLiteral("exponent_definition"), QStringLiteral("R ~ d^(-e) with n_eff = d^a, lambda = d^b")}};
}

QString exponentMapCsv(const ExponentMapResult& result)
{
    auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
    QString csv = QStringLiteral(
        "a,b,phase,predicted,measured,interval_low,interval_high,difference,slope_lower_half,slope_upper_half,"
        "curved,status\n");
    for (const ExponentCell& c : result.cells) {
        const bool ok = c.ok();
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12\n")
                   .arg(num(c.a), num(c.b), QString::fromStdString(c.phase), num(c.predicted),
                       ok ? num(c.measured) : QString(), ok ? num(c.intervalLow) : QString(),
                       ok ? num(c.intervalHigh) : QString(), ok ? num(c.difference()) : QString(),
                       ok ? num(c.slopeLower) : QString())
                   .arg(ok ? num(c.slopeUpper) : QString(), ok ? (c.curved ? "1" : "0") : QString(),
                       QLatin1String(toString(c.status)));
    }
    return csv;
}

std::optional<ExponentMapData> exponentMapDataFromJson(const QJsonObject& json, QString* error)
{
    auto failWith = [&](const QString& message) {
        if (error)
            *error = message;
        return std::optional<ExponentMapData>();
    };
    if (json.value(QStringLiteral("schema")).toString() != QLatin1String("scalinglab.exponent_map"))
        return failWith(QStringLiteral("not an exponent map (schema is not scalinglab.exponent_map)"));
    const QJsonObject config = json.value(QStringLiteral("config")).toObject();
    ExponentMapData data;
    data.model = config.value(QStringLiteral("model")).toString();
    data.gamma = readNumber(config.value(QStringLiteral("gamma")));
    data.noise = readNumber(config.value(QStringLiteral("noise")));
    data.dMax = readNumber(config.value(QStringLiteral("d_max")));
    if (!std::isfinite(data.gamma) || !std::isfinite(data.noise) || !std::isfinite(data.dMax))
        return failWith(QStringLiteral("the map's config lacks gamma, noise or d_max"));
    if (!json.value(QStringLiteral("cells")).isArray())
        return failWith(QStringLiteral("the map has no cells list"));
    for (const QJsonValue& v : json.value(QStringLiteral("cells")).toArray()) {
        const QJsonObject o = v.toObject();
        ExponentMapCell cell;
        cell.a = readNumber(o.value(QStringLiteral("a")));
        cell.b = readNumber(o.value(QStringLiteral("b")));
        if (!std::isfinite(cell.a) || !std::isfinite(cell.b))
            return failWith(QStringLiteral("a cell has no finite a, b"));
        cell.phase = o.value(QStringLiteral("phase")).toString();
        cell.predicted = readNumber(o.value(QStringLiteral("predicted")));
        cell.measured = readNumber(o.value(QStringLiteral("measured")));
        const QJsonArray interval = o.value(QStringLiteral("interval")).toArray();
        cell.intervalLow = interval.size() == 2 ? readNumber(interval.at(0)) : std::nan("");
        cell.intervalHigh = interval.size() == 2 ? readNumber(interval.at(1)) : std::nan("");
        cell.curved = o.value(QStringLiteral("curved")).toBool();
        cell.converged = o.value(QStringLiteral("status")).toString() == QLatin1String("converged");
        cell.message = o.value(QStringLiteral("message")).toString();
        data.cells.append(cell);
    }
    return data;
}

ExponentMapData exponentMapData(const ExponentMapResult& result)
{
    QString error;
    return *exponentMapDataFromJson(exponentMapJson(result, false), &error);
}

}  // namespace sl::app
