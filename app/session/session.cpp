// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/session/session.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <cmath>

namespace sl::app {
namespace {

// Session files are read whole; this bound keeps a wrong file from exhausting memory.
constexpr qint64 kMaxSessionBytes = 512ll << 20;

std::nullopt_t fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

}  // namespace

QJsonObject Session::toJson() const
{
    QJsonArray resultArray;
    for (const RunResult& r : results)
        resultArray.append(r.toJson());
    QJsonArray kept;
    for (const QString& name : keptCurves)
        kept.append(name);
    QJsonObject json{{"schema", kSchema}, {"version", kVersion}, {"parameters", parameters.toJson()},
        {"results", resultArray}, {"view", QJsonObject{{"spectrum_log", spectrumLogView}, {"kept_curves", kept}}}};
    if (!document.isEmpty())
        json["document"] = document;
    return json;
}

std::optional<Session> Session::fromJson(const QJsonObject& json, QString* error)
{
    if (json.value("schema").toString() != QLatin1String(kSchema))
        return fail(error, QStringLiteral("not a Scaling Lab session (schema is not \"%1\")").arg(kSchema));
    const QJsonValue version = json.value("version");
    if (!version.isDouble() || version.toDouble() != std::floor(version.toDouble()) || version.toInt() < 1)
        return fail(error, QStringLiteral("version: must be a positive integer"));
    if (version.toInt() > kVersion)
        return fail(error,
            QStringLiteral("this session was written by a newer Scaling Lab (session version %1; this "
                           "build reads up to %2)")
                .arg(version.toInt())
                .arg(kVersion));
    Session session;
    ConfigError configError;
    const auto parameters = ExperimentConfig::fromJson(json.value("parameters").toObject(), &configError);
    if (!parameters)
        return fail(error, QStringLiteral("parameters.%1").arg(configError.text()));
    session.parameters = *parameters;
    if (!json.value("results").isArray())
        return fail(error, QStringLiteral("results: must be an array"));
    const QJsonArray results = json.value("results").toArray();
    for (int i = 0; i < results.size(); ++i) {
        QString resultError;
        const auto result = RunResult::fromJson(results[i].toObject(), &resultError);
        if (!result)
            return fail(error, QStringLiteral("results[%1]: %2").arg(i).arg(resultError));
        session.results.push_back(*result);
    }
    const QJsonObject view = json.value("view").toObject();
    session.spectrumLogView = view.value("spectrum_log").toBool();
    for (const QJsonValue& v : view.value("kept_curves").toArray())
        session.keptCurves << v.toString();
    const QJsonValue document = json.value("document");
    if (!document.isUndefined() && !document.isObject())
        return fail(error, QStringLiteral("document: must be an object"));
    session.document = document.toObject();
    return session;
}

bool Session::save(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray bytes = QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

std::optional<Session> Session::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxSessionBytes)
        return fail(
            error, QStringLiteral("%1: file is larger than a session can be (%2 bytes)").arg(path).arg(file.size()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return fail(error,
            QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                .arg(path, parseError.errorString())
                .arg(parseError.offset));
    QString inner;
    auto session = fromJson(doc.object(), &inner);
    if (!session)
        return fail(error, QStringLiteral("%1: %2").arg(path, inner));
    return session;
}

}  // namespace sl::app
