// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/store/result_store.h"

#include "core/common/status.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace sl::app {
namespace {

constexpr char kSqliteMagic[] = "SQLite format 3";  // 16 bytes with its terminating NUL
constexpr char kSchemaTable[] = "scalinglab_schema";

std::atomic<int> g_maxPageCountForTesting{0};

// Why the folder for `path` cannot be made: names the first ancestor that exists but is not a folder (a regular
// file in the way, ENOTDIR), or says the folder could not be created (permissions, read-only file system).
QString folderProblem(const QString& folder)
{
    QFileInfo ancestor(folder);
    while (!ancestor.exists() && !ancestor.isRoot() && ancestor.absoluteFilePath() != ancestor.absolutePath())
        ancestor = QFileInfo(ancestor.absolutePath());
    if (ancestor.exists() && !ancestor.isDir())
        return QStringLiteral("Cannot create the folder '%1' for the results store: '%2' is a file, not a folder.")
            .arg(folder, ancestor.absoluteFilePath());
    return QStringLiteral("Cannot create the folder '%1' for the results store (is '%2' writable?).")
        .arg(folder, ancestor.absoluteFilePath());
}

// SQLite's own words ("database or disk is full", "attempt to write a readonly database") without Qt's
// driver suffix ("Unable to fetch row"), which says nothing to a user.
QString sqliteMessage(const QSqlError& error)
{
    const QString text = error.databaseText().trimmed();
    return text.isEmpty() ? error.text() : text;
}

QString uniqueConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("scalinglab-store-%1-%2")
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()))
        .arg(counter.fetch_add(1));
}

QVariant numberOrNull(const QJsonValue& value)
{
    return value.isDouble() ? QVariant(value.toDouble()) : QVariant();
}

QByteArray packSpectrum(const QJsonArray& values)
{
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    stream.setByteOrder(QDataStream::LittleEndian);
    stream.setFloatingPointPrecision(QDataStream::DoublePrecision);
    for (const QJsonValue& v : values)
        stream << (v.isDouble() ? v.toDouble() : std::nan(""));
    return bytes;
}

QJsonArray unpackSpectrum(const QByteArray& bytes)
{
    QJsonArray values;
    QDataStream stream(bytes);
    stream.setByteOrder(QDataStream::LittleEndian);
    stream.setFloatingPointPrecision(QDataStream::DoublePrecision);
    while (!stream.atEnd()) {
        double v = 0.0;
        stream >> v;
        values.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue());
    }
    return values;
}

// Schema version 1. Metric columns duplicate fields of result_json so that curves can be read with SQL alone.
const char* const kCreateV1[] = {
    "CREATE TABLE IF NOT EXISTS scalinglab_schema (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " config_hash TEXT NOT NULL,"
    " config_json TEXT NOT NULL,"
    " result_json TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " model TEXT, solver TEXT, dimension INTEGER, samples INTEGER, weight_decay REAL, gamma REAL, noise REAL,"
    " seed INTEGER, iterations INTEGER, train_loss REAL, objective REAL, excess_risk REAL, matrix_mse REAL,"
    " convex_gap REAL, tail_alpha REAL, phase TEXT,"
    " spectrum BLOB,"
    " duration_ms INTEGER,"
    " software_version TEXT NOT NULL,"
    " created_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS runs_config_hash ON runs(config_hash)",
};

// SQL for "the status is a finished one", the same set as ResultStore::isFinishedStatus.
const char kFinishedStatusSql[] = "status IN ('converged', 'max-iterations')";

// Not part of the versioned schema: an additive table that readers of version 1 ignore, created on every open.
const char kCreateCache[] = "CREATE TABLE IF NOT EXISTS cached_results ("
                            " kind TEXT NOT NULL, key TEXT NOT NULL, result_json TEXT NOT NULL,"
                            " software_version TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (kind, key))";

}  // namespace

bool ResultStore::isFinishedStatus(const QString& status)
{
    return status == QLatin1String(sl::toString(sl::Status::Converged))
        || status == QLatin1String(sl::toString(sl::Status::MaxIterations));
}

