// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/session/session.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

namespace {

sl::app::Session sampleSession()
{
    sl::app::Session s;
    s.parameters.problem.model = sl::ModelKind::Diagonal;
    s.parameters.problem.dimension = 37;
    s.parameters.problem.samples = 123;
    s.parameters.problem.weightDecay = 0.0625;
    s.parameters.problem.gamma = 1.25;
    s.parameters.seedCount = 4;
    sl::app::RunResult r;
    r.config = s.parameters;
    r.config.seedCount = 1;
    r.configHash = r.config.hash();
    r.status = sl::Status::Converged;
    r.message = "converged";
    r.iterations = 321;
    r.trainLoss = 0.123456789012345;
    r.objective = 1.0 / 3.0;
    r.excessRisk = 0.0123;
    r.nEff = 123;
    r.eigenvalues = {3.5, 1.25, 0.0};
    r.phase = "IV";
    r.durationMs = 42;
    r.softwareVersion = "0.1.0";
    s.results = {r, r};
    s.results[1].excessRisk = 0.5;
    s.spectrumLogView = true;
    s.keptCurves = {"λ = 1", "λ = √d"};
    return s;
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void savedSessionReopensExactly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.json");
        const sl::app::Session original = sampleSession();
        QString error;
        QVERIFY2(original.save(path, &error), qPrintable(error));
        const auto loaded = sl::app::Session::load(path, &error);
        QVERIFY2(loaded, qPrintable(error));
        QVERIFY(loaded->parameters == original.parameters);
        QCOMPARE(loaded->results.size(), 2);
        QCOMPARE(loaded->results[0].trainLoss, original.results[0].trainLoss);  // bit-exact doubles
        QCOMPARE(loaded->results[0].objective, 1.0 / 3.0);
        QCOMPARE(loaded->results[1].excessRisk, 0.5);
        QCOMPARE(loaded->results[0].eigenvalues, original.results[0].eigenvalues);
        QCOMPARE(loaded->keptCurves, original.keptCurves);
        QVERIFY(loaded->spectrumLogView);
        QCOMPARE(QJsonDocument(loaded->toJson()).toJson(), QJsonDocument(original.toJson()).toJson());
    }

    void newerOrForeignOrBrokenFilesAreRefused()
    {
        QJsonObject json = sampleSession().toJson();
        QString error;
        json["version"] = 2;
        QVERIFY(!sl::app::Session::fromJson(json, &error));
        QVERIFY2(error.contains("newer"), qPrintable(error));
        json["version"] = 1;
        json["schema"] = "something.else";
        QVERIFY(!sl::app::Session::fromJson(json, &error));
        QVERIFY(error.contains("not a Scaling Lab session"));
        json["schema"] = "scalinglab.session";
        QJsonObject params = json["parameters"].toObject();
        QJsonObject problem = params["problem"].toObject();
        problem["gamma"] = 0.4;
        params["problem"] = problem;
        json["parameters"] = params;
        QVERIFY(!sl::app::Session::fromJson(json, &error));
        QVERIFY2(error.contains("gamma"), qPrintable(error));

        QTemporaryDir dir;
        const QString path = dir.filePath("broken.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"schema\": \"scalinglab.session\", ");
        f.close();
        QVERIFY(!sl::app::Session::load(path, &error));
        QVERIFY(error.contains("not a JSON object"));
        QVERIFY(!sl::app::Session::load(dir.filePath("missing.json"), &error));
    }

    void failedSaveLeavesTheOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.json");
        QString error;
        QVERIFY(sampleSession().save(path, &error));
        const QByteArray before = [&] {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        QVERIFY(!sampleSession().save(dir.filePath("no/such/dir/s.json"), &error));
        QVERIFY(!error.isEmpty());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
