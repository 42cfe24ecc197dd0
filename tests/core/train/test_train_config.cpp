// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/validation.h"
#include "core/train/train_config.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <functional>
#include <limits>

using sl::TrainConfig;

Q_DECLARE_METATYPE(std::function<void(TrainConfig&)>)

class TestTrainConfig : public QObject {
    Q_OBJECT

private slots:
    void defaultsAreTheFollowUpCodeSettings()
    {
        // docs/theory/models.md §7, the "follow-up code defaults".
        const TrainConfig l = TrainConfig::defaults(sl::Optimizer::Lbfgs);
        QVERIFY(l.optimizer == sl::Optimizer::Lbfgs);
        QCOMPARE(l.maxIterations, 50000);
        QCOMPARE(l.gradientTolerance, 1e-10);
        QCOMPARE(l.lossChangeTolerance, 1e-12);
        QCOMPARE(l.initScale, 1.0);
        const TrainConfig g = TrainConfig::defaults(sl::Optimizer::GradientDescent);
        QVERIFY(g.optimizer == sl::Optimizer::GradientDescent);
        QCOMPARE(g.learningRate, 1e-2);
        QCOMPARE(g.momentum, 0.5);
        QCOMPARE(g.maxIterations, 150000);
        QCOMPARE(g.lossChangeTolerance, 1e-11);
        const TrainConfig a = TrainConfig::defaults(sl::Optimizer::Adam);
        QVERIFY(a.optimizer == sl::Optimizer::Adam);
        QCOMPARE(a.learningRate, 1e-3);
        QCOMPARE(a.maxIterations, 50000);
        QCOMPARE(a.lossChangeTolerance, 1e-10);
        for (auto o : {sl::Optimizer::Lbfgs, sl::Optimizer::GradientDescent, sl::Optimizer::Adam}) {
            TrainConfig::defaults(o).validate();
            QCOMPARE(TrainConfig::defaults(o).snapshotInterval, 1);
        }
    }

    void eachBadParameterIsNamed_data()
    {
        using Edit = std::function<void(TrainConfig&)>;
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QString>("parameter");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("maxIterations") << Edit([](TrainConfig& c) { c.maxIterations = 0; }) << "maxIterations";
        QTest::newRow("gradTol<0") << Edit([](TrainConfig& c) { c.gradientTolerance = -1; }) << "gradientTolerance";
        QTest::newRow("gradTol nan") << Edit([=](TrainConfig& c) { c.gradientTolerance = nan; }) << "gradientTolerance";
        QTest::newRow("changeTol") << Edit([](TrainConfig& c) { c.lossChangeTolerance = -1e-9; })
                                   << "lossChangeTolerance";
        QTest::newRow("lr=0") << Edit([](TrainConfig& c) { c.learningRate = 0; }) << "learningRate";
        QTest::newRow("lr nan") << Edit([=](TrainConfig& c) { c.learningRate = nan; }) << "learningRate";
        QTest::newRow("momentum=1") << Edit([](TrainConfig& c) { c.momentum = 1.0; }) << "momentum";
        QTest::newRow("momentum<0") << Edit([](TrainConfig& c) { c.momentum = -0.1; }) << "momentum";
        QTest::newRow("snapshot") << Edit([](TrainConfig& c) { c.snapshotInterval = 0; }) << "snapshotInterval";
        QTest::newRow("init=0") << Edit([](TrainConfig& c) { c.initScale = 0; }) << "initScale";
        QTest::newRow("memory") << Edit([](TrainConfig& c) { c.lbfgsMemory = 0; }) << "lbfgsMemory";
        QTest::newRow("linesearch") << Edit([](TrainConfig& c) { c.lbfgsMaxLineSearch = 0; }) << "lbfgsMaxLineSearch";
        QTest::newRow("beta1") << Edit([](TrainConfig& c) { c.adamBeta1 = 1.0; }) << "adamBeta1";
        QTest::newRow("beta2") << Edit([](TrainConfig& c) { c.adamBeta2 = -0.5; }) << "adamBeta2";
        QTest::newRow("eps") << Edit([](TrainConfig& c) { c.adamEpsilon = 0; }) << "adamEpsilon";
        QTest::newRow("divergence") << Edit([](TrainConfig& c) { c.divergenceFactor = 0.5; }) << "divergenceFactor";
    }
    void eachBadParameterIsNamed()
    {
        QFETCH(std::function<void(TrainConfig&)>, edit);
        QFETCH(QString, parameter);
        TrainConfig c = TrainConfig::defaults(sl::Optimizer::GradientDescent);
        edit(c);
        try {
            c.validate();
            QFAIL("validate() accepted a bad parameter");
        } catch (const sl::ValidationError& error) {
            QCOMPARE(QString::fromStdString(error.parameter()), parameter);
        }
    }

    void optimizerNamesRoundTrip()
    {
        QCOMPARE(QString(sl::toString(sl::Optimizer::Lbfgs)), QString("lbfgs"));
        QCOMPARE(QString(sl::toString(sl::Optimizer::GradientDescent)), QString("gd"));
        QCOMPARE(QString(sl::toString(sl::Optimizer::Adam)), QString("adam"));
        for (auto o : {sl::Optimizer::Lbfgs, sl::Optimizer::GradientDescent, sl::Optimizer::Adam}) {
            sl::Optimizer back = o == sl::Optimizer::Adam ? sl::Optimizer::Lbfgs : sl::Optimizer::Adam;
            QVERIFY(sl::fromString(sl::toString(o), back));
            QVERIFY(back == o);
        }
        sl::Optimizer o;
        QVERIFY(!sl::fromString("sgd", o));
    }
};

QTEST_APPLESS_MAIN(TestTrainConfig)
#include "test_train_config.moc"
