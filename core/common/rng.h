// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <random>

namespace sl {

// Seeded random numbers that are bit-identical for a seed on every standard library: the engine is
// std::mt19937_64 (fully specified by the standard), but std::normal_distribution is not, so the
// Gaussian sampler is our own (Marsaglia's polar method).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_engine(seed) { }

    // Uniform in the open interval (0, 1).
    double uniform();
    double normal();
    // +1 or -1 with equal probability.
    double sign();
    Eigen::MatrixXd normalMatrix(Eigen::Index rows, Eigen::Index cols);
    Eigen::VectorXd normalVector(Eigen::Index size);
    // An independent stream derived from this one (for per-seed or per-thread work).
    std::uint64_t nextSeed() { return m_engine(); }

private:
    std::mt19937_64 m_engine;
    bool m_hasSpare = false;
    double m_spare = 0.0;
};

}  // namespace sl
