// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QVector>

#include <optional>

class QSqlQuery;

namespace sl::app {

// One row of the runs table, read back. `result` is the run's full JSON (RunResult::toJson, the CLI's contract),
// eigenvalues included: the spectrum is stored beside the row as a binary blob and put back on reading.
struct StoredRun {
    qint64 id = -1;
    QString configHash;
    QJsonObject result;
    QString status;
    double excessRisk = 0.0;
    qint64 durationMs = 0;
    QString softwareVersion;
    QDateTime createdAt;
};

// The results store: an SQLite file (Qt Sql, QSQLITE) in WAL mode, one transaction per save, so a crash loses at
// most the run being written and never leaves half a row.
//
// Not shared between threads: QSqlDatabase connections belong to the thread that opened them, so every
// ResultStore opens its own uniquely named connection; a thread that needs the store opens its own ResultStore
// on the same file (SQLite's locking, plus a busy timeout, serialises the writers).
//
// open() inspects an existing file read-only first and refuses, leaving it byte-identical, anything that is not
// a Scaling Lab store (random bytes, another program's SQLite database) or comes from a newer schema.
class ResultStore {
public:
    static constexpr int kSchemaVersion = 1;
    // "SLAB": PRAGMA application_id, so `file` and sqlite3 can recognise the store too.
    static constexpr int kApplicationId = 0x534C4142;

    ResultStore() = default;
    ~ResultStore();
    ResultStore(const ResultStore&) = delete;
    ResultStore& operator=(const ResultStore&) = delete;

    // <AppDataLocation>/results.sqlite (QStandardPaths::AppDataLocation of the running application).
    static QString defaultPath();

    // Opens (creating or migrating when needed) the store at `path`; false with lastError() set otherwise.
    bool open(const QString& path);
    void close();
    bool isOpen() const { return !m_connection.isEmpty(); }
    QString path() const { return m_path; }
    QString lastError() const { return m_error; }

    // A status that ends in a result ("converged", "max-iterations"); "diverged", "not-converged" and "invalid" are
    // failed runs, "cancelled" is no run at all.
    static bool isFinishedStatus(const QString& status);

    // Saves one run, given as RunResult::toJson(); reads config_hash, status and the metric columns from it.
    // Returns the new row id, or -1 (lastError() set). A cancelled run is refused (it is not a result). A finished
    // run replaces, in the same transaction, every stored row of its configuration hash that is not finished (a
    // failed run, or a cancelled one an older version stored); *replaced counts them.
    qint64 save(const QJsonObject& result, int* replaced = nullptr);

    // The most recent run with this configuration hash, if any.
    std::optional<StoredRun> findByHash(const QString& configHash);
    // The most recent finished run (isFinishedStatus) with this configuration hash, if any: what a resumed sweep
    // may reuse.
    std::optional<StoredRun> findFinishedByHash(const QString& configHash);
    // Every stored run, oldest first.
    QVector<StoredRun> runs();
    qint64 count();
    // Hashes of every stored run (for a sweep's cache lookup in one query).
    QVector<QString> hashes();
    // Hashes of the configurations with a finished run.
    QVector<QString> finishedHashes();

    // Derived results cached by the hash of their parameters (e.g. the exponent maps of `scalinglab-cli exponents`),
    // in their own table `cached_results` (kind, key) -> JSON, beside the runs. Saving the same (kind, key) again
    // replaces the entry. The table is created on open when missing, so older stores gain it and older builds,
    // which never read it, still open the file.
    bool saveCached(const QString& kind, const QString& key, const QJsonObject& value, const QString& softwareVersion);
    std::optional<QJsonObject> findCached(const QString& kind, const QString& key);

    // PRAGMA integrity_check; true when SQLite answers "ok".
    bool integrityCheck(QString* message = nullptr);
    // PRAGMA journal_mode as SQLite reports it ("wal" once open).
    QString journalMode();
    int schemaVersion();

    // Fault injection for tests (issue 11): every store opened afterwards, in any thread, runs
    // `PRAGMA max_page_count = pages` on its connection once its schema is in place, so a save that needs a new
    // page fails with SQLITE_FULL ("database or disk is full"), as on a full disk. SQLite never lowers the limit
    // below the file's current size, so 1 means "the file cannot grow past its size at open". 0 (the default)
    // leaves SQLite's limit. A test hook because a full disk cannot be made without root or a mounted file system,
    // and chmod does not stop root (CI runs as root); the limit is per connection, so no file is ever changed by it.
    static void setMaxPageCountForTesting(int pages);

private:
    bool inspectExisting(const QString& path);
    bool migrate();
    bool fail(const QString& message);
    StoredRun readRow(const QSqlQuery& query);

    QString m_connection;
    QString m_path;
    QString m_error;
};

}  // namespace sl::app
