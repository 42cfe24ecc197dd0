// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/problem_config.h"

#include "core/common/validation.h"

#include <algorithm>
#include <cmath>

namespace sl {

const char* toString(TeacherAmplitudes amplitudes)
{
    switch (amplitudes) {
    case TeacherAmplitudes::Gaussian: return "gaussian";
    case TeacherAmplitudes::Deterministic: return "deterministic";
    }
    return "unknown";
}

bool fromString(const std::string& name, TeacherAmplitudes& out)
{
    for (TeacherAmplitudes a : {TeacherAmplitudes::Gaussian, TeacherAmplitudes::Deterministic}) {
        if (name == toString(a)) {
            out = a;
            return true;
        }
    }
    return false;
}

void ProblemConfig::validate() const
{
    if (model != ModelKind::Quadratic && model != ModelKind::Diagonal)
        throw ValidationError("model", "must be quadratic or diagonal");
    requireAtLeast("dimension", dimension, 2);
    requireAtLeast("width", width, 0);  // 0 means p = d
    requireAtLeast("samples", samples, 1);
    requireNonNegative("weightDecay", weightDecay);
    requireFinite("gamma", gamma);
    if (!(gamma > 0.5))
        throw ValidationError("gamma", "must be > 1/2 (docs/theory/models.md §1) (got " + std::to_string(gamma) + ")");
    requireNonNegative("noise", noise);
    if (amplitudes != TeacherAmplitudes::Gaussian && amplitudes != TeacherAmplitudes::Deterministic)
        throw ValidationError("amplitudes", "must be gaussian or deterministic");
}

double ProblemConfig::nEff() const
{
    // docs/theory/models.md §5 (read, eq. 10).
    return model == ModelKind::Quadratic ? double(samples) / double(dimension) : double(samples);
}

long long ProblemConfig::samplesForNEff(ModelKind model, int dimension, double nEff)
{
    const double n = model == ModelKind::Quadratic ? nEff * double(dimension) : nEff;
    if (!std::isfinite(n))
        return 1;
    return std::max(1LL, std::llround(n));
}

}  // namespace sl
