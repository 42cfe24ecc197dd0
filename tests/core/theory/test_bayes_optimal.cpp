// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/bayes_optimal.h"

#include "core/common/rng.h"
#include "core/common/validation.h"
#include "core/theory/lasso_fixed_point.h"

#include <Eigen/Cholesky>
#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>
#include <random>

namespace {

sl::BayesOptimalConfig config(sl::BayesPrior prior, int d, double alpha, double noise)
{
    sl::BayesOptimalConfig c;
    c.prior = prior;
    c.teacher = prior == sl::BayesPrior::Gaussian ? sl::lassoPowerLawVariances(d, 1.0)
                                                  : sl::lassoDeterministicAmplitudes(d, 1.0);
    c.alpha = alpha;
    c.noise = noise;
    return c;
}

}  // namespace

class TestBayesOptimal : public QObject {
    Q_OBJECT

private slots:
    // The tabulated binary-channel mmse against its own direct quadrature at points between the nodes.
    void tableMatchesQuadrature()
    {
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> exponent(-9.5, 3.5);
        for (int k = 0; k < 60; ++k) {
            const double s = std::pow(10.0, exponent(rng));
            const double table = sl::binaryChannelMmse(s), direct = sl::binaryChannelMmseQuadrature(s);
            QVERIFY2(std::abs(table - direct) <= 2e-7 * direct,
                qPrintable(QString("s %1: table %2 vs quadrature %3").arg(s).arg(table).arg(direct)));
        }
        // Limits: m(0) = 1, m(s) = 1 − s + O(s²), m → 0 faster than e^(−s/2)·poly.
        QCOMPARE(sl::binaryChannelMmse(0.0), 1.0);
        QVERIFY(std::abs(sl::binaryChannelMmse(1e-6) - (1 - 1e-6)) < 1e-11);
        QVERIFY(sl::binaryChannelMmse(200.0) < std::exp(-90.0));
        QVERIFY(sl::binaryChannelMmse(200.0) > 0);
    }

    // The Bayes-optimal risk at its fixed point δ, against an independent Monte Carlo of the posterior mean at
    // d = 400: draw θ* from the prior, z = θ* + δg, estimate with E[θ|z] (tanh or linear), average the squared
    // error. Within 2 standard errors of the replicates.
    void fixedPointRiskMatchesMonteCarlo_data()
    {
        QTest::addColumn<int>("prior");
        QTest::addColumn<double>("alpha");
        QTest::addColumn<double>("noise");
        QTest::newRow("signs/0.5/0.5") << int(sl::BayesPrior::RandomSigns) << 0.5 << 0.5;
        QTest::newRow("signs/0.1/0") << int(sl::BayesPrior::RandomSigns) << 0.1 << 0.0;
        QTest::newRow("gaussian/2/0.5") << int(sl::BayesPrior::Gaussian) << 2.0 << 0.5;
        QTest::newRow("gaussian/0.3/0") << int(sl::BayesPrior::Gaussian) << 0.3 << 0.0;
    }
    void fixedPointRiskMatchesMonteCarlo()
    {
        QFETCH(int, prior);
        QFETCH(double, alpha);
        QFETCH(double, noise);
        const auto p = sl::BayesPrior(prior);
        const int d = 400, replicates = 1000;
        const auto c = config(p, d, alpha, noise);
        const auto r = sl::solveBayesOptimal(c);
        QVERIFY2(r.ok(), r.message.c_str());
        QVERIFY(r.risk > 0 && r.delta > 0);
        QVERIFY(r.residual < 1e-10);
        sl::Rng rng(99);
        double sum = 0, sumSq = 0;
        for (int k = 0; k < replicates; ++k) {
            double err = 0;
            for (int i = 0; i < d; ++i) {
                const double theta = p == sl::BayesPrior::Gaussian ? std::sqrt(c.teacher[i]) * rng.normal()
                                                                   : c.teacher[i] * rng.sign();
                const double z = theta + r.delta * rng.normal();
                const double estimate = sl::bayesPosteriorMean(p, c.teacher[i], r.delta, z);
                err += (estimate - theta) * (estimate - theta);
            }
            err /= d;
            sum += err;
            sumSq += err * err;
        }
        const double mean = sum / replicates;
        const double se = std::sqrt((sumSq / replicates - mean * mean) / (replicates - 1));
        qDebug() << "R_BO" << r.risk << "Monte Carlo" << mean << "±" << se;
        QVERIFY2(std::abs(mean - r.risk) < 2 * se,
            qPrintable(QString("SE %1 vs Monte Carlo %2 ± %3").arg(r.risk).arg(mean).arg(se)));
    }

