// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli train against a results store that fails (issue 11): a full disk must not lose the run (it is
// written out, then the failure reported), and a store path that cannot be opened is refused before any
// computation. In process, so the store's page-limit hook (a "full disk" that also works as root) applies.
#include "app/cli/cli_common.h"
#include "tests/app/cli/cli_in_process.h"

#include <QFile>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

class TestCommandTrain : public QObject {
    Q_OBJECT

private slots:
    void fullStoreStillWritesTheResult()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath("results.sqlite");
        const QString output = dir.filePath("run.json");
        const sl::test::PageLimit limit(1);
        const int filled = sl::test::fillToCapacity(store);
        QVERIFY(filled > 0);

        const sl::test::InProcessRun run = sl::test::runCliInProcess({"train", "--model", "diagonal", "--d", "8",
            "--samples", "40", "--store", store, "--output", output, "--json"});
        QCOMPARE(run.exitCode, int(sl::cli::kRunFailed));
        QVERIFY2(run.err.contains("saving to the store failed (the result was still written out)")
                && run.err.contains("database or disk is full") && run.err.contains(store),
            qPrintable(run.err));
        QFile f(output);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject result = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(result["status"].toString(), QString("converged"));
        QVERIFY(result["excess_risk"].isDouble());
        QCOMPARE(result["eigenvalues"].toArray().size(), 8);

        // The store is untouched by the failed save.
        sl::app::ResultStore::setMaxPageCountForTesting(0);
        sl::app::ResultStore check;
        QVERIFY2(check.open(store), qPrintable(check.lastError()));
        QCOMPARE(check.count(), qint64(filled));
        QVERIFY(!check.findByHash(result["config_hash"].toString()).has_value());
        QVERIFY(check.integrityCheck());
    }

    void unopenableStoreIsRefusedBeforeTheRun()
    {
        QTemporaryDir dir;
        const QString blocker = dir.filePath("not-a-folder");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        // A run that never ends by itself (GD, no tolerance, no practical iteration limit): only a refusal before
        // the run returns. Should the store be opened after the run (as it once was), a watchdog interrupts the
        // run after a minute, like Ctrl-C, so the test fails on the exit code instead of hanging.
        const QString config = dir.filePath("endless.json");
        QFile c(config);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(R"({"schema": "scalinglab.experiment", "version": 1, "solver": "gd",
                    "problem": {"model": "diagonal", "dimension": 8, "samples": 40},
                    "train": {"max_iterations": 2000000000, "learning_rate": 0.001, "gradient_tolerance": 0,
                              "loss_change_tolerance": 0}})");
        c.close();
        const QString output = dir.filePath("run.json");
        std::mutex mutex;
        std::condition_variable done;
        bool finished = false;
        std::thread watchdog([&] {
            std::unique_lock<std::mutex> lock(mutex);
            if (!done.wait_for(lock, std::chrono::seconds(60), [&] { return finished; }))
                sl::cli::interruptToken().cancel();
        });
        const sl::test::InProcessRun run = sl::test::runCliInProcess(
            {"train", "--config", config, "--store", blocker + "/results.sqlite", "--output", output});
        {
            std::unique_lock<std::mutex> lock(mutex);
            finished = true;
        }
        done.notify_one();
        watchdog.join();
        sl::cli::interruptToken().reset();
        QCOMPARE(run.exitCode, int(sl::cli::kBadUsage));
        QVERIFY2(run.err.contains("cannot open the store") && run.err.contains("is a file, not a folder"),
            qPrintable(run.err));
        QVERIFY(!QFile::exists(output));
    }
};

QTEST_GUILESS_MAIN(TestCommandTrain)
#include "test_command_train.moc"
