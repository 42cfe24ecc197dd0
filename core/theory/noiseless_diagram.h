// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/common/observer.h"
#include "core/common/status.h"
#include "core/theory/se_point.h"

#include <string>
#include <vector>

namespace sl {

// The phase diagram of the noiseless task (Result 4 and Figure 4 of arXiv:2509.24882) built from the state
// evolution itself, since the paper's Δ = 0 table is not available (docs/theory/noiseless-and-lambda.md §1): on a
// log grid of (n_eff, λ) at fixed d, the SE risk and its local slope d log R / d log n_eff, next to the label and
// slope of the inferred closed-form Δ = 0 classifier (PhaseDiagram with noise = 0). Works for any Δ ≥ 0; the
// default is Δ = 0.
struct NoiselessDiagramConfig {
    StateEvolutionModel model = noiselessModel();
    double nEffMin = 1, nEffMax = 1e5;
    int nEffPoints = 25;
    double lambdaMin = 1e-3, lambdaMax = 1e3;
    int lambdaPoints = 25;
    // Worker threads, one λ column at a time each (every column is a warm-started walk along n_eff);
    // 0: std::thread::hardware_concurrency(). The result does not depend on the thread count.
    int threads = 0;

    void validate() const;  // throws sl::ValidationError naming the parameter

    static StateEvolutionModel noiselessModel()
    {
        StateEvolutionModel m;
        m.noise = 0;
        return m;
    }
};

struct NoiselessDiagramCell {
    double nEff = 0, lambda = 0;
    Status status = Status::Invalid;
    double risk = 0;  // SE excess risk (meaningful when status == Converged)
    // d log R / d log n_eff by central differences along the λ column (one-sided at the ends); NaN where a
    // neighbour failed or R = 0.
    double slope = 0;
    std::string phase;  // the inferred closed-form label (crossover included)
    double predictedSlope = 0;  // that label's exponent against n_eff
    // The local slope of the label's rate formula at this point: equal to predictedSlope except in IV at Δ = 0,
    // where (n_eff/log(d/n_eff))^(1−2γ) gives (1 − 2γ)(1 + 1/log(d/n_eff)) (inferred rate, exact derivative).
    double predictedLocalSlope = 0;
};

// Per closed-form label (crossovers excluded): how the SE slopes in its cells compare with its exponent.
struct NoiselessPhaseAgreement {
    std::string phase;
    int cells = 0;
    double predictedSlope = 0;
    double medianSlope = 0;  // median of the cells' SE slopes
    double medianAbsDeviation = 0;  // median |slope − predicted|
    double medianAbsDeviationLocal = 0;  // median |slope − predictedLocalSlope|
};

struct NoiselessDiagramProgress {
    int columnsDone = 0, columns = 0;
};

struct NoiselessDiagramResult : ResultStatus {
    // status: Converged when every cell converged
    std::vector<double> nEff, lambda;  // the grid axes
    // Row-major: cells[j * nEff.size() + i] is (nEff[i], lambda[j]). Empty when cancelled.
    std::vector<NoiselessDiagramCell> cells;
    std::vector<NoiselessPhaseAgreement> agreement;
    int failedCells = 0;
    double seconds = 0;
    const NoiselessDiagramCell& cell(std::size_t i, std::size_t j) const { return cells[j * nEff.size() + i]; }
};

// The observer is called after every finished λ column, from the worker that finished it, serialised by a mutex
// (so it need not be thread-safe, but must be quick and must not block on the calling thread). Cancellation stops
// every worker within one state-evolution solve; a cancelled result has status Cancelled and no cells.
NoiselessDiagramResult computeNoiselessDiagram(const NoiselessDiagramConfig& config,
    const Observer<NoiselessDiagramProgress>& observer = {}, const CancelToken& cancel = CancelToken());

}  // namespace sl
