// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/power_law.h"

#include "core/common/validation.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>
#include <limits>

class TestPowerLaw : public QObject {
    Q_OBJECT

private slots:
    void closedFormsForSmallDimensions()
    {
        // d = 1: Q* = s_1² = 1.
        QCOMPARE(sl::powerLawSpectrum(1, 1.0)[0], 1.0);
        // d = 2, γ = 1: s = c·(1, 1/2) with (c² + c²/4)/2 = 1, so c = √(8/5).
        const Eigen::VectorXd s = sl::powerLawSpectrum(2, 1.0);
        QVERIFY(std::abs(s[0] - std::sqrt(1.6)) < 1e-15);
        QVERIFY(std::abs(s[1] - std::sqrt(1.6) / 2) < 1e-15);
        // γ = 0: a flat spectrum of ones.
        QVERIFY((sl::powerLawSpectrum(7, 0.0).array() - 1.0).abs().maxCoeff() < 1e-15);
    }

    void ratiosAndNormalisation()
    {
        // docs/theory/models.md §3: s_i/s_1 = i^(−γ) and (1/d)Σ s_i² = 1, descending.
        for (const double gamma : {0.6, 1.0, 1.3, 2.5}) {
            const int d = 57;
            const Eigen::VectorXd s = sl::powerLawSpectrum(d, gamma);
            QCOMPARE(int(s.size()), d);
            QVERIFY(std::abs(s.squaredNorm() / d - 1.0) < 1e-12);
            for (int i = 1; i < d; ++i) {
                QVERIFY(s[i] < s[i - 1]);
                QVERIFY(std::abs(s[i] / s[0] - std::pow(double(i + 1), -gamma)) < 1e-13);
            }
        }
    }

    void rejectsBadArguments()
    {
        try {
            sl::powerLawSpectrum(0, 1.0);
            QFAIL("no ValidationError for d = 0");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QString("dimension"));
        }
        try {
            sl::powerLawSpectrum(5, std::numeric_limits<double>::quiet_NaN());
            QFAIL("no ValidationError for γ = NaN");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QString("gamma"));
        }
    }
};

QTEST_APPLESS_MAIN(TestPowerLaw)
#include "test_power_law.moc"
