// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/model/dataset.h"
#include "core/model/teacher.h"

#include <Eigen/Dense>

#include <vector>

namespace sl {

// The quadratic network in the canonical normalisation of docs/theory/models.md §3 (checked; identical to the authors'
// follow-up code):
//     ŷ(x) = (‖Wᵀx‖² − ‖W‖_F²)/√d,   W ∈ R^{d×p},   S = WWᵀ,
//     objective(W) = (1/d²) Σ_μ (y_μ − ŷ_μ)² + (λ/d) ‖W‖_F².
// Holds references to the data (which must outlive the net) and preallocated work buffers, so it is not
// thread-safe: use one net per thread.
class QuadraticNet {
public:
    QuadraticNet(const Dataset& data, double weightDecay);

    // Objective value; when gradient is non-null it is resized to d×p and overwritten with ∂objective/∂W.
    double objective(const Eigen::MatrixXd& W, Eigen::MatrixXd* gradient);
    // The same on views (the trainer's flat parameter vector); gradient must already be d×p.
    double objectiveAndGradient(const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd> gradient);
    // Objective without the gradient (one n×d×p product instead of two).
    double objectiveValue(const Eigen::Ref<const Eigen::MatrixXd>& W);
    // The data term (1/d²) Σ_μ (y_μ − ŷ_μ)² alone.
    double dataLoss(const Eigen::Ref<const Eigen::MatrixXd>& W);
    // ŷ_μ for every row of X.
    Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd>& W);

    int dimension() const { return int(m_x.cols()); }
    long long samples() const { return m_x.rows(); }
    double weightDecay() const { return m_weightDecay; }

private:
    // Runs the hot path over fixed row blocks of X: m_xw = XW, m_residual = y − ŷ and, when gradient is non-null,
    // the per-block partial products X_bᵀ diag(r_b) X_b W summed into *gradient in block order. Returns Σ r².
    // The blocks depend on n only, never on the thread count, so results are bit-identical with or without
    // OpenMP; with it, blocks run in parallel (one block, n < 2048, stays on the calling thread) (each block's products
    // single-threaded), which avoids Eigen's threaded GEMM for Xᵀ·M: with a long inner dimension it synchronises per
    // panel and collapses on a shared, oversubscribed machine.
    // When the products are large enough for the BLAS (core/common/dense_products.h), evaluateBlocksBlas does the
    // same work instead, in cache-sized row blocks split into lanes: one lane per thread the BLAS would have used,
    // each lane's blocks in order on its own thread with single-threaded products (the lanes register as
    // ParallelWorkers, so the BLAS's pool and the lanes never multiply), the lanes' partial sums added in lane
    // order. Where d < 2p it accumulates the weighted Gram matrix Xᵀ diag(r) X by syrk updates
    // (blasWeightedGramLower) and multiplies it by W once: n·d² + 2d²p flops instead of 2ndp for the gradient's
    // second product. Where p ≥ d its forward pass is X·Rᵀ, a triangular product (n·d² flops instead of 2ndp), with
    // R the triangular factor of Wᵀ = QR.
    double evaluateBlocks(const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd>* gradient);
    double evaluateBlocksBlas(
        const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd>* gradient, double offset);
    // Σ r² without the gradient.
    double forward(const Eigen::Ref<const Eigen::MatrixXd>& W);
    // Resizes the buffers for width p (no-op when unchanged).
    void prepare(Eigen::Index p);

    const Eigen::MatrixXd& m_x;
    const Eigen::VectorXd& m_y;
    double m_weightDecay;
    double m_sqrtD;
    Eigen::Index m_blockCount;
    // One lane of the BLAS path: its block's XW (rows×p) or, where p ≥ d, XRᵀ (rows×d; Wᵀ = QR), its partial Xᵀ diag(r)
    // X (d×d) or Xᵀ diag(r) XW (d×p), its gathered rows and its partial Σ r², Σ r.
    struct BlasLane {
        Eigen::MatrixXd xw;
        Eigen::MatrixXd accumulator;
        Eigen::MatrixXd plus, minus;
        double sumSquares = 0;
        double sum = 0;
    };

    Eigen::MatrixXd m_xw;  // n×p (Eigen path): XW, then diag(r)·XW
    Eigen::VectorXd m_residual;  // n
    Eigen::MatrixXd m_partials;  // d×(p·blocks): X_bᵀ diag(r_b) X_b W per block
    Eigen::MatrixXd m_gram;  // d×d, BLAS path with d < 2p: Xᵀ diag(r) X, accumulated over the blocks
    std::vector<BlasLane> m_lanes;  // BLAS path
    Eigen::HouseholderQR<Eigen::MatrixXd> m_weightsQr;  // BLAS path with p ≥ d: Wᵀ = QR, so that ‖Wᵀx‖ = ‖Rx‖
    Eigen::VectorXd m_blockSquares;  // Σ_b r² per block
    Eigen::VectorXd m_blockSums;  // Σ_b r per block
    double m_residualSum = 0;  // Σ r of the last evaluation
};

// The flops one evaluation performs on QuadraticNet's BLAS path (large problems) for n samples, d inputs and width p:
// the forward pass (X·Rᵀ after a QR of Wᵀ, nd² + 2d²(p − d/3), or X·W, 2ndp) and, with the gradient, its second
// product (the weighted Gram matrix and its product with W, nd² + 2d²p, or Xᵀ·(diag(r)XW), 2ndp), chosen as the net
// chooses them. Leaves out the O(nd) passes. The benchmark reports the rate of these flops.
double quadraticNetBlasFlops(Eigen::Index n, Eigen::Index d, Eigen::Index p, bool withGradient);

// E_mat = (1/d)‖S − S*‖_F² (docs/theory/models.md §4), closed form. The test excess risk E_x(f − f*)² is 2·E_mat,
// because Var(xᵀAx) = 2‖A‖_F² for symmetric A and Gaussian x (docs/theory/models.md §4, inferred).
double matrixMse(const Eigen::MatrixXd& S, const Teacher& teacher);

}  // namespace sl