ResultStore::~ResultStore()
{
    close();
}

void ResultStore::setMaxPageCountForTesting(int pages)
{
    g_maxPageCountForTesting.store(std::max(0, pages));
}

QString ResultStore::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("results.sqlite"));
}

bool ResultStore::fail(const QString& message)
{
    m_error = message;
    return false;
}

void ResultStore::close()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
}

// Reads an existing file without writing a byte: the header first (no SQLite involved), then, through a
// read-only connection, the table list and schema version.
bool ResultStore::inspectExisting(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists() || info.size() == 0)
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read the results store '%1': %2").arg(path, file.errorString()));
    const QByteArray header = file.read(16);
    file.close();
    if (header != QByteArray(kSqliteMagic, 16))
        return fail(QStringLiteral("'%1' is not a Scaling Lab results store (it is not an SQLite database). "
                                   "The file was left untouched; choose another file.")
                        .arg(path));

    const QString name = uniqueConnectionName();
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open()) {
            problem = QStringLiteral("'%1' cannot be opened as a database: %2").arg(path, db.lastError().text());
        } else {
            QSqlQuery query(db);
            QStringList tables;
            if (!query.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"))) {
                problem = QStringLiteral("'%1' is damaged or not a database (SQLite: %2). The file was left untouched.")
                              .arg(path, query.lastError().text());
            } else {
                while (query.next())
                    tables << query.value(0).toString();
                tables.removeAll(QStringLiteral("sqlite_sequence"));
                if (!tables.isEmpty() && !tables.contains(QLatin1String(kSchemaTable))) {
                    problem = QStringLiteral("'%1' is an SQLite database of another program (tables: %2), not a "
                                             "Scaling Lab results store. It was left untouched.")
                                  .arg(path, tables.join(QStringLiteral(", ")));
                } else if (!tables.isEmpty()) {
                    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM scalinglab_schema")) || !query.next()) {
                        problem = QStringLiteral("'%1' has an unreadable schema version (SQLite: %2).")
                                      .arg(path, query.lastError().text());
                    } else {
                        const int version = query.value(0).toInt();
                        if (version > kSchemaVersion)
                            problem = QStringLiteral("'%1' was written by a newer Scaling Lab (store schema version "
                                                     "%2; this build reads up to %3). Update Scaling Lab to open it; "
                                                     "the file was left untouched.")
                                          .arg(path)
                                          .arg(version)
                                          .arg(kSchemaVersion);
                    }
                }
            }
            query.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return problem.isEmpty() ? true : fail(problem);
}

bool ResultStore::open(const QString& path)
{
    close();
    m_error.clear();
    m_path = path;
    if (path.isEmpty())
        return fail(QStringLiteral("No results store path given."));
    const QFileInfo info(path);
    if (info.isDir())
        return fail(QStringLiteral("The results store '%1' is a folder, not a file; choose a file name.").arg(path));
    if (!inspectExisting(path))
        return false;
    if (!QDir().mkpath(info.absolutePath()))
        return fail(folderProblem(info.absolutePath()));

    m_connection = uniqueConnectionName();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    // Writers from several threads or processes wait for each other instead of failing at once.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
        const QString message = db.lastError().text();
        close();
        return fail(QStringLiteral("Cannot open the results store '%1': %2").arg(path, message));
    }
    QSqlQuery query(db);
    // WAL: readers never block the writer, and a killed writer leaves the last committed state intact.
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next()
        || query.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        const QString message = query.lastError().text();
        query.finish();
        close();
        return fail(QStringLiteral("Cannot switch the results store '%1' to WAL mode: %2").arg(path, message));
    }
    query.finish();
    query.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    if (!migrate()) {
        close();
        return false;
    }
    if (const int pages = g_maxPageCountForTesting.load(); pages > 0)
        query.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages));
    return true;
}

