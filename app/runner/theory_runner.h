// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "app/runner/restartable_worker.h"
#include "core/common/cancel_token.h"

#include <Eigen/Dense>
#include <QVector>

namespace sl::app {

// What the theory says about one experiment, for the GUI's overlays: the teacher's spectrum, the state-evolution
// prediction at the experiment's point (risk and the spectrum of the trained weights,
// docs/theory/state-evolution.md §1, docs/theory/spectra.md §1), and the state-evolution risk curve over an n_eff range
// (docs/theory/state-evolution.md §9, "non-asymptotic SE" at the same finite d).
struct TheoryOverlay {
    ExperimentConfig config;  // what it was computed for (the request, as given)
    QString configHash;  // config.hash()
    double curveNEffMin = 0, curveNEffMax = 0;  // the range the curve was asked to span
    Eigen::VectorXd teacherSpectrum;  // s_i (quadratic) or |θ*_i| (diagonal), descending
    bool pointConverged = false;
    QString pointMessage;
    double predictedRisk = 0;  // test excess risk (2·E_mat quadratic, R diagonal)
    double delta = 0, epsilon = 0, threshold = 0;
    Eigen::VectorXd predictedSpectrum;  // samples of the SE law of the trained weights' spectrum
    double predictedWeightAtZero = 0;
    QVector<double> curveNEff, curveRisk;  // converged curve points only
    // The Bayes-optimal reference at the curve's n_eff (docs/theory/noiseless-and-lambda.md §4): its state evolution
    // for the diagonal model (same teacher as the SE curve), or, with curveBayesRateOnly, the rate of Corollary 1
    // without constant for the quadratic model.
    QVector<double> curveBayesNEff, curveBayesRisk;
    bool curveBayesRateOnly = false;
    QString curveMessage;
};

// A Mandelbrot-style worker (Qt's threads example; the loop is RestartableWorker's): request() copies the request
// under a lock and wakes the thread; a newer request abandons the one in progress; destruction aborts and joins.
class TheoryRunner : public RestartableWorker {
    Q_OBJECT

public:
    explicit TheoryRunner(QObject* parent = nullptr);
    ~TheoryRunner() override;

    // The curve spans [nEffMin, nEffMax] with `points` log-spaced points; points = 0 computes no curve.
    void request(const ExperimentConfig& config, double nEffMin, double nEffMax, int points = 24);

    // The overlay for one request, computed on the calling thread (tests and the CLI's render use it).
    static TheoryOverlay compute(const ExperimentConfig& config, double nEffMin, double nEffMax, int points,
        const sl::CancelToken& cancel = sl::CancelToken{});

signals:
    void overlayReady(const sl::app::TheoryOverlay& overlay);

protected:
    void takeRequestLocked() override;
    void work(const sl::CancelToken& token) override;

private:
    struct Request {
        ExperimentConfig config;
        double nEffMin = 1, nEffMax = 100;
        int points = 0;
    };
    Request m_request;  // the newest, under m_mutex
    Request m_taken;  // the round in progress (worker thread only)
};

}  // namespace sl::app

Q_DECLARE_METATYPE(sl::app::TheoryOverlay)