    // Gaussian prior: the posterior mean of y = Xθ*/√d + √Δξ is the generalised ridge estimator and its exact
    // mean-squared error given X is (1/d) Tr[(XᵀX/(dΔ) + V⁻¹)⁻¹]. Averaged over design draws at d = 400 it must
    // match the state evolution, up to the O(1/d) finite-size effect (measured: ≤ 0.1% at α ≥ 0.5).
    void gaussianFixedPointMatchesGeneralisedRidge()
    {
        const int d = 400, draws = 3;
        const double noise = 0.5;
        const Eigen::VectorXd v = sl::lassoPowerLawVariances(d, 1.0);
        for (const double alpha : {0.5, 2.0}) {
            const auto r = sl::solveBayesOptimal(config(sl::BayesPrior::Gaussian, d, alpha, noise));
            QVERIFY(r.ok());
            double sum = 0, sumSq = 0;
            for (int k = 0; k < draws; ++k) {
                sl::Rng rng(300 + k);
                const Eigen::MatrixXd x = rng.normalMatrix(int(alpha * d), d);
                Eigen::MatrixXd precision = x.transpose() * x / (d * noise);
                precision.diagonal() += v.cwiseInverse();
                const double risk = precision.llt().solve(Eigen::MatrixXd::Identity(d, d)).trace() / d;
                sum += risk;
                sumSq += risk * risk;
            }
            const double mean = sum / draws;
            const double se = std::sqrt(std::max(sumSq / draws - mean * mean, 0.0) / (draws - 1));
            qDebug() << "alpha" << alpha << "SE" << r.risk << "ridge" << mean << "±" << se;
            QVERIFY2(std::abs(mean - r.risk) < 2 * se + 2e-3 * r.risk,
                qPrintable(QString("SE %1 vs ridge %2 ± %3").arg(r.risk).arg(mean).arg(se)));
        }
    }

    // An independent finite-d check of the fixed point itself, for the non-Gaussian prior: Bayes-optimal AMP on
    // actual data y = Xθ*/√d + √Δξ at d = 400 (random signs, known amplitudes; posterior-mean denoiser per
    // coordinate, Onsager term, noise level estimated from the residual). Its final error, averaged over data
    // draws, must match R_BO within 2 standard errors plus 5% (AMP at finite d carries an O(1/√d) offset).
    void ampTracksTheFixedPoint()
    {
        const int d = 400, seeds = 16, iterations = 40;
        for (const double alpha : {0.5, 2.0}) {
            const double noise = 0.5;
            const auto c = config(sl::BayesPrior::RandomSigns, d, alpha, noise);
            const auto r = sl::solveBayesOptimal(c);
            QVERIFY(r.ok());
            const int n = int(alpha * d);
            std::vector<double> errors;
            for (int seed = 0; seed < seeds; ++seed) {
                sl::Rng rng(900 + seed);
                Eigen::VectorXd theta(d);
                for (int i = 0; i < d; ++i)
                    theta[i] = c.teacher[i] * rng.sign();
                const Eigen::MatrixXd x = rng.normalMatrix(n, d);
                const Eigen::VectorXd y = x * theta / std::sqrt(double(d)) + std::sqrt(noise) * rng.normalVector(n);
                // In θ units with Ã = X/√n: r = x̂ + Ãᵀz/√α is θ + δg with δ² = ‖z‖²/(nα).
                const Eigen::MatrixXd a = x / std::sqrt(double(n));
                Eigen::VectorXd estimate = Eigen::VectorXd::Zero(d), z = y, previousZ = Eigen::VectorXd::Zero(n);
                double onsager = 0;
                for (int t = 0; t < iterations; ++t) {
                    z = y - a * estimate * std::sqrt(alpha) + onsager * previousZ;
                    const double delta = std::sqrt(z.squaredNorm() / n / alpha);
                    const Eigen::VectorXd pseudo = estimate + a.transpose() * z / std::sqrt(alpha);
                    double derivative = 0;
                    for (int i = 0; i < d; ++i) {
                        const double ai = c.teacher[i], h = std::tanh(ai * pseudo[i] / (delta * delta));
                        estimate[i] = ai * h;
                        derivative += ai * ai / (delta * delta) * (1 - h * h);
                    }
                    onsager = derivative / d / alpha;
                    previousZ = z;
                }
                errors.push_back((estimate - theta).squaredNorm() / d);
            }
            double mean = 0, sq = 0;
            for (const double e : errors) {
                mean += e / seeds;
                sq += e * e / seeds;
            }
            const double se = std::sqrt(std::max(sq - mean * mean, 0.0) / (seeds - 1));
            qDebug() << "alpha" << alpha << "R_BO" << r.risk << "AMP" << mean << "±" << se;
            QVERIFY2(std::abs(mean - r.risk) < 2 * se + 0.05 * r.risk,
                qPrintable(QString("AMP %1 ± %2 vs SE %3").arg(mean).arg(se).arg(r.risk)));
        }
    }