// Brings the schema to kSchemaVersion, one step per version, inside one IMMEDIATE transaction so that two
// processes creating the same new store cannot interleave. Version 0 is an empty file.
bool ResultStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return fail(QStringLiteral("Cannot lock the results store '%1': %2").arg(m_path, query.lastError().text()));
    auto rollback = [&](const QString& message) {
        query.finish();
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return fail(message);
    };
    int version = 0;
    if (query.exec(QStringLiteral("SELECT MAX(version) FROM scalinglab_schema")) && query.next())
        version = query.value(0).toInt();
    query.finish();
    if (version > kSchemaVersion)
        return rollback(QStringLiteral("'%1' was written by a newer Scaling Lab (store schema version %2; this build "
                                       "reads up to %3).")
                            .arg(m_path)
                            .arg(version)
                            .arg(kSchemaVersion));
    if (version < 1) {
        for (const char* statement : kCreateV1) {
            if (!query.exec(QString::fromLatin1(statement)))
                return rollback(
                    QStringLiteral("Cannot create the results store tables: %1").arg(query.lastError().text()));
        }
        query.exec(QStringLiteral("PRAGMA application_id=%1").arg(kApplicationId));
    }
    if (!query.exec(QString::fromLatin1(kCreateCache)))
        return rollback(QStringLiteral("Cannot create the cache table: %1").arg(query.lastError().text()));
    // Future versions: `if (version < 2) { ALTER TABLE ... }` here, each step idempotent.
    if (version < kSchemaVersion) {
        if (!query.exec(QStringLiteral("DELETE FROM scalinglab_schema"))
            || !query.exec(QStringLiteral("INSERT INTO scalinglab_schema(version) VALUES (%1)").arg(kSchemaVersion))
            || !query.exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion)))
            return rollback(QStringLiteral("Cannot record the store schema version: %1").arg(query.lastError().text()));
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return rollback(QStringLiteral("Cannot commit the store schema: %1").arg(query.lastError().text()));
    return true;
}

