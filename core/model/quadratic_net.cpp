// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/quadratic_net.h"

#include "core/common/compute_threads.h"
#include "core/common/dense_products.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace sl {

namespace {

// Row blocks of about kBlockRows samples (at most kMaxBlocks): small enough that a block's XW stays in cache and
// that there are blocks for every thread, large enough that each block's products run at GEMM speed.
constexpr Eigen::Index kBlockRows = 1024;
constexpr Eigen::Index kMaxBlocks = 64;
// Row blocks of the BLAS path: run one after the other, each product on the BLAS's own threads. A block's XW
// (rows×p) and gathered rows (rows×d) take about kBlasBlockBytes each, so that the residual and the weighted Gram's
// gather, which run on one thread between the BLAS calls, read them from the core's own L2 cache rather than from
// the shared L3; at least kBlasMinBlockRows rows (below that a call's thread hand-off costs more than the cache
// saves), at most kBlasMaxBlockRows (small networks: fewer, larger calls). Measured alternately in one process on a
// 2-core AMD EPYC (1 MiB L2 per core, OpenBLAS 0.3.21), 20 passes each, medians of 9: at d = p = 100, n = 20 000 one
// pass took 18.6 ms with 1024 rows, 18.5 with 2048 and 20.0 with 4096; at d = p = 200, n = 40 000, 115.5 ms with
// 512, 116.0 with 1024 and 121.8 with 4096.
constexpr double kBlasBlockBytes = double(1 << 20);
constexpr Eigen::Index kBlasMinBlockRows = 512;
constexpr Eigen::Index kBlasMaxBlockRows = 4096;

Eigen::Index blasBlockRows(Eigen::Index n, Eigen::Index d, Eigen::Index p)
{
    const double width = double(std::max<Eigen::Index>({d, p, 1}));
    const auto rows = Eigen::Index(kBlasBlockBytes / (sizeof(double) * width));
    return std::min(n, std::clamp(rows, kBlasMinBlockRows, kBlasMaxBlockRows));
}

// Whether the BLAS path forms the gradient's Xᵀ diag(r) X W as (Xᵀ diag(r) X)·W, the weighted Gram matrix by two
// syrk updates (n·d² flops) and one d×d·d×p product (2d²p), rather than as Xᵀ·(diag(r)XW) (2ndp): fewer flops
// whenever d < 2p (less a small n-dependent margin), which covers the paper's p ≥ d networks.
bool gradientThroughWeightedGram(Eigen::Index n, Eigen::Index d, Eigen::Index p)
{
    return double(n) * d * d + 2.0 * d * d * p < 2.0 * double(n) * d * p;
}

// Whether the BLAS path's forward pass is X·Rᵀ with Wᵀ = QR (see evaluateBlocksBlas): where p ≥ d, unless the
// gradient is formed as Xᵀ·(diag(r)XW), which needs XW itself.
bool forwardThroughTriangularFactor(Eigen::Index n, Eigen::Index d, Eigen::Index p, bool withGradient)
{
    return p >= d && (!withGradient || gradientThroughWeightedGram(n, d, p));
}

Eigen::Index blockStart(Eigen::Index block, Eigen::Index blocks, Eigen::Index n)
{
    return block * n / blocks;
}

}  // namespace

QuadraticNet::QuadraticNet(const Dataset& data, double weightDecay)
    : m_x(data.X),
      m_y(data.y),
      m_weightDecay(weightDecay),
      m_sqrtD(std::sqrt(double(data.X.cols()))),
      m_blockCount(std::clamp<Eigen::Index>(data.X.rows() / kBlockRows, 1, kMaxBlocks)),
      m_residual(data.X.rows()),
      m_blockSquares(m_blockCount),
      m_blockSums(m_blockCount)
{
}

void QuadraticNet::prepare(Eigen::Index p)
{
    if (m_xw.rows() != m_x.rows() || m_xw.cols() != p)
        m_xw.resize(m_x.rows(), p);
    if (m_partials.cols() != p * m_blockCount)
        m_partials.resize(m_x.cols(), p * m_blockCount);
}

