// SPDX-License-Identifier: GPL-3.0-or-later
// The noiseless task Δ = 0 (Result 4 of arXiv:2509.24882): the state evolution against ERM by the convex solvers,
// in three regions of the inferred Δ = 0 diagram for each model (docs/theory/noiseless-and-lambda.md §1).
#include "core/common/power_law.h"
#include "core/common/rng.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/se_point.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

std::string phaseAt(double d, double nEff, double lambda)
{
    sl::PhaseDiagramConfig pc;
    pc.d = d;
    pc.noise = 0;
    return sl::PhaseDiagram(pc).classify(nEff, lambda).label;
}

struct Spread {
    double mean = 0, standardError = 0;
};

Spread spread(const std::vector<double>& values)
{
    const double n = double(values.size());
    double sum = 0, sumSq = 0;
    for (const double v : values) {
        sum += v;
        sumSq += v * v;
    }
    const double mean = sum / n;
    return {mean, std::sqrt(std::max(sumSq / n - mean * mean, 0.0) / (n - 1))};
}

}  // namespace

class TestNoiselessErm : public QObject {
    Q_OBJECT

private slots:
    // LASSO at d = 200, deterministic amplitudes with random signs, 6 seeds: the mean ERM risk within twice its
    // standard error plus 10% of the SE value (the finite-size spread measured in agreesWithErm at Δ = 0.5).
    void diagonal_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("lambda");
        QTest::addColumn<QString>("phase");
        QTest::newRow("IV") << 60 << 0.01 << "IV";
        QTest::newRow("II") << 100 << 2.0 << "II";
        QTest::newRow("VI") << 800 << 0.1 << "VI";
    }
    void diagonal()
    {
        QFETCH(int, n);
        QFETCH(double, lambda);
        QFETCH(QString, phase);
        const int d = 200, seeds = 6;
        QCOMPARE(QString::fromStdString(phaseAt(d, n, lambda)), phase);
        const Eigen::VectorXd amplitudes = sl::lassoDeterministicAmplitudes(d, 1.0);
        std::vector<double> risks;
        for (int seed = 0; seed < seeds; ++seed) {
            sl::Rng rng(7000 + seed);
            Eigen::VectorXd theta(d);
            for (int i = 0; i < d; ++i)
                theta[i] = amplitudes[i] * rng.sign();
            const Eigen::MatrixXd x = rng.normalMatrix(n, d);
            const Eigen::VectorXd y = x * theta / std::sqrt(double(d));  // Δ = 0
            sl::LassoConfig lc;
            lc.lambda = lambda;
            lc.units = sl::LassoUnits::Experiment;
            lc.gapTolerance = 1e-13;
            const sl::LassoResult erm = sl::LassoSolver(x, y, lc).run();
            QVERIFY2(erm.status == sl::Status::Converged, erm.message.c_str());
            risks.push_back((erm.theta - theta).squaredNorm() / d);
        }
        sl::StateEvolutionModel m;
        m.d = d;
        m.noise = 0;
        const auto se = sl::evaluateStateEvolution(m, amplitudes, n, lambda);
        QVERIFY2(se.ok(), se.message.c_str());
        const Spread s = spread(risks);
        qDebug() << phase << "ERM" << s.mean << "±" << s.standardError << "SE" << se.excessRisk;
        QVERIFY2(std::abs(s.mean - se.excessRisk) < 2 * s.standardError + 0.1 * se.excessRisk,
            qPrintable(QString("ERM %1 ± %2 vs SE %3").arg(s.mean).arg(s.standardError).arg(se.excessRisk)));
    }

    // Nuclear-norm sensing at d = 40 (FISTA), 2 seeds, against the matrix SE (K = 32): within twice the standard
    // error plus 15% (the d = 30–40 finite-size spread of the Δ > 0 comparison).
    void quadratic_data()
    {
        QTest::addColumn<double>("alphaQ");
        QTest::addColumn<double>("lambda");
        QTest::addColumn<QString>("phase");
        QTest::newRow("IV") << 0.2 << 0.05 << "IV";
        QTest::newRow("II") << 0.5 << 1.5 << "II";
        QTest::newRow("VI") << 1.5 << 0.1 << "VI";
    }
    void quadratic()
    {
        QFETCH(double, alphaQ);
        QFETCH(double, lambda);
        QFETCH(QString, phase);
        const int d = 40, n = int(alphaQ * d * d), seeds = 2;
        QCOMPARE(QString::fromStdString(phaseAt(d, alphaQ * d, lambda)), phase);
        const Eigen::VectorXd s = sl::powerLawSpectrum(d, 1.0);
        std::vector<double> risks;
        for (int seed = 0; seed < seeds; ++seed) {
            sl::Rng rng(800 + seed);
            const Eigen::MatrixXd x = rng.normalMatrix(n, d);
            // y = Tr[S* Z], Z = (xxᵀ − I)/√d, S* = diag(s) (rotation invariance), Δ = 0.
            const Eigen::VectorXd y
                = ((x.array().square().rowwise() * s.transpose().array()).rowwise().sum() - s.sum()).matrix()
                / std::sqrt(double(d));
            sl::NuclearNormConfig nc;
            nc.lambda = lambda;
            nc.tolerance = 1e-11;
            nc.optimalityTolerance = 1e-7;
            const sl::NuclearNormResult erm = sl::NuclearNormSolver(x, y, nc).run();
            QVERIFY2(erm.status == sl::Status::Converged, erm.message.c_str());
            Eigen::MatrixXd diff = erm.S;
            diff.diagonal() -= s;
            risks.push_back(2 * diff.squaredNorm() / d);  // test excess risk 2·E_mat
        }
        sl::StateEvolutionModel m;
        m.model = sl::ModelKind::Quadratic;
        m.d = d;
        m.noise = 0;
        m.samples = 32;
        const auto se = sl::evaluateStateEvolution(m, s, alphaQ * d, lambda);
        QVERIFY2(se.ok(), se.message.c_str());
        const Spread sp = spread(risks);
        qDebug() << phase << "ERM" << sp.mean << "±" << sp.standardError << "SE" << se.excessRisk;
        QVERIFY2(std::abs(sp.mean - se.excessRisk) < 2 * sp.standardError + 0.15 * se.excessRisk,
            qPrintable(QString("ERM %1 ± %2 vs SE %3").arg(sp.mean).arg(sp.standardError).arg(se.excessRisk)));
    }
};

QTEST_APPLESS_MAIN(TestNoiselessErm)
#include "test_noiseless_erm.moc"
