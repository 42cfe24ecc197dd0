// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets/preset_library.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

static void initialiseResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace sl::app {

PresetLibrary::PresetLibrary()
{
    initialiseResources();
    const QDir dir(QStringLiteral(":/presets"));
    for (const QString& file : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly)) {
            m_errors << QStringLiteral("%1: cannot open").arg(file);
            continue;
        }
        QString error;
        if (auto preset = parse(f.readAll(), QFileInfo(file).completeBaseName(), &error))
            m_presets.push_back(*preset);
        else
            m_errors << QStringLiteral("%1: %2").arg(file, error);
    }
}

const Preset* PresetLibrary::find(const QString& id) const
{
    for (const Preset& p : m_presets)
        if (p.id == id)
            return &p;
    return nullptr;
}

std::optional<Preset> PresetLibrary::parse(const QByteArray& json, const QString& id, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    auto fail = [error](const QString& message) -> std::optional<Preset> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!doc.isObject())
        return fail(QStringLiteral("not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject o = doc.object();
    if (o.value("schema").toString() != QLatin1String("scalinglab.preset"))
        return fail(QStringLiteral("schema: expected \"scalinglab.preset\""));
    if (o.value("version").toInt() != 1)
        return fail(QStringLiteral("version: only version 1 is understood"));
    Preset preset;
    preset.id = id;
    preset.name = o.value("name").toString();
    preset.figure = o.value("figure").toString();
    preset.description = o.value("description").toString();
    preset.differsFromPaper = o.value("differs_from_paper").toString();
    if (preset.name.isEmpty() || preset.differsFromPaper.isEmpty())
        return fail(QStringLiteral("name and differs_from_paper are required"));
    ConfigError configError;
    const auto experiment = ExperimentConfig::fromJson(o.value("experiment").toObject(), &configError);
    if (!experiment)
        return fail(QStringLiteral("experiment.%1").arg(configError.text()));
    preset.experiment = *experiment;
    return preset;
}

}  // namespace sl::app
