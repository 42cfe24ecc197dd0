// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/spectrum/trained_spectrum.h"

#include "core/common/validation.h"

#include <cmath>
#include <sstream>
#include <vector>

namespace sl {

ZeroSplit splitNumericalZeros(const Eigen::VectorXd& values, double relativeTolerance)
{
    if (!(relativeTolerance >= 0 && relativeTolerance < 1))
        throw ValidationError("relativeTolerance", "must be in [0, 1)");
    if (!values.allFinite())
        throw ValidationError("values", "contain NaN or infinite entries");
    ZeroSplit out;
    const double largest = values.size() > 0 ? values.cwiseAbs().maxCoeff() : 0.0;
    out.threshold = relativeTolerance * largest;
    std::vector<double> kept;
    kept.reserve(std::size_t(values.size()));
    for (const double v : values) {
        if (largest > 0 && std::abs(v) > out.threshold)
            kept.push_back(v);
        else
            ++out.nZero;
    }
    out.nonZero = Eigen::Map<const Eigen::VectorXd>(kept.data(), Eigen::Index(kept.size()));
    return out;
}

TrainedSpectrumFit fitTrainedSpectrum(
    const Eigen::VectorXd& values, const TailFitConfig& config, const CancelToken& cancel, double relativeTolerance)
{
    TrainedSpectrumFit out;
    out.zeros = splitNumericalZeros(values, relativeTolerance);
    BulkEdgeConfig bulkConfig;
    bulkConfig.zeroTolerance = out.zeros.threshold;
    out.bulk = detectBulkEdge(out.zeros.nonZero, bulkConfig);

    const TailFitter fitter(config);
    out.tail = fitter.run(out.zeros.nonZero, {}, cancel);
    // "A heavy tail with no bulk under it" is the spectral-phase rule's own test (classifySpectrum), not a twin.
    PhaseRuleConfig rule;
    rule.zeroTolerance = out.zeros.threshold;
    const bool heavyTail
        = classifySpectrum(out.zeros.nonZero, out.bulk, &out.tail, rule).phase == SpectralPhase::HeavyTailed;
    const bool intoBulk = out.bulk.status == Status::Converged && !(out.tail.xmin > out.bulk.edge);
    if (heavyTail || !intoBulk || cancel.isCancelled())
        return out;

    std::vector<double> spikes;
    for (const double v : out.zeros.nonZero)
        if (v > out.bulk.edge)
            spikes.push_back(v);
    out.aboveBulkEdge = true;
    const Eigen::Map<const Eigen::VectorXd> above(spikes.data(), Eigen::Index(spikes.size()));
    if (Eigen::Index(spikes.size()) < config.minTail) {
        TailFit none;
        none.status = Status::Invalid;
        none.nUsed = int(spikes.size());
        std::ostringstream msg;
        msg << "only " << spikes.size() << " eigenvalue" << (spikes.size() == 1 ? "" : "s") << " above the bulk edge "
            << out.bulk.edge << ", too few for a tail fit (need at least " << config.minTail
            << "); a fit into the bulk would describe the noise, not the learned features";
        none.message = msg.str();
        out.tail = none;
        return out;
    }
    out.tail = fitter.run(above, {}, cancel);
    return out;
}

}  // namespace sl