double QuadraticNet::evaluateBlocks(const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd>* gradient)
{
    const Eigen::Index n = m_x.rows(), p = W.cols(), blocks = m_blockCount;
    const double offset = W.squaredNorm();
    const double invSqrtD = 1.0 / m_sqrtD;
    const bool withGradient = gradient != nullptr;
    if (useBlasProduct(blasBlockRows(n, m_x.cols(), p), p, m_x.cols()))
        return evaluateBlocksBlas(W, gradient, offset);
    prepare(p);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (blocks > 1)
#endif
    for (Eigen::Index b = 0; b < blocks; ++b) {
        const Eigen::Index start = blockStart(b, blocks, n), rows = blockStart(b + 1, blocks, n) - start;
        const auto x = m_x.middleRows(start, rows);
        auto xw = m_xw.middleRows(start, rows);
        auto r = m_residual.segment(start, rows);
        // First of the two n×d×p products of the hot path.
        xw.noalias() = x * W;
        // ‖Wᵀx_μ‖² column by column: contiguous, vectorised, no temporaries (m_xw is column-major).
        r.setZero();
        for (Eigen::Index j = 0; j < p; ++j)
            r.array() += xw.col(j).array().square();
        // r = y − ŷ with ŷ = (‖Wᵀx‖² − ‖W‖_F²)/√d (docs/theory/models.md §3).
        r.array() = m_y.segment(start, rows).array() - (r.array() - offset) * invSqrtD;
        m_blockSquares(b) = r.squaredNorm();
        m_blockSums(b) = r.sum();
        if (withGradient) {
            xw.array().colwise() *= r.array();
            // Second product, this block's share of Xᵀ diag(r) X W.
            m_partials.middleCols(b * p, p).noalias() = x.transpose() * xw;
        }
    }
    if (withGradient) {
        *gradient = m_partials.leftCols(p);
        for (Eigen::Index b = 1; b < blocks; ++b)
            *gradient += m_partials.middleCols(b * p, p);
    }
    m_residualSum = m_blockSums.sum();
    return m_blockSquares.sum();
}

double QuadraticNet::evaluateBlocksBlas(
    const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd>* gradient, double offset)
{
    const Eigen::Index n = m_x.rows(), d = m_x.cols(), p = W.cols();
    const Eigen::Index blockRows = blasBlockRows(n, d, p);
    const Eigen::Index blocks = std::max<Eigen::Index>(1, (n + blockRows - 1) / std::max<Eigen::Index>(1, blockRows));
    const bool throughGram = gradient && gradientThroughWeightedGram(n, d, p);
    // Where p ≥ d the forward pass needs ‖Wᵀx_μ‖² only (the Gram path does not use XW), and with Wᵀ = QR (Householder,
    // R d×d upper triangular) ‖Wᵀx‖ = ‖Rx‖: one triangular product X·Rᵀ, n·d² flops, instead of X·W, 2n·d·p, for
    // 2d²(p − d/3) flops of QR once per evaluation. Householder QR is backward stable, so ‖Rx‖² carries the same
    // rounding as ‖Wᵀx‖² whatever W's rank (trained weights are often rank-deficient, which a Cholesky factor of WWᵀ
    // would not survive). Not where the gradient is formed as Xᵀ·(diag(r)XW) (n ≤ 2d at p = d), which needs XW.
    const bool throughFactor = forwardThroughTriangularFactor(n, d, p, gradient != nullptr);
    if (throughFactor)
        m_weightsQr.compute(W.transpose());
    const Eigen::Index forwardCols = throughFactor ? d : p;
    // As many lanes as the BLAS would have used threads (compute_threads.h: 1 inside a sweep's workers), each on its
    // own thread with single-threaded products. On the 2-core AMD EPYC of bench/RESULTS.md one objective+gradient at
    // d = p = 100, n = 20 000 took 18–20 ms in two lanes against 23–30 ms with OpenBLAS's two threads per product
    // (medians of 9, alternating in one process): between the products the residual and the gather ran on one
    // thread while OpenBLAS's other thread spun.
    const int lanes = int(std::min<Eigen::Index>(blocks, std::max(1, blasThreads())));
    if (int(m_lanes.size()) != lanes)
        m_lanes.resize(std::size_t(lanes));
    for (BlasLane& lane : m_lanes) {
        if (lane.xw.rows() != blockRows || lane.xw.cols() != forwardCols)
            lane.xw.resize(blockRows, forwardCols);
        const Eigen::Index accumulatorCols = throughGram ? d : p;
        if (gradient && (lane.accumulator.rows() != d || lane.accumulator.cols() != accumulatorCols))
            lane.accumulator.resize(d, accumulatorCols);
    }
    const double invSqrtD = 1.0 / m_sqrtD;
    // Lane k runs blocks [k·blocks/lanes, (k+1)·blocks/lanes) in order; the lanes' sums are added in lane order, so
    // the result depends on the lane count (the BLAS's thread count) by rounding only, as the BLAS's own threaded
    // products would.
    auto runLane = [&](int laneIndex) {
        BlasLane& lane = m_lanes[std::size_t(laneIndex)];
        lane.sumSquares = 0;
        lane.sum = 0;
        const Eigen::Index first = laneIndex * blocks / lanes, last = (laneIndex + 1) * blocks / lanes;
        for (Eigen::Index b = first; b < last; ++b) {
            const Eigen::Index start = blockStart(b, blocks, n), rows = blockStart(b + 1, blocks, n) - start;
            const auto x = m_x.middleRows(start, rows);
            auto xw = lane.xw.topRows(rows);
            auto r = m_residual.segment(start, rows);
            if (throughFactor)
                blasTimesUpperTransposed(x, m_weightsQr.matrixQR().topRows(d), xw);
            else
                blasGemm(false, false, 1.0, x, W, 0.0, xw);
            r.setZero();
            accumulateRowSquaredNorms(xw, r);
            r.array() = m_y.segment(start, rows).array() - (r.array() - offset) * invSqrtD;
            lane.sumSquares += r.squaredNorm();
            lane.sum += r.sum();
            const double beta = b == first ? 0.0 : 1.0;
            if (throughGram) {
                blasWeightedGramLower(x, r, 1.0, beta, lane.accumulator, lane.plus, lane.minus);
            } else if (gradient) {
                xw.array().colwise() *= r.array();
                blasGemm(true, false, 1.0, x, xw, beta, lane.accumulator);
            }
        }
    };
    // With more than one lane, the lanes register as parallel workers for the whole evaluation, the reduction and
    // the Gram matrix's product with W included: OpenBLAS's pool drops to one thread, so every product runs on its
    // lane's own thread and the lanes never multiply the BLAS's threads. A two-threaded product between
    // evaluations woke OpenBLAS's second thread, which then spun (sched_yield) through the next evaluation's lanes:
    // 11 % of the samples of perf at d = p = 100.
    std::optional<ParallelWorkers> laneScope;
    if (lanes == 1) {
        runLane(0);
    } else {
        laneScope.emplace(lanes);
        std::vector<std::thread> helpers;
        helpers.reserve(std::size_t(lanes - 1));
        for (int lane = 1; lane < lanes; ++lane) {
            try {
                helpers.emplace_back(runLane, lane);
            } catch (const std::system_error&) {
                runLane(lane);  // no thread to be had: this one runs it
            }
        }
        runLane(0);
        for (std::thread& helper : helpers)
            helper.join();
    }
    double sumSquares = 0, sum = 0;
    for (const BlasLane& lane : m_lanes) {
        sumSquares += lane.sumSquares;
        sum += lane.sum;
    }
    if (throughGram) {
        m_gram = m_lanes.front().accumulator;
        for (std::size_t lane = 1; lane < m_lanes.size(); ++lane)
            m_gram.triangularView<Eigen::Lower>() += m_lanes[lane].accumulator;
        m_gram.triangularView<Eigen::StrictlyUpper>() = m_gram.transpose().eval();
        denseProduct(m_gram, W, *gradient);
    } else if (gradient) {
        *gradient = m_lanes.front().accumulator;
        for (std::size_t lane = 1; lane < m_lanes.size(); ++lane)
            *gradient += m_lanes[lane].accumulator;
    }
    m_residualSum = sum;
    return sumSquares;
}