qint64 ResultStore::save(const QJsonObject& result, int* replaced)
{
    if (replaced)
        *replaced = 0;
    if (!isOpen()) {
        fail(QStringLiteral("The results store is not open."));
        return -1;
    }
    const QString hash = result.value(QStringLiteral("config_hash")).toString();
    const QJsonObject config = result.value(QStringLiteral("config")).toObject();
    if (hash.isEmpty() || config.isEmpty()) {
        fail(QStringLiteral("A run without config or config_hash cannot be stored."));
        return -1;
    }
    const QString status = result.value(QStringLiteral("status")).toString();
    if (status == QLatin1String(sl::toString(sl::Status::Cancelled))) {
        fail(QStringLiteral("A cancelled run is not a result and is not stored (configuration %1).").arg(hash));
        return -1;
    }
    const QJsonObject problem = config.value(QStringLiteral("problem")).toObject();
    QJsonObject stripped = result;
    const QJsonArray spectrum = stripped.take(QStringLiteral("eigenvalues")).toArray();

    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        fail(QStringLiteral("Cannot start a transaction in the results store '%1': %2")
                 .arg(m_path, sqliteMessage(db.lastError())));
        return -1;
    }
    QSqlQuery query(db);
    int removed = 0;
    if (isFinishedStatus(status)) {
        query.prepare(QStringLiteral("DELETE FROM runs WHERE config_hash = ? AND NOT (")
            + QLatin1String(kFinishedStatusSql) + QLatin1Char(')'));
        query.addBindValue(hash);
        if (!query.exec()) {
            const QString message = sqliteMessage(query.lastError());
            query.finish();
            db.rollback();
            fail(QStringLiteral("Cannot replace the unfinished runs in the results store '%1': %2")
                     .arg(m_path, message));
            return -1;
        }
        removed = query.numRowsAffected();
        query.finish();
    }
    query.prepare(QStringLiteral(
        "INSERT INTO runs (config_hash, config_json, result_json, status, model, solver, dimension, samples,"
        " weight_decay, gamma, noise, seed, iterations, train_loss, objective, excess_risk, matrix_mse, convex_gap,"
        " tail_alpha, phase, spectrum, duration_ms, software_version, created_at) VALUES (:config_hash,"
        " :config_json, :result_json, :status, :model, :solver, :dimension, :samples, :weight_decay, :gamma, :noise,"
        " :seed, :iterations, :train_loss, :objective, :excess_risk, :matrix_mse, :convex_gap, :tail_alpha, :phase,"
        " :spectrum, :duration_ms, :software_version, :created_at)"));
    query.bindValue(QStringLiteral(":config_hash"), hash);
    query.bindValue(
        QStringLiteral(":config_json"), QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact)));
    query.bindValue(
        QStringLiteral(":result_json"), QString::fromUtf8(QJsonDocument(stripped).toJson(QJsonDocument::Compact)));
    query.bindValue(QStringLiteral(":status"), status);
    query.bindValue(QStringLiteral(":model"), problem.value(QStringLiteral("model")).toString());
    query.bindValue(QStringLiteral(":solver"), config.value(QStringLiteral("solver")).toString());
    query.bindValue(QStringLiteral(":dimension"), numberOrNull(problem.value(QStringLiteral("dimension"))));
    query.bindValue(QStringLiteral(":samples"), numberOrNull(problem.value(QStringLiteral("samples"))));
    query.bindValue(QStringLiteral(":weight_decay"), numberOrNull(problem.value(QStringLiteral("weight_decay"))));
    query.bindValue(QStringLiteral(":gamma"), numberOrNull(problem.value(QStringLiteral("gamma"))));
    query.bindValue(QStringLiteral(":noise"), numberOrNull(problem.value(QStringLiteral("noise"))));
    query.bindValue(QStringLiteral(":seed"), numberOrNull(problem.value(QStringLiteral("seed"))));
    for (const char* key : {"iterations", "train_loss", "objective", "excess_risk", "matrix_mse", "duration_ms"})
        query.bindValue(QStringLiteral(":") + QLatin1String(key), numberOrNull(result.value(QLatin1String(key))));
    query.bindValue(QStringLiteral(":convex_gap"),
        numberOrNull(
            result.value(QStringLiteral("convex_gap")).toObject().value(QStringLiteral("relative_objective_gap"))));
    query.bindValue(QStringLiteral(":tail_alpha"),
        numberOrNull(result.value(QStringLiteral("tail_fit")).toObject().value(QStringLiteral("alpha"))));
    query.bindValue(QStringLiteral(":phase"), result.value(QStringLiteral("phase")).toString());
    query.bindValue(QStringLiteral(":spectrum"), packSpectrum(spectrum));
    query.bindValue(QStringLiteral(":software_version"), result.value(QStringLiteral("software_version")).toString());
    query.bindValue(QStringLiteral(":created_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!query.exec()) {
        const QString message = sqliteMessage(query.lastError());
        query.finish();
        db.rollback();  // SQLite may have rolled back already (SQLITE_FULL); then this is a no-op
        fail(QStringLiteral("Cannot save the run to the results store '%1': %2").arg(m_path, message));
        return -1;
    }
    const qint64 id = query.lastInsertId().toLongLong();
    query.finish();
    if (!db.commit()) {
        const QString message = sqliteMessage(db.lastError());
        db.rollback();
        fail(QStringLiteral("Cannot commit the run to the results store '%1': %2").arg(m_path, message));
        return -1;
    }
    if (replaced)
        *replaced = removed;
    return id;
}

StoredRun ResultStore::readRow(const QSqlQuery& query)
{
    StoredRun run;
    run.id = query.value(0).toLongLong();
    run.configHash = query.value(1).toString();
    run.result = QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object();
    run.result.insert(QStringLiteral("eigenvalues"), unpackSpectrum(query.value(3).toByteArray()));
    run.status = query.value(4).toString();
    run.excessRisk = query.value(5).isNull() ? std::nan("") : query.value(5).toDouble();
    run.durationMs = query.value(6).toLongLong();
    run.softwareVersion = query.value(7).toString();
    run.createdAt = QDateTime::fromString(query.value(8).toString(), Qt::ISODateWithMs);
    return run;
}

