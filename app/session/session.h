// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"

#include <QJsonObject>
#include <QString>
#include <QVector>
#include <optional>

namespace sl::app {

// Everything needed to reopen a working session exactly: the parameters on the panel, the results on the
// plots (each a complete RunResult, so nothing depends on the store being there), and the view options.
// File format: JSON, schema "scalinglab.session", version 1.
struct Session {
    static constexpr const char* kSchema = "scalinglab.session";
    static constexpr int kVersion = 1;

    ExperimentConfig parameters;
    QVector<RunResult> results;
    bool spectrumLogView = false;
    // Names of the risk curves kept for comparison, in the order they were kept.
    QStringList keptCurves;
    // What the document derived and the screen showed (app/document: the live run's result, the theory overlays,
    // the kept curves' data, the fit window), so a reopened session shows the same screen without recomputing.
    // Optional: a session without it reopens with the results alone. Key "document".
    QJsonObject document;

    QJsonObject toJson() const;
    // nullopt with *error set for a malformed document or one written by a newer version.
    static std::optional<Session> fromJson(const QJsonObject& json, QString* error);

    // Whole-file helpers; saving is atomic (a failed save leaves the old file intact).
    bool save(const QString& path, QString* error) const;
    static std::optional<Session> load(const QString& path, QString* error);
};

}  // namespace sl::app
