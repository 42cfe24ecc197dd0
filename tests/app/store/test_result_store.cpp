// SPDX-License-Identifier: GPL-3.0-or-later
// The results store: round trip, WAL, cancelled runs refused and unfinished rows replaced by a finished run, refusal
// (byte-identical) of foreign, corrupt and newer files, concurrent writers, a full disk (SQLITE_FULL through
// ResultStore::setMaxPageCountForTesting) and paths that cannot be opened (a regular file in the way, a folder). Every
// fault is made so that it also bites when the tests run as root (CI does), which chmod-based read-only files would
// not. The crash test (SIGKILL mid-sweep) lives in tests/app/runner/test_sweep_runner.cpp.
#include "app/store/result_store.h"
#include "tests/app/store/full_store.h"

#include <QAtomicInt>
#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QVector>

#include <cmath>

using sl::app::ResultStore;

namespace {

// A result as RunResult::toJson writes it; the values are arbitrary but all distinct, so a swapped column shows.
QJsonObject makeResult(int i)
{
    QJsonObject problem{{"model", "quadratic"}, {"dimension", 10}, {"samples", 100 + i}, {"weight_decay", 0.1 * i},
        {"gamma", 1.0}, {"noise", 0.5}, {"seed", i}};
    QJsonObject config{{"schema", "scalinglab.experiment"}, {"version", 1}, {"problem", problem}, {"solver", "lbfgs"}};
    QJsonArray eigenvalues;
    for (int k = 0; k < 10; ++k)
        eigenvalues.append(1.0 / (k + 1.0) + i * 1e-3 + std::sqrt(2.0) * 1e-9);
    return QJsonObject{{"config", config}, {"config_hash", QString("hash-%1").arg(i)}, {"status", "converged"},
        {"message", "ok"}, {"iterations", 40 + i}, {"train_loss", 0.25 + i}, {"objective", 0.5 + i},
        {"excess_risk", 1.0 / (i + 3.0)}, {"matrix_mse", 0.3 / (i + 1)}, {"eigenvalues", eigenvalues},
        {"convex_gap", QJsonObject{{"relative_objective_gap", 1e-9 * i}, {"solution_distance", 1e-5}}},
        {"tail_fit", QJsonObject{{"alpha", 2.0 + i}, {"status", "ok"}}}, {"phase", "VIa"}, {"duration_ms", 12 + i},
        {"software_version", "0.1.0"}};
}

QByteArray sha(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

}  // namespace

class TestResultStore : public QObject {
    Q_OBJECT

private slots:
    void roundTripAfterReopen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("sub/store.sqlite");
        {
            ResultStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            QCOMPARE(store.journalMode(), QString("wal"));
            QCOMPARE(store.schemaVersion(), ResultStore::kSchemaVersion);
            for (int i = 0; i < 5; ++i)
                QVERIFY(store.save(makeResult(i)) > 0);
        }
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.count(), 5);
        const auto runs = store.runs();
        QCOMPARE(runs.size(), 5);
        for (int i = 0; i < 5; ++i) {
            // Bit-identical JSON, eigenvalues (stored as a blob) included.
            QCOMPARE(runs[i].result, makeResult(i));
            QCOMPARE(runs[i].configHash, QString("hash-%1").arg(i));
            QCOMPARE(runs[i].excessRisk, 1.0 / (i + 3.0));
            QCOMPARE(runs[i].durationMs, qint64(12 + i));
            QVERIFY(runs[i].createdAt.isValid());
        }
        const auto found = store.findByHash("hash-3");
        QVERIFY(found.has_value());
        QCOMPARE(found->result, makeResult(3));
        QVERIFY(!store.findByHash("nope").has_value());
        QCOMPARE(store.hashes().size(), 5);
        QString message;
        QVERIFY2(store.integrityCheck(&message), qPrintable(message));
    }

    void refusesRandomBytesUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("random.sqlite");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray bytes(8192, '\0');
        QRandomGenerator rng(7);
        for (char& c : bytes)
            c = char(rng.bounded(256));
        f.write(bytes);
        f.close();
        const QByteArray before = sha(path);
        ResultStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.lastError().contains("not an SQLite database"), qPrintable(store.lastError()));
        QCOMPARE(sha(path), before);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no -wal/-shm left behind
    }

    void refusesCorruptSqliteUntouched()
    {
        // A valid header followed by garbage: only SQLite itself can tell.
        QTemporaryDir dir;
        const QString path = dir.filePath("corrupt.sqlite");
        QByteArray bytes(4096, '\x5a');
        bytes.replace(0, 16, QByteArray("SQLite format 3\0", 16));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        const QByteArray before = sha(path);
        ResultStore store;
        QVERIFY(!store.open(path));
        QVERIFY(!store.lastError().isEmpty());
        QCOMPARE(sha(path), before);
    }

    void refusesForeignDatabaseUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("foreign.sqlite");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "foreign");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("CREATE TABLE customers (id INTEGER, name TEXT)"));
            QVERIFY(q.exec("INSERT INTO customers VALUES (1, 'x')"));
            db.close();
        }
        QSqlDatabase::removeDatabase("foreign");
        const QByteArray before = sha(path);
        ResultStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.lastError().contains("another program") && store.lastError().contains("customers"),
            qPrintable(store.lastError()));
        QCOMPARE(sha(path), before);
    }

    void refusesNewerSchemaUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("newer.sqlite");
        {
            ResultStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.save(makeResult(1)) > 0);
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "bump");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QString("UPDATE scalinglab_schema SET version = %1").arg(ResultStore::kSchemaVersion + 1)));
            q.exec("PRAGMA wal_checkpoint(TRUNCATE)");
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase("bump");
        const QByteArray before = sha(path);
        ResultStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.lastError().contains("newer"), qPrintable(store.lastError()));
        QCOMPARE(sha(path), before);
    }

    void emptyFileBecomesStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("empty.sqlite");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QCOMPARE(store.count(), 0);
    }

    // A cancelled run is never a row; a finished run replaces the failed (and, in a store written before this rule,
    // cancelled) rows of its configuration, so a resumed sweep or a merge never takes them for the point's result.
    void cancelledRefusedAndUnfinishedRowsReplacedByAFinishedRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("replace.sqlite");
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QJsonObject cancelled = makeResult(1);
        cancelled["status"] = "cancelled";
        QCOMPARE(store.save(cancelled), qint64(-1));
        QVERIFY2(store.lastError().contains("cancelled"), qPrintable(store.lastError()));
        QCOMPARE(store.count(), 0);

        // hash-1: a diverged run first; hash-2: a cancelled row as an older version wrote it (raw SQL, the way the
        // earlier `merge` stored one).
        QJsonObject diverged = makeResult(1);
        diverged["status"] = "diverged";
        int replaced = -1;
        QVERIFY(store.save(diverged, &replaced) > 0);
        QCOMPARE(replaced, 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "raw-cancelled");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery insert(db);
            QVERIFY(insert.exec("INSERT INTO runs (config_hash, config_json, result_json, status, software_version,"
                                " created_at) VALUES ('hash-2', '{}', '{}', 'cancelled', 'old', '2026-01-01')"));
            insert.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase("raw-cancelled");
        QCOMPARE(store.count(), 2);
        QVERIFY(store.hashes().contains("hash-1") && store.hashes().contains("hash-2"));
        QVERIFY(store.finishedHashes().isEmpty());
        QVERIFY(!store.findFinishedByHash("hash-1"));
        QVERIFY(!store.findFinishedByHash("hash-2"));

        for (int i : {1, 2}) {
            QVERIFY(store.save(makeResult(i), &replaced) > 0);
            QCOMPARE(replaced, 1);
        }
        QCOMPARE(store.count(), 2);
        for (const auto& run : store.runs()) {
            QCOMPARE(run.status, QString("converged"));
            QCOMPARE(run.result, makeResult(run.configHash.mid(5).toInt()));
        }
        // A failed run arriving after the finished one is kept as a record, but is not the point's result.
        QVERIFY(store.save(diverged, &replaced) > 0);
        QCOMPARE(replaced, 0);
        QCOMPARE(store.findByHash("hash-1")->status, QString("diverged"));
        QCOMPARE(store.findFinishedByHash("hash-1")->result, makeResult(1));
        QCOMPARE(store.finishedHashes().size(), 2);
        // max-iterations is a finished run too: it replaces the diverged row and keeps the converged one.
        QJsonObject capped = makeResult(1);
        capped["status"] = "max-iterations";
        QVERIFY(store.save(capped, &replaced) > 0);
        QCOMPARE(replaced, 1);
        QCOMPARE(store.count(), 3);
        QVERIFY(ResultStore::isFinishedStatus("converged") && ResultStore::isFinishedStatus("max-iterations"));
        for (const char* failed : {"diverged", "not-converged", "invalid", "cancelled", ""})
            QVERIFY(!ResultStore::isFinishedStatus(failed));
    }

    void concurrentWritersFromThreads()
    {
        // One ResultStore (connection) per thread on the same file: every save lands, none is torn.
        QTemporaryDir dir;
        const QString path = dir.filePath("threads.sqlite");
        {
            ResultStore init;
            QVERIFY(init.open(path));
        }
        constexpr int kThreads = 4;
        constexpr int kPerThread = 15;
        QVector<QThread*> threads;
        QAtomicInt failures = 0;
        for (int t = 0; t < kThreads; ++t) {
            threads.append(QThread::create([&, t] {
                ResultStore store;
                if (!store.open(path)) {
                    failures.fetchAndAddRelaxed(1);
                    return;
                }
                for (int i = 0; i < kPerThread; ++i)
                    if (store.save(makeResult(t * kPerThread + i)) < 0)
                        failures.fetchAndAddRelaxed(1);
            }));
            threads.back()->start();
        }
        for (QThread* thread : threads) {
            QVERIFY(thread->wait(30000));
            delete thread;
        }
        QCOMPARE(failures.loadRelaxed(), 0);
        ResultStore store;
        QVERIFY(store.open(path));
        const auto runs = store.runs();
        QCOMPARE(runs.size(), kThreads * kPerThread);
        for (const auto& run : runs) {
            const int i = run.configHash.mid(5).toInt();
            QCOMPARE(run.result, makeResult(i));
        }
        QVERIFY(store.integrityCheck());
    }

    void fullDiskFailsCleanlyAndKeepsEveryEarlierRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("full.sqlite");
        {
            ResultStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            for (int i = 0; i < 3; ++i)
                QVERIFY(store.save(makeResult(i)) > 0);
        }
        int stored = 3;
        int failedAt = -1;
        {
            // The file cannot grow past its size at open: the first save that needs a new page meets a full disk.
            const sl::test::PageLimit limit(1);
            ResultStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            for (int i = 3; i < 1000 && failedAt < 0; ++i) {
                if (store.save(makeResult(i)) > 0)
                    ++stored;
                else
                    failedAt = i;
            }
            QVERIFY2(failedAt >= 0, "the page limit never made a save fail");
            const QString error = store.lastError();
            QVERIFY2(error.contains("database or disk is full") && error.contains(path), qPrintable(error));
            QVERIFY2(!error.contains("Unable to fetch row"), qPrintable(error));  // SQLite's words, not Qt's
            // The failed save left no open transaction and no partial row: the next one fails the same way,
            // reads still work, and the file is consistent.
            QCOMPARE(store.save(makeResult(failedAt)), qint64(-1));
            QVERIFY2(store.lastError().contains("database or disk is full"), qPrintable(store.lastError()));
            QCOMPARE(store.count(), qint64(stored));
            QVERIFY(!store.findByHash(QString("hash-%1").arg(failedAt)).has_value());
            QString message;
            QVERIFY2(store.integrityCheck(&message), qPrintable(message));
        }
        // Space again (the limit lifted): every earlier run reads back bit for bit, and saving works.
        ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QString message;
        QVERIFY2(store.integrityCheck(&message), qPrintable(message));
        const auto runs = store.runs();
        QCOMPARE(runs.size(), stored);
        for (int i = 0; i < stored; ++i)
            QCOMPARE(runs[i].result, makeResult(i));
        QVERIFY2(store.save(makeResult(failedAt)) > 0, qPrintable(store.lastError()));
        QCOMPARE(store.count(), qint64(stored + 1));
    }

    void unopenablePathsAreRefusedWithTheReason()
    {
        QTemporaryDir dir;
        // A regular file where the store's folder should be (ENOTDIR; root cannot get past it either).
        const QString blocker = dir.filePath("not-a-folder");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a file, not a folder\n");
        f.close();
        const QByteArray before = sha(blocker);
        for (const QString& path : {blocker + "/results.sqlite", blocker + "/deeper/results.sqlite"}) {
            ResultStore store;
            QVERIFY(!store.open(path));
            QVERIFY(!store.isOpen());
            QVERIFY2(store.lastError().contains(QString("'%1' is a file, not a folder").arg(blocker)),
                qPrintable(store.lastError()));
            QCOMPARE(store.save(makeResult(1)), qint64(-1));
            QVERIFY2(store.lastError().contains("not open"), qPrintable(store.lastError()));
        }
        QCOMPARE(sha(blocker), before);

        // A folder where the file should be.
        const QString folder = dir.filePath("a-folder.sqlite");
        QVERIFY(QDir().mkpath(folder));
        ResultStore store;
        QVERIFY(!store.open(folder));
        QVERIFY2(store.lastError().contains("is a folder, not a file"), qPrintable(store.lastError()));
        QVERIFY(QDir(folder).isEmpty());  // nothing created inside it
    }

    void defaultPathIsInAppData() { QVERIFY(ResultStore::defaultPath().endsWith("results.sqlite")); }
};

QTEST_GUILESS_MAIN(TestResultStore)
#include "test_result_store.moc"