namespace {
const char kSelectRuns[] = "SELECT id, config_hash, result_json, spectrum, status, excess_risk, duration_ms,"
                           " software_version, created_at FROM runs ";
}

bool ResultStore::saveCached(
    const QString& kind, const QString& key, const QJsonObject& value, const QString& softwareVersion)
{
    if (!isOpen())
        return fail(QStringLiteral("The results store is not open."));
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO cached_results (kind, key, result_json, software_version,"
                                 " created_at) VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(kind);
    query.addBindValue(key);
    query.addBindValue(QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)));
    query.addBindValue(softwareVersion);
    query.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!query.exec())
        return fail(
            QStringLiteral("Cannot save to the results store '%1': %2").arg(m_path, sqliteMessage(query.lastError())));
    return true;
}

std::optional<QJsonObject> ResultStore::findCached(const QString& kind, const QString& key)
{
    if (!isOpen())
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT result_json FROM cached_results WHERE kind = ? AND key = ?"));
    query.addBindValue(kind);
    query.addBindValue(key);
    if (!query.exec() || !query.next())
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(query.value(0).toString().toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

std::optional<StoredRun> ResultStore::findByHash(const QString& configHash)
{
    if (!isOpen())
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QLatin1String(kSelectRuns) + QStringLiteral("WHERE config_hash = ? ORDER BY id DESC LIMIT 1"));
    query.addBindValue(configHash);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return readRow(query);
}

std::optional<StoredRun> ResultStore::findFinishedByHash(const QString& configHash)
{
    if (!isOpen())
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QLatin1String(kSelectRuns) + QStringLiteral("WHERE config_hash = ? AND ")
        + QLatin1String(kFinishedStatusSql) + QStringLiteral(" ORDER BY id DESC LIMIT 1"));
    query.addBindValue(configHash);
    if (!query.exec() || !query.next())
        return std::nullopt;
    return readRow(query);
}

QVector<StoredRun> ResultStore::runs()
{
    QVector<StoredRun> out;
    if (!isOpen())
        return out;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    if (!query.exec(QLatin1String(kSelectRuns) + QStringLiteral("ORDER BY id"))) {
        fail(QStringLiteral("Cannot read the runs: %1").arg(query.lastError().text()));
        return out;
    }
    while (query.next())
        out.append(readRow(query));
    return out;
}

qint64 ResultStore::count()
{
    if (!isOpen())
        return -1;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM runs")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

QVector<QString> ResultStore::hashes()
{
    QVector<QString> out;
    if (!isOpen())
        return out;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT DISTINCT config_hash FROM runs")))
        while (query.next())
            out.append(query.value(0).toString());
    return out;
}

QVector<QString> ResultStore::finishedHashes()
{
    QVector<QString> out;
    if (!isOpen())
        return out;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT DISTINCT config_hash FROM runs WHERE ") + QLatin1String(kFinishedStatusSql)))
        while (query.next())
            out.append(query.value(0).toString());
    return out;
}

bool ResultStore::integrityCheck(QString* message)
{
    if (!isOpen()) {
        if (message)
            *message = QStringLiteral("not open");
        return false;
    }
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    QStringList lines;
    if (!query.exec(QStringLiteral("PRAGMA integrity_check")))
        lines << query.lastError().text();
    while (query.next())
        lines << query.value(0).toString();
    if (message)
        *message = lines.join(QLatin1Char('\n'));
    return lines == QStringList{QStringLiteral("ok")};
}

QString ResultStore::journalMode()
{
    if (!isOpen())
        return {};
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("PRAGMA journal_mode")) || !query.next())
        return {};
    return query.value(0).toString();
}

int ResultStore::schemaVersion()
{
    if (!isOpen())
        return -1;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM scalinglab_schema")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

}  // namespace sl::app