double QuadraticNet::forward(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    return evaluateBlocks(W, nullptr);
}

double QuadraticNet::objectiveAndGradient(
    const Eigen::Ref<const Eigen::MatrixXd>& W, Eigen::Ref<Eigen::MatrixXd> gradient)
{
    const double d = double(m_x.cols());
    const double sumSquares = evaluateBlocks(W, &gradient);
    // ∂ŷ_μ/∂W = 2(x_μx_μᵀ − I)W/√d, so
    // ∂objective/∂W = −(4/(d²√d)) [Xᵀ diag(r) X W − (Σ_μ r_μ) W] + (2λ/d) W.
    const double residualSum = m_residualSum;
    const double scale = 4.0 / (d * d * m_sqrtD);
    const double diagonal = scale * residualSum + 2.0 * m_weightDecay / d;
    gradient = -scale * gradient + diagonal * W;
    return sumSquares / (d * d) + m_weightDecay / d * W.squaredNorm();
}

double QuadraticNet::objective(const Eigen::MatrixXd& W, Eigen::MatrixXd* gradient)
{
    if (!gradient)
        return objectiveValue(W);
    gradient->resize(W.rows(), W.cols());
    return objectiveAndGradient(W, *gradient);
}

double QuadraticNet::objectiveValue(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    const double d = double(m_x.cols());
    return forward(W) / (d * d) + m_weightDecay / d * W.squaredNorm();
}

double QuadraticNet::dataLoss(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    const double d = double(m_x.cols());
    return forward(W) / (d * d);
}

Eigen::VectorXd QuadraticNet::predict(const Eigen::Ref<const Eigen::MatrixXd>& W)
{
    forward(W);
    return m_y - m_residual;
}

double quadraticNetBlasFlops(Eigen::Index n, Eigen::Index d, Eigen::Index p, bool withGradient)
{
    const double rows = double(n), cols = double(d), width = double(p);
    const double forward = forwardThroughTriangularFactor(n, d, p, withGradient)
        ? rows * cols * cols + 2 * cols * cols * (width - cols / 3)
        : 2 * rows * cols * width;
    if (!withGradient)
        return forward;
    const double backward
        = gradientThroughWeightedGram(n, d, p) ? rows * cols * cols + 2 * cols * cols * width : 2 * rows * cols * width;
    return forward + backward;
}

double matrixMse(const Eigen::MatrixXd& S, const Teacher& teacher)
{
    // docs/theory/models.md §4: E_mat = (1/d)‖Ŝ − S*‖_F² = Q* − 2m + q.
    return (S - teacher.matrix).squaredNorm() / double(teacher.matrix.rows());
}

}  // namespace sl
