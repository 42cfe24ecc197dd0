// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/theory/exponent_map.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <optional>

namespace sl::app {

// The exponent map's parameters as JSON (everything that changes the numbers; not the thread count, which does not).
QJsonObject exponentMapConfigJson(const ExponentMapConfig& config);
// Cache key of the store: SHA-256 of the canonical parameter JSON and the numerics' format version.
QString exponentMapKey(const ExponentMapConfig& config);
inline constexpr char kExponentMapCacheKind[] = "exponent_map";

// {"schema": "scalinglab.exponent_map", "config": ..., "ladder": [...], "cells": [{a, b, phase, predicted,
// measured, interval: [lo, hi], ...}], "status", "message"}; `ladderDetail` adds each cell's R(d) values.
QJsonObject exponentMapJson(const ExponentMapResult& result, bool ladderDetail);
QString exponentMapCsv(const ExponentMapResult& result);

// What the phase-diagram view and `render phase --exponents` need of a map, read back from exponentMapJson().
struct ExponentMapCell {
    double a = 0, b = 0;
    QString phase;
    double predicted = 0;
    double measured = 0;  // NaN when the cell did not converge
    double intervalLow = 0, intervalHigh = 0;
    bool curved = false;
    bool converged = false;
    QString message;
};
struct ExponentMapData {
    QString model;
    double gamma = 0, noise = 0, dMax = 0;
    QVector<ExponentMapCell> cells;
};
std::optional<ExponentMapData> exponentMapDataFromJson(const QJsonObject& json, QString* error = nullptr);
ExponentMapData exponentMapData(const ExponentMapResult& result);

}  // namespace sl::app
