// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/dense_products.h"

#include <atomic>
#include <cassert>
#include <cmath>
#include <cstring>
#include <vector>

extern "C" {
#include <cblas.h>
}

namespace sl {

namespace {

std::atomic<DenseBackend> g_backend{DenseBackend::Automatic};

// The loops between the BLAS calls are plain loops over raw pointers, so that the compiler vectorises them for
// each clone's instruction set (Eigen's own packets are fixed by the compile flags, SSE2 in a portable build).
// Clang (the fuzz build), builds that already target AVX2 and sanitizer builds get one version: the clones' resolver
// runs while the program is relocated, before a sanitizer's runtime is up, and the instrumented resolver crashed the
// TSan build at start-up.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__AVX2__)                              \
    && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define SL_CLONED_FOR_X86_LEVELS __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SL_CLONED_FOR_X86_LEVELS
#endif

SL_CLONED_FOR_X86_LEVELS void addSquaredColumns(
    const double* m, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride, double* r)
{
    for (Eigen::Index j = 0; j < cols; ++j) {
        const double* column = m + j * stride;
        for (Eigen::Index i = 0; i < rows; ++i)
            r[i] += column[i] * column[i];
    }
}

// to[k] = scale[k]·from[rows[k]] for k < count.
SL_CLONED_FOR_X86_LEVELS void gatherScaled(
    const double* from, const Eigen::Index* rows, const double* scale, Eigen::Index count, double* to)
{
    for (Eigen::Index k = 0; k < count; ++k)
        to[k] = scale[k] * from[rows[k]];
}

constexpr Eigen::Index kBlasMinDimension = 16;
constexpr double kBlasMinVolume = double(1 << 18);

}  // namespace

void setDenseBackend(DenseBackend backend)
{
    g_backend.store(backend, std::memory_order_relaxed);
}

DenseBackend denseBackend()
{
    return g_backend.load(std::memory_order_relaxed);
}

const char* toString(DenseBackend backend)
{
    switch (backend) {
    case DenseBackend::Automatic: return "automatic";
    case DenseBackend::Eigen: return "eigen";
    case DenseBackend::Blas: return "blas";
    }
    return "?";
}

bool useBlasProduct(Eigen::Index rows, Eigen::Index cols, Eigen::Index inner)
{
    switch (denseBackend()) {
    case DenseBackend::Eigen: return false;
    case DenseBackend::Blas: return rows > 0 && cols > 0 && inner > 0;
    case DenseBackend::Automatic: break;
    }
    return rows >= kBlasMinDimension && cols >= kBlasMinDimension && inner >= kBlasMinDimension
        && double(rows) * double(cols) * double(inner) >= kBlasMinVolume;
}

void blasGemm(bool transposeA, bool transposeB, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& A,
    const Eigen::Ref<const Eigen::MatrixXd>& B, double beta, Eigen::Ref<Eigen::MatrixXd> C)
{
    const Eigen::Index m = transposeA ? A.cols() : A.rows(), k = transposeA ? A.rows() : A.cols();
    const Eigen::Index n = transposeB ? B.rows() : B.cols();
    assert((transposeB ? B.cols() : B.rows()) == k && C.rows() == m && C.cols() == n);
    if (m == 0 || n == 0)
        return;
    if (k == 0) {
        // BLAS leaves C alone when k = 0 only if beta = 1; be explicit.
        C *= beta;
        return;
    }
    cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, int(m),
        int(n), int(k), alpha, A.data(), int(std::max<Eigen::Index>(1, A.outerStride())), B.data(),
        int(std::max<Eigen::Index>(1, B.outerStride())), beta, C.data(),
        int(std::max<Eigen::Index>(1, C.outerStride())));
}

void blasSyrkLowerTransposed(
    double alpha, const Eigen::Ref<const Eigen::MatrixXd>& A, double beta, Eigen::Ref<Eigen::MatrixXd> C)
{
    assert(C.rows() == A.cols() && C.cols() == A.cols());
    if (C.rows() == 0)
        return;
    if (A.rows() == 0) {
        C.triangularView<Eigen::Lower>() = beta * C;
        return;
    }
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, int(A.cols()), int(A.rows()), alpha, A.data(),
        int(std::max<Eigen::Index>(1, A.outerStride())), beta, C.data(),
        int(std::max<Eigen::Index>(1, C.outerStride())));
}

