// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/dense_products.h"

#include <atomic>
#include <cassert>
#include <cmath>

extern "C" {
#include <cblas.h>
}

namespace sl {

namespace {

std::atomic<DenseBackend> g_backend{DenseBackend::Automatic};

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
    Eigen::Index positive = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        positive += r[i] > 0;
    if (plus.rows() != positive || plus.cols() != d)
        plus.resize(positive, d);
    if (minus.rows() != n - positive || minus.cols() != d)
        minus.resize(n - positive, d);
    // Column by column: X is column-major, so each column is read once, contiguously.
    for (Eigen::Index j = 0; j < d; ++j) {
        const double* x = X.col(j).data();
        double* toPlus = plus.col(j).data();
        double* toMinus = minus.col(j).data();
        for (Eigen::Index i = 0; i < n; ++i) {
            const double scaled = std::sqrt(std::abs(r[i])) * x[i];
            if (r[i] > 0)
                *toPlus++ = scaled;
            else
                *toMinus++ = scaled;
        }
    }
    blasSyrkLowerTransposed(alpha, plus, beta, C);
    blasSyrkLowerTransposed(-alpha, minus, 1.0, C);
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
