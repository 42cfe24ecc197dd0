// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/teacher.h"

#include <cmath>

namespace sl {

double Teacher::riskAtZero() const
{
    // Both are (1/d)‖spectrum‖²: Q* = (1/d)Σ s_i² (docs/theory/models.md §3) and R(0) = (1/d)‖θ*‖²
    // (docs/theory/models.md §2).
    return spectrum.squaredNorm() / double(spectrum.size());
}

Teacher makeTeacher(const ProblemConfig& config, Rng& rng)
{
    const int d = config.dimension;
    Teacher teacher;
    teacher.model = config.model;
    if (config.model == ModelKind::Quadratic) {
        teacher.spectrum = powerLawSpectrum(d, config.gamma);
        // docs/theory/models.md §3: S* = O diag(s) Oᵀ with O Haar. QR of a Gaussian matrix gives a Haar Q only once the
        // signs of R's diagonal are fixed (Mezzadri 2007); Householder QR alone biases the signs of Q's columns.
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(rng.normalMatrix(d, d));
        Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(d, d);
        const Eigen::MatrixXd& r = qr.matrixQR();
        for (int j = 0; j < d; ++j)
            if (r(j, j) < 0)
                q.col(j) *= -1.0;
        teacher.rotation = std::move(q);
        teacher.matrix = teacher.rotation * teacher.spectrum.asDiagonal() * teacher.rotation.transpose();
        // Exactly symmetric, so later eigen-solvers and the closed-form risk see no round-off asymmetry.
        teacher.matrix = (0.5 * (teacher.matrix + teacher.matrix.transpose())).eval();
    } else {
        // docs/theory/models.md §2: θ*_i ~ N(0, d·i^-2γ) (read) or deterministic amplitudes with random signs
        // (inferred).
        teacher.spectrum.resize(d);
        const double sqrtD = std::sqrt(double(d));
        for (int i = 0; i < d; ++i) {
            const double amplitude = sqrtD * std::pow(double(i + 1), -config.gamma);
            const double draw = config.amplitudes == TeacherAmplitudes::Gaussian ? rng.normal() : rng.sign();
            teacher.spectrum(i) = amplitude * draw;
        }
    }
    return teacher;
}

}  // namespace sl
