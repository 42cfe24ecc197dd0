// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/model/problem.h"
#include "core/train/train_config.h"

#include <Eigen/Dense>
#include <string>

namespace sl {

// What the observer sees every TrainConfig::snapshotInterval iterations (a copy; safe to hand to another thread).
struct TrainSnapshot {
    int iteration = 0;
    double objective = 0;
    double trainLoss = 0;  // the data term of the objective
    double excessRisk = 0;  // test excess risk: 2·E_mat (quadratic) or R (diagonal), closed form
    double gradientNorm = 0;
    Eigen::MatrixXd weights;  // W (d×p, quadratic) or [a w] (d×2, diagonal)
};

struct TrainResult : ResultStatus {
    TrainResult() : ResultStatus(Status::NotConverged) { }
    std::string stopReason;  // short: which test ended the run
    int evaluations = 0;  // objective+gradient evaluations, line-search trials included
    double trainLoss = 0;  // the data term: (1/d²)Σ(y−ŷ)² (quadratic) or (1/2)Σ(y−f)² (diagonal)
    double objective = 0;  // data term + weight decay
    // Test excess risk: 2·E_mat (quadratic, docs/theory/models.md §4) or R = (1/d)‖θ−θ*‖² (diagonal).
    double excessRisk = 0;
    double matrixMse = 0;  // E_mat = (1/d)‖S−S*‖_F² (the follow-up code's "mse"); NaN for the diagonal model
    double gradientNorm = 0;
    Eigen::MatrixXd W;  // quadratic: W (d×p); diagonal: [a w] (d×2), the warm-start format
    Eigen::VectorXd a, w, theta;  // diagonal only: layers and θ = a⊙w
    Eigen::MatrixXd S;  // quadratic only: S = WWᵀ
};

// Empirical risk minimisation of the problem's student network (docs/theory/models.md §1, §7).
class Trainer {
public:
    // Trains from the deterministic initialisation W_ij ~ N(0, initScale²/d), drawn from a seed derived from
    // problem.config.seed (independent of the teacher and data streams).
    // Throws sl::ValidationError for an invalid problem or config, before any work; every other outcome
    // (divergence, cancellation, line-search failure, iteration limit) is a Status in the result.
    static TrainResult run(const Problem& problem, const TrainConfig& config,
        const Observer<TrainSnapshot>& observer = {}, const CancelToken& cancel = CancelToken{});
    // Warm start from initial: W (d×p) for the quadratic model, [a w] (d×2) for the diagonal one. (A separate name,
    // not an overload of run(), so an Eigen expression is never mistaken for an observer.)
    static TrainResult runFrom(const Problem& problem, const TrainConfig& config, const Eigen::MatrixXd& initial,
        const Observer<TrainSnapshot>& observer = {}, const CancelToken& cancel = CancelToken{});
    // The initialisation run() uses without a warm start.
    static Eigen::MatrixXd initialWeights(const Problem& problem, const TrainConfig& config);
};

}  // namespace sl