void blasWeightedGramLower(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& r,
    double alpha, double beta, Eigen::Ref<Eigen::MatrixXd> C, Eigen::MatrixXd& plus, Eigen::MatrixXd& minus)
{
    assert(r.size() == X.rows());
    const Eigen::Index n = X.rows(), d = X.cols();
    // The rows' split and scale depend on r alone: found once, so the column loop below is a branch-free gather. A
    // per-element sign test (mispredicted about half the time once the residuals have both signs) and sqrt made the
    // gradient at d = p = 100, n = 20 000 take 29 ms instead of 20 ms (bench quadratic_gradient, 2026-12-01).
    thread_local std::vector<Eigen::Index> plusRows, minusRows;
    thread_local std::vector<double> plusScale, minusScale;
    plusRows.clear();
    minusRows.clear();
    plusScale.clear();
    minusScale.clear();
    for (Eigen::Index i = 0; i < n; ++i) {
        const double scale = std::sqrt(std::abs(r[i]));
        if (r[i] > 0) {
            plusRows.push_back(i);
            plusScale.push_back(scale);
        } else {
            minusRows.push_back(i);
            minusScale.push_back(scale);
        }
    }
    const auto positive = Eigen::Index(plusRows.size()), negative = Eigen::Index(minusRows.size());
    if (plus.rows() != positive || plus.cols() != d)
        plus.resize(positive, d);
    if (minus.rows() != negative || minus.cols() != d)
        minus.resize(negative, d);
    // Column by column: X is column-major, so each column is read from cache while it is gathered.
    for (Eigen::Index j = 0; j < d; ++j) {
        const double* x = X.col(j).data();
        double* toPlus = plus.col(j).data();
        double* toMinus = minus.col(j).data();
        gatherScaled(x, plusRows.data(), plusScale.data(), positive, toPlus);
        gatherScaled(x, minusRows.data(), minusScale.data(), negative, toMinus);
    }
    blasSyrkLowerTransposed(alpha, plus, beta, C);
    blasSyrkLowerTransposed(-alpha, minus, 1.0, C);
}

void blasTimesUpperTransposed(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::MatrixXd>& R,
    Eigen::Ref<Eigen::MatrixXd> Z)
{
    assert(R.rows() == R.cols() && X.cols() == R.rows() && Z.rows() == X.rows() && Z.cols() == X.cols());
    if (Z.size() == 0)
        return;
    // memcpy per column: glibc picks its copy loop for the CPU at run time, where Eigen's assignment is SSE2 in a
    // portable build (the d = p = 100 gradient took 4.9 against 5.5 ms, medians of 5 alternating pairs).
    for (Eigen::Index j = 0; j < X.cols(); ++j)
        std::memcpy(Z.col(j).data(), X.col(j).data(), sizeof(double) * std::size_t(X.rows()));
    cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, int(Z.rows()), int(Z.cols()), 1.0,
        R.data(), int(std::max<Eigen::Index>(1, R.outerStride())), Z.data(),
        int(std::max<Eigen::Index>(1, Z.outerStride())));
}

void accumulateRowSquaredNorms(const Eigen::Ref<const Eigen::MatrixXd>& M, Eigen::Ref<Eigen::VectorXd> r)
{
    assert(r.size() == M.rows());
    addSquaredColumns(M.data(), M.rows(), M.cols(), M.outerStride(), r.data());
}

void denseProduct(const Eigen::Ref<const Eigen::MatrixXd>& A, const Eigen::Ref<const Eigen::MatrixXd>& B,
    Eigen::Ref<Eigen::MatrixXd> C)
{
    if (useBlasProduct(A.rows(), B.cols(), A.cols()))
        blasGemm(false, false, 1.0, A, B, 0.0, C);
    else
        C.noalias() = A * B;
}

}  // namespace sl