    // The fixed point returned is the one the plain iteration δ² ← (Δ + R_BO(δ))/α reaches from the uninformed
    // start, also where several exist (random signs).
    void fixedPointIsTheOneReachedFromTheUninformedStart()
    {
        for (const auto p : {sl::BayesPrior::RandomSigns, sl::BayesPrior::Gaussian}) {
            for (const double noise : {0.0, 0.05, 0.5}) {
                for (const double alpha : {0.08, 0.15, 0.4, 1.5}) {
                    const auto c = config(p, 100, alpha, noise);
                    const auto r = sl::solveBayesOptimal(c);
                    QVERIFY2(r.ok(), r.message.c_str());
                    double x
                        = (noise + (p == sl::BayesPrior::Gaussian ? c.teacher.mean() : c.teacher.squaredNorm() / 100))
                        / alpha;
                    for (int k = 0; k < 20000; ++k) {
                        const double next = (noise + sl::bayesOptimalMmse(p, c.teacher, std::sqrt(x))) / alpha;
                        const bool settled = std::abs(next - x) <= 1e-14 * x;
                        x = next;
                        if (settled || x < 1e-14)
                            break;
                    }
                    const double iterated = alpha * x - noise;
                    QVERIFY2(std::abs(iterated - r.risk) <= 1e-6 * std::max(r.risk, 1e-3),
                        qPrintable(QString("%1 α %2 Δ %3: scan %4 vs iteration %5")
                                       .arg(sl::toString(p))
                                       .arg(alpha)
                                       .arg(noise)
                                       .arg(r.risk)
                                       .arg(iterated)));
                }
            }
        }
    }

    // Δ = 0, Gaussian prior: n ≥ d noiseless equations give exact recovery; below, R_BO > 0.
    void noiselessGaussianRecovery()
    {
        const auto above = sl::solveBayesOptimal(config(sl::BayesPrior::Gaussian, 200, 1.2, 0.0));
        QVERIFY(above.ok() && above.exactRecovery);
        QCOMPARE(above.risk, 0.0);
        const auto below = sl::solveBayesOptimal(config(sl::BayesPrior::Gaussian, 200, 0.8, 0.0));
        QVERIFY(below.ok() && !below.exactRecovery && below.risk > 0);
    }

    // No estimator beats the Bayes-optimal one: the LASSO state evolution at any λ (same teacher, same Δ) has a
    // risk ≥ R_BO.
    void lassoNeverBeatsBayes()
    {
        const int d = 200;
        for (const auto mode : {sl::LassoTeacherMode::VarianceProfile, sl::LassoTeacherMode::Amplitudes}) {
            for (const double noise : {0.0, 0.5}) {
                for (const double alpha : {0.2, 1.0, 5.0}) {
                    const auto p = sl::bayesPriorFor(mode);
                    const auto bo = sl::solveBayesOptimal(config(p, d, alpha, noise));
                    QVERIFY(bo.ok());
                    for (const double lambda : {0.01, 0.1, 1.0, 10.0}) {
                        sl::LassoStateEvolutionConfig lc;
                        lc.teacher = config(p, d, alpha, noise).teacher;
                        lc.mode = mode;
                        lc.alpha = alpha;
                        lc.lambda = lambda;
                        lc.noise = noise;
                        const auto lasso = sl::solveLassoFixedPoint(lc);
                        QVERIFY(lasso.ok());
                        QVERIFY2(lasso.risk >= bo.risk * (1 - 1e-9),
                            qPrintable(QString("λ %1 α %2: LASSO %3 < BO %4")
                                           .arg(lambda)
                                           .arg(alpha)
                                           .arg(lasso.risk)
                                           .arg(bo.risk)));
                    }
                }
            }
        }
    }

    void cancelAndValidation()
    {
        const sl::CancelToken cancel;
        cancel.cancel();
        const auto cancelled = sl::solveBayesOptimal(config(sl::BayesPrior::RandomSigns, 50, 0.5, 0.5), cancel);
        QCOMPARE(cancelled.status, sl::Status::Cancelled);
        QCOMPARE(cancelled.risk, 0.0);
        auto bad = config(sl::BayesPrior::Gaussian, 10, 0.5, 0.5);
        bad.teacher[3] = -1;
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::solveBayesOptimal(bad));
        bad = config(sl::BayesPrior::Gaussian, 10, 0.0, 0.5);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::solveBayesOptimal(bad));
        bad = config(sl::BayesPrior::Gaussian, 10, 1.0, -0.5);
        QVERIFY_THROWS_EXCEPTION(sl::ValidationError, sl::solveBayesOptimal(bad));
    }
};

QTEST_APPLESS_MAIN(TestBayesOptimal)
#include "test_bayes_optimal.moc"
