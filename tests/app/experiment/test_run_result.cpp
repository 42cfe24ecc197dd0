// SPDX-License-Identifier: GPL-3.0-or-later
// RunResult JSON both ways, field by field, including the nulls that stand for "does not apply".
#include "app/experiment/run_result.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTest>

#include <cmath>

using sl::app::RunResult;

class TestRunResult : public QObject {
    Q_OBJECT

private slots:
    void roundTripFieldByField()
    {
        RunResult r;
        r.config.problem.dimension = 12;
        r.config.problem.weightDecay = 0.3;
        r.configHash = r.config.hash();
        r.status = sl::Status::MaxIterations;
        r.message = "reached the iteration limit";
        r.stopReason = "iterations";
        r.iterations = 4321;
        r.trainLoss = 0.1 + 1e-17;
        r.objective = 1.0 / 3.0;
        r.excessRisk = std::sqrt(2.0);
        r.matrixMse = std::sqrt(2.0) / 2;
        r.gradientNorm = 1e-11;
        r.nEff = 41.5;
        r.convexGap = {true, 2.5e-9, 1e-6};
        r.eigenvalues = {3.0, 2.0, 1.0 / 7.0, 0.0};
        r.tailFit = {true, 2.01, 0.1, 0.37, 0.04, 55, "converged", "fine"};
        r.phase = "VIa";
        r.phaseInferred = true;
        r.durationMs = 1234;
        r.softwareVersion = "9.9.9";

        const QJsonObject json = r.toJson();
        for (const char* key :
            {"config", "config_hash", "status", "message", "iterations", "train_loss", "objective", "excess_risk",
                "matrix_mse", "convex_gap", "eigenvalues", "tail_fit", "phase", "duration_ms", "software_version"})
            QVERIFY2(json.contains(key), key);
        QCOMPARE(json["status"].toString(), QString("max-iterations"));
        QCOMPARE(json["tail_fit"].toObject()["n_tail"].toInt(), 55);

        QString error;
        const auto back = RunResult::fromJson(QJsonDocument::fromJson(QJsonDocument(json).toJson()).object(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        const RunResult& b = *back;
        QVERIFY(b.config == r.config);
        QCOMPARE(b.configHash, r.configHash);
        QCOMPARE(b.status, r.status);
        QCOMPARE(b.message, r.message);
        QCOMPARE(b.stopReason, r.stopReason);
        QCOMPARE(b.iterations, r.iterations);
        QCOMPARE(b.trainLoss, r.trainLoss);
        QCOMPARE(b.objective, r.objective);
        QCOMPARE(b.excessRisk, r.excessRisk);
        QCOMPARE(b.matrixMse, r.matrixMse);
        QCOMPARE(b.gradientNorm, r.gradientNorm);
        QCOMPARE(b.nEff, r.nEff);
        QCOMPARE(b.convexGap.computed, true);
        QCOMPARE(b.convexGap.relativeObjectiveGap, 2.5e-9);
        QCOMPARE(b.convexGap.solutionDistance, 1e-6);
        QCOMPARE(b.eigenvalues, r.eigenvalues);
        QCOMPARE(b.tailFit.computed, true);
        QCOMPARE(b.tailFit.alpha, 2.01);
        QCOMPARE(b.tailFit.sigma, 0.1);
        QCOMPARE(b.tailFit.xmin, 0.37);
        QCOMPARE(b.tailFit.ks, 0.04);
        QCOMPARE(b.tailFit.nTail, 55);
        QCOMPARE(b.tailFit.status, QString("converged"));
        QCOMPARE(b.tailFit.message, QString("fine"));
        QCOMPARE(b.phase, r.phase);
        QCOMPARE(b.phaseInferred, true);
        QCOMPARE(b.durationMs, r.durationMs);
        QCOMPARE(b.softwareVersion, r.softwareVersion);
        QCOMPARE(b.toJson(), json);
    }

    void notApplicableIsNull()
    {
        RunResult r;
        r.configHash = r.config.hash();
        r.softwareVersion = "1";
        r.message = "m";
        const QJsonObject json = r.toJson();
        QVERIFY(json["matrix_mse"].isNull());
        QVERIFY(json["convex_gap"].isNull());
        QVERIFY(json["tail_fit"].isNull());
        QVERIFY(json["phase"].isNull());
        const auto back = RunResult::fromJson(json);
        QVERIFY(back.has_value());
        QVERIFY(std::isnan(back->matrixMse));
        QVERIFY(!back->convexGap.computed);
        QVERIFY(!back->tailFit.computed);
        QVERIFY(back->phase.isEmpty());
    }

    void malformedIsRefusedWithKey()
    {
        RunResult r;
        r.configHash = r.config.hash();
        QJsonObject json = r.toJson();
        json["excess_risk"] = "high";
        QString error;
        QVERIFY(!RunResult::fromJson(json, &error).has_value());
        QVERIFY2(error.startsWith("excess_risk"), qPrintable(error));
        json = r.toJson();
        json["status"] = "exploded";
        QVERIFY(!RunResult::fromJson(json, &error).has_value());
        QVERIFY2(error.startsWith("status"), qPrintable(error));
        json = r.toJson();
        QJsonObject config = json["config"].toObject();
        config["solver"] = "magic";
        json["config"] = config;
        QVERIFY(!RunResult::fromJson(json, &error).has_value());
        QVERIFY2(error.startsWith("config.solver"), qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestRunResult)
#include "test_run_result.moc"
