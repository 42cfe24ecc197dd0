// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"

#include <Eigen/Dense>
#include <string>

namespace sl {

// The spectrum of trained weights, read as the paper's law ν = F·δ₀ + (continuous part) (arXiv:2509.24882,
// Result 2; docs/theory/spectra.md §8). A trained network never reaches exact zeros: the directions
// the penalty removed keep eigenvalues of 1e-15 … 1e-8 (rounding and the optimiser's tolerance). Values whose
// magnitude is at most relativeTolerance × the largest magnitude are those zeros: the point mass at 0, never log bins
// and never part of a tail fit. The tolerance (inferred, ours) sits far above the optimisers' residue (at 1e-9 the
// convex solver and L-BFGS put the same minimiser's bulk edge in different places) and far below any eigenvalue the
// theory puts in the continuous part (whose density near 0 is bounded, so a fraction ~1e-6 of it at most falls under
// the cut). The error decomposition uses the same rule.
inline constexpr double kRelativeZeroTolerance = 1e-6;

struct ZeroSplit {
    Eigen::VectorXd nonZero;  // the values above the threshold, in their original order
    int nZero = 0;  // values with |x| ≤ threshold
    double threshold = 0;  // relativeTolerance × max |x| (0 for an all-zero or empty input)
    double zeroFraction() const
    {
        return nZero + nonZero.size() > 0 ? double(nZero) / double(nZero + nonZero.size()) : 0;
    }
};

// Throws ValidationError for NaN/Inf values or a tolerance outside [0, 1).
ZeroSplit splitNumericalZeros(const Eigen::VectorXd& values, double relativeTolerance = kRelativeZeroTolerance);

// The tail fit of a trained spectrum, with the zeros and, where there is one, the noise bulk kept out of it.
// Rule (inferred, docs/theory/spectra.md §8): the Clauset fit runs on the non-zero values. If the spectral-phase rule
// reads it as heavy-tailed (a good fit covering at least half of them, no bulk under it: phases II, III, VIb), it
// stands. Otherwise, where a bulk edge is
// detected, it is refitted on the values above the edge only (the learned spikes, paper Result 2), and reported as
// too few when fewer than the fit's minimum remain: in the bulk+spikes phases (IV, VIa) an α fitted into the bulk
// would describe the noise, not the teacher.
struct TrainedSpectrumFit {
    ZeroSplit zeros;
    BulkEdge bulk;
    TailFit tail;
    bool aboveBulkEdge = false;  // the tail was restricted to the values above bulk.edge
};

TrainedSpectrumFit fitTrainedSpectrum(const Eigen::VectorXd& values, const TailFitConfig& config = {},
    const CancelToken& cancel = {}, double relativeTolerance = kRelativeZeroTolerance);

}  // namespace sl
