// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>

namespace sl {

// Which engine runs the large dense products of the hot paths (the quadratic net's objective and gradient, the
// nuclear-norm solver's A and A*, the certificate's adjoint).
//
// The system BLAS (libblas.so.3, which Debian's alternatives point at OpenBLAS when libopenblas0-pthread is
// installed) picks its kernels at run time for the CPU it runs on, so a portable build (no -march=native) gets
// AVX2/AVX-512 kernels and OpenBLAS's threads; Eigen's kernels are fixed at compile time (SSE2 in a portable
// build). Automatic (the default) sends a product to the BLAS when it is large enough for that to pay (see
// useBlasProduct) and keeps Eigen for small ones, where a library call and its threads cost more than they save.
// Eigen and Blas force one engine for every product: for tests (the two must agree to rounding) and benchmarks.
enum class DenseBackend { Automatic, Eigen, Blas };

// Process-wide; not meant to be changed while products run on other threads (tests and benchmarks set it
// between runs).
void setDenseBackend(DenseBackend backend);
DenseBackend denseBackend();
const char* toString(DenseBackend backend);

// Whether a product C (rows×cols) = A (rows×inner) · B (inner×cols) goes to the BLAS under the current backend.
// Automatic: when every dimension is at least 16 and rows·cols·inner ≥ 2^18 (below that a call's overhead and
// OpenBLAS's thread start-up are comparable with the work; measured on this project's 2-core AVX2 machine, where
// OpenBLAS beat the portable build's Eigen kernels from d = p = 16 up).
bool useBlasProduct(Eigen::Index rows, Eigen::Index cols, Eigen::Index inner);

// C = alpha·op(A)·op(B) + beta·C through cblas_dgemm; op(M) = Mᵀ when the flag is set. Column-major views with any
// outer stride (middleRows, blocks). Dimensions must agree (checked with assert only: these are inner loops).
void blasGemm(bool transposeA, bool transposeB, double alpha, const Eigen::Ref<const Eigen::MatrixXd>& A,
    const Eigen::Ref<const Eigen::MatrixXd>& B, double beta, Eigen::Ref<Eigen::MatrixXd> C);

// Lower triangle of C = alpha·AᵀA + beta·C (C square, A's column count) through cblas_dsyrk; the strictly upper
// triangle is left untouched.
void blasSyrkLowerTransposed(
    double alpha, const Eigen::Ref<const Eigen::MatrixXd>& A, double beta, Eigen::Ref<Eigen::MatrixXd> C);

// Lower triangle of C = alpha·Xᵀ diag(r) X + beta·C (C square, X's column count) as two BLAS syrk updates,
// Xᵀdiag(r)X = P₊ᵀP₊ − P₋ᵀP₋ with P± the rows √|r_μ|·x_μ for r_μ > 0 and r_μ ≤ 0: n·d² flops, half of the GEMM
// Xᵀ·(diag(r)X), and OpenBLAS's dsyrk ran at 1.5–1.9× the dgemm's speed at n = 4096, d = 100–200 on this project's
// 2-core AVX2 machine. The gathered rows are written to `plus` and `minus` (resized when needed: callers in a hot
// loop keep them); the strictly upper triangle of C is left untouched. The gather is compiled like
// accumulateRowSquaredNorms (a clone per x86-64 level in a portable build).
void blasWeightedGramLower(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& r,
    double alpha, double beta, Eigen::Ref<Eigen::MatrixXd> C, Eigen::MatrixXd& plus, Eigen::MatrixXd& minus);

// Z = X·Rᵀ for R square and upper triangular (only its upper triangle is read; R may be a block view with an outer
// stride): X is copied into Z and multiplied in place by cblas_dtrmm, n·d² flops where the dense product X·W it
// replaces in the quadratic net's forward pass takes 2n·d·p.
void blasTimesUpperTransposed(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::MatrixXd>& R,
    Eigen::Ref<Eigen::MatrixXd> Z);

// r += Σ_j M(:, j)² elementwise (row-wise squared norms, accumulated), column by column so that each pass is
// contiguous. Runs between the BLAS calls of the quadratic net's hot path on one thread; in a portable x86-64 build
// (no -mavx2) it is compiled twice, for x86-64-v3 (AVX2, FMA) and the baseline, and the loader picks the one the
// CPU runs (GCC's target_clones), as OpenBLAS picks its kernels.
void accumulateRowSquaredNorms(const Eigen::Ref<const Eigen::MatrixXd>& M, Eigen::Ref<Eigen::VectorXd> r);

// C = A·B (noalias) by the engine useBlasProduct picks.
void denseProduct(const Eigen::Ref<const Eigen::MatrixXd>& A, const Eigen::Ref<const Eigen::MatrixXd>& B,
    Eigen::Ref<Eigen::MatrixXd> C);

}  // namespace sl
