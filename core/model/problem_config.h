// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/model_kind.h"

#include <cstdint>
#include <string>

namespace sl {

// How the diagonal teacher's amplitudes are drawn (docs/theory/models.md §2, §6): Gaussian θ*_i = √d i^-γ g_i is the
// paper's (read) choice; Deterministic |θ*_i| = √d i^-γ with random signs is (inferred), for
// smooth curves. The quadratic teacher's spectrum is deterministic either way (only its eigenbasis is random).
enum class TeacherAmplitudes { Gaussian, Deterministic };

// ModelKind's toString/fromString are in core/common/model_kind.h.
const char* toString(TeacherAmplitudes amplitudes);
// Inverse of toString ("gaussian"/"deterministic"); false for an unknown name.
bool fromString(const std::string& name, TeacherAmplitudes& out);

// Everything that defines one teacher-student problem instance (docs/theory/models.md §1). Defaults are illustrative.
struct ProblemConfig {
    ModelKind model = ModelKind::Quadratic;
    int dimension = 50;  // d
    int width = 0;  // p, quadratic only; 0 means p = d (always wide enough, docs/theory/convex.md §3)
    long long samples = 500;  // n
    double weightDecay = 1.0;  // λ
    double gamma = 1.0;  // γ > 1/2, teacher power-law exponent
    double noise = 0.5;  // Δ, the label-noise variance
    TeacherAmplitudes amplitudes = TeacherAmplitudes::Gaussian;
    std::uint64_t seed = 1;

    // Throws sl::ValidationError naming the first bad parameter.
    void validate() const;
    int effectiveWidth() const { return width > 0 ? width : dimension; }
    // n_eff = n/d (quadratic) or n (diagonal), docs/theory/models.md §5.
    double nEff() const;
    // The n that gives n_eff (rounded, at least 1), docs/theory/models.md §5.
    static long long samplesForNEff(ModelKind model, int dimension, double nEff);
};

}  // namespace sl
