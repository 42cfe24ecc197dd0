// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"

#include <QString>
#include <QVector>

namespace sl::app {

// A ready-made experiment reproducing one of the paper's figure set-ups at a size that runs here, with what
// differs from the paper said in words (docs/theory/models.md §8).
struct Preset {
    QString id;  // file name without extension, e.g. "fig3-quadratic-unit"
    QString name;
    QString figure;
    QString description;
    QString differsFromPaper;
    ExperimentConfig experiment;
};

// The presets shipped in the resources (":/presets/*.json", schema "scalinglab.preset").
class PresetLibrary {
public:
    // Loads every shipped preset; a preset that fails to parse is reported in errors() and left out.
    PresetLibrary();

    const QVector<Preset>& presets() const { return m_presets; }
    const QStringList& errors() const { return m_errors; }
    const Preset* find(const QString& id) const;

    // Parses one preset document; nullopt with *error set when it is malformed.
    static std::optional<Preset> parse(const QByteArray& json, const QString& id, QString* error);

private:
    QVector<Preset> m_presets;
    QStringList m_errors;
};

}  // namespace sl::app
