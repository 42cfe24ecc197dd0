// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/validation.h"
#include "core/model/problem_config.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <functional>
#include <limits>

using sl::ProblemConfig;

Q_DECLARE_METATYPE(std::function<void(ProblemConfig&)>)

class TestProblemConfig : public QObject {
    Q_OBJECT

private slots:
    void defaultsAreValid() { ProblemConfig().validate(); }

    void eachBadParameterIsNamed_data()
    {
        using Edit = std::function<void(ProblemConfig&)>;
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QString>("parameter");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("d=1") << Edit([](ProblemConfig& c) { c.dimension = 1; }) << "dimension";
        QTest::newRow("p<0") << Edit([](ProblemConfig& c) { c.width = -1; }) << "width";
        QTest::newRow("n=0") << Edit([](ProblemConfig& c) { c.samples = 0; }) << "samples";
        QTest::newRow("lambda<0") << Edit([](ProblemConfig& c) { c.weightDecay = -1e-3; }) << "weightDecay";
        QTest::newRow("lambda nan") << Edit([=](ProblemConfig& c) { c.weightDecay = nan; }) << "weightDecay";
        QTest::newRow("lambda inf") << Edit([=](ProblemConfig& c) { c.weightDecay = inf; }) << "weightDecay";
        QTest::newRow("gamma=1/2") << Edit([](ProblemConfig& c) { c.gamma = 0.5; }) << "gamma";
        QTest::newRow("gamma<1/2") << Edit([](ProblemConfig& c) { c.gamma = 0.2; }) << "gamma";
        QTest::newRow("gamma nan") << Edit([=](ProblemConfig& c) { c.gamma = nan; }) << "gamma";
        QTest::newRow("noise<0") << Edit([](ProblemConfig& c) { c.noise = -0.5; }) << "noise";
        QTest::newRow("noise nan") << Edit([=](ProblemConfig& c) { c.noise = nan; }) << "noise";
        QTest::newRow("noise inf") << Edit([=](ProblemConfig& c) { c.noise = inf; }) << "noise";
    }
    void eachBadParameterIsNamed()
    {
        QFETCH(std::function<void(ProblemConfig&)>, edit);
        QFETCH(QString, parameter);
        ProblemConfig config;
        edit(config);
        try {
            config.validate();
            QFAIL("validate() accepted a bad parameter");
        } catch (const sl::ValidationError& error) {
            QCOMPARE(QString::fromStdString(error.parameter()), parameter);
            QVERIFY(QString(error.what()).startsWith(parameter));
        }
    }

    void gammaMessageCitesTheBound()
    {
        ProblemConfig config;
        config.gamma = 0.5;
        try {
            config.validate();
            QFAIL("gamma = 1/2 accepted");
        } catch (const sl::ValidationError& error) {
            QVERIFY2(QString(error.what()).contains("gamma must be > 1/2 (docs/theory/models.md §1)")
                    || QString(error.what()).contains("must be > 1/2 (docs/theory/models.md §1)"),
                error.what());
        }
    }

    void effectiveSampleSizeFollowsEq10()
    {
        ProblemConfig c;
        c.dimension = 40;
        c.samples = 1000;
        c.model = sl::ModelKind::Quadratic;
        QCOMPARE(c.nEff(), 25.0);  // n/d
        c.model = sl::ModelKind::Diagonal;
        QCOMPARE(c.nEff(), 1000.0);  // n
        for (double nEff : {0.3, 1.0, 7.5, 123.0}) {
            for (auto kind : {sl::ModelKind::Quadratic, sl::ModelKind::Diagonal}) {
                ProblemConfig r;
                r.model = kind;
                r.dimension = 40;
                r.samples = ProblemConfig::samplesForNEff(kind, 40, nEff);
                QVERIFY(r.samples >= 1);
                // Rounding n to an integer moves n_eff by at most half a sample's worth.
                const double step = kind == sl::ModelKind::Quadratic ? 1.0 / 40 : 1.0;
                QVERIFY2(std::abs(r.nEff() - nEff) <= 0.5 * step + 1e-12 || r.samples == 1,
                    qPrintable(QString::number(nEff)));
            }
        }
    }

    void widthZeroMeansSquare()
    {
        ProblemConfig c;
        c.dimension = 17;
        c.width = 0;
        QCOMPARE(c.effectiveWidth(), 17);
        c.width = 5;
        QCOMPARE(c.effectiveWidth(), 5);
    }

    void enumNamesRoundTrip()
    {
        for (auto k : {sl::ModelKind::Quadratic, sl::ModelKind::Diagonal}) {
            sl::ModelKind back = k == sl::ModelKind::Quadratic ? sl::ModelKind::Diagonal : sl::ModelKind::Quadratic;
            QVERIFY(sl::fromString(sl::toString(k), back));
            QVERIFY(back == k);
        }
        for (auto a : {sl::TeacherAmplitudes::Gaussian, sl::TeacherAmplitudes::Deterministic}) {
            sl::TeacherAmplitudes back = a == sl::TeacherAmplitudes::Gaussian ? sl::TeacherAmplitudes::Deterministic
                                                                              : sl::TeacherAmplitudes::Gaussian;
            QVERIFY(sl::fromString(sl::toString(a), back));
            QVERIFY(back == a);
        }
        QCOMPARE(QString(sl::toString(sl::ModelKind::Quadratic)), QString("quadratic"));
        QCOMPARE(QString(sl::toString(sl::ModelKind::Diagonal)), QString("diagonal"));
        QCOMPARE(QString(sl::toString(sl::TeacherAmplitudes::Gaussian)), QString("gaussian"));
        QCOMPARE(QString(sl::toString(sl::TeacherAmplitudes::Deterministic)), QString("deterministic"));
        sl::ModelKind k;
        QVERIFY(!sl::fromString("Quadratic ", k));
        sl::TeacherAmplitudes a;
        QVERIFY(!sl::fromString("", a));
    }
};

QTEST_APPLESS_MAIN(TestProblemConfig)
#include "test_problem_config.moc"
