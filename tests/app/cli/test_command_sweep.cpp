// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli sweep against a results store that fills up (issue 11): every point still runs and is written
// out, the failure is reported after, and the store keeps exactly what it held. In process, so the store's
// page-limit hook (a "full disk" that also works as root) applies.
#include "tests/app/cli/cli_in_process.h"

#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

class TestCommandSweep : public QObject {
    Q_OBJECT

private slots:
    void fullStoreStillWritesEveryPoint()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath("results.sqlite");
        const QString plan = dir.filePath("plan.json");
        const QString output = dir.filePath("sweep.json");
        QFile p(plan);
        QVERIFY(p.open(QIODevice::WriteOnly));
        p.write(R"({"schema": "scalinglab.experiment", "version": 1, "solver": "convex",
                    "problem": {"model": "diagonal", "dimension": 8, "weight_decay": 0.2, "seed": 4},
                    "seeds": 2, "sweep": {"n": {"from": 6, "to": 40, "points": 3}}})");
        p.close();
        const sl::test::PageLimit limit(1);
        const int filled = sl::test::fillToCapacity(store);
        QVERIFY(filled > 0);

        const sl::test::InProcessRun run = sl::test::runCliInProcess(
            {"sweep", plan, "--threads", "2", "--store", store, "--output", output, "--json"});
        QCOMPARE(run.exitCode, int(sl::cli::kRunFailed));
        QVERIFY2(run.err.contains("saving to the store failed (the results were still written out)")
                && run.err.contains("database or disk is full"),
            qPrintable(run.err));
        QFile f(output);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject sweep = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(sweep["points"].toInt(), 6);
        QCOMPARE(sweep["completed"].toInt(), 6);
        QCOMPARE(sweep["failed"].toInt(), 0);
        QCOMPARE(sweep["results"].toArray().size(), 6);
        for (const QJsonValue& r : sweep["results"].toArray())
            QVERIFY(r["excess_risk"].isDouble());

        sl::app::ResultStore::setMaxPageCountForTesting(0);
        sl::app::ResultStore check;
        QVERIFY2(check.open(store), qPrintable(check.lastError()));
        QCOMPARE(check.count(), qint64(filled));
        QVERIFY(check.integrityCheck());
    }
};

QTEST_GUILESS_MAIN(TestCommandSweep)
#include "test_command_sweep.moc"
