#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the problems of the peer comparisons (issue 10) into DATA_DIR, once, so that Scaling Lab
(bench/bench_compare_peers.cpp, --data=DATA_DIR) and each peer read bit-identical inputs.

  quad_X.npy, quad_y.npy, quad_W0.npy, quad_params.txt   quadratic network (docs/theory/models.md §3), d = p = 100, n = 20 000
  lasso_X.npy, lasso_y.npy, lasso_params.txt,
  lasso_path_lambdas.npy                                 LASSO, n = d = 2000, and its 50-point λ grid
  eig_200.npy, eig_800.npy                               symmetric matrices (sample covariance WWᵀ/d shape)
  tail_values.npy, tail_values.txt                       10 000 values with a power-law tail
  se_params.txt, se_grid.npy                             quadratic state-evolution curve, d = 200
  lbfgs_{100,200}_{X,y,W0,S}.npy, lbfgs_*_params.txt     L-BFGS to convergence, d = p = 100 and 200, n = 200 d

Usage: make_problems.py DATA_DIR [--small]   (--small: reduced sizes, for a quick self-test)
"""
import os
import sys

import numpy as np


def write_params(path, values):
    with open(path, "w") as f:
        f.write("".join(repr(float(v)) + "\n" for v in values))


def main():
    out = sys.argv[1]
    small = "--small" in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20260929)

    # Quadratic network, docs/theory/models.md §3: y = (xᵀS*x − Tr S*)/√d + √Δ ξ, S* = U diag(s) Uᵀ (Haar U),
    # s_i ∝ i^(−γ) with Q* = (1/d)Σ s_i² = 1. Loss (1/d²)Σ(y − ŷ)² + (λ/d)‖W‖², ŷ = (‖Wᵀx‖² − ‖W‖²)/√d.
    d, p, n = (100, 100, 20000) if not small else (20, 20, 400)
    gamma, noise, lam = 1.0, 0.5, 0.1
    lr, momentum, steps = 0.05, 0.5, 50
    s = np.arange(1, d + 1, dtype=float) ** -gamma
    s *= np.sqrt(d / np.sum(s * s))
    u, _ = np.linalg.qr(rng.standard_normal((d, d)))
    x = rng.standard_normal((n, d))
    y = ((x @ u) ** 2 @ s - s.sum()) / np.sqrt(d) + np.sqrt(noise) * rng.standard_normal(n)
    w0 = rng.standard_normal((d, p)) / np.sqrt(d)
    np.save(os.path.join(out, "quad_X.npy"), x)
    np.save(os.path.join(out, "quad_y.npy"), y)
    np.save(os.path.join(out, "quad_W0.npy"), w0)
    write_params(os.path.join(out, "quad_params.txt"), [d, p, n, lam, lr, momentum, steps])

    # LASSO ½‖y − Xθ‖² + λ‖θ‖₁ with unit-scale columns, a power-law teacher (docs/theory/models.md §2 shape) and noise.
    n, d = (2000, 2000) if not small else (200, 200)
    x = rng.standard_normal((n, d)) / np.sqrt(n)
    theta = rng.standard_normal(d) * np.arange(1, d + 1, dtype=float) ** -1.0
    y = x @ theta + 0.05 * rng.standard_normal(n)
    lambda_max = np.max(np.abs(x.T @ y))
    np.save(os.path.join(out, "lasso_X.npy"), x)
    np.save(os.path.join(out, "lasso_y.npy"), y)
    write_params(os.path.join(out, "lasso_params.txt"), [0.05 * lambda_max, 1e-10])
    # scikit-learn's grid shape: geometric from λ_max down to eps·λ_max, 50 points. eps = 1e-2 rather than its
    # default 1e-3: at n = d the last decade is nearly interpolating (~1800 nonzeros) and takes minutes on either
    # side at gap 1e-10, which would not fit scripts/bench's time budget with 5 pairs.
    np.save(os.path.join(out, "lasso_path_lambdas.npy"), lambda_max * np.logspace(0, -2, 50))

    # Symmetric matrices for the eigenvalue comparison: sample covariances (the spectra the app computes).
    for d in (200, 800) if not small else (20, 80):
        w = rng.standard_normal((d, 2 * d))
        np.save(os.path.join(out, "eig_%d.npy" % d), w @ w.T / (2 * d))

    # 10 000 values: a lognormal bulk and a Pareto tail (density exponent 2.5 above x = 3).
    m = 10000 if not small else 1000
    tail = 3.0 * rng.uniform(size=m // 4) ** (-1 / 1.5)
    bulk = rng.lognormal(0.0, 0.5, size=m - m // 4)
    values = rng.permutation(np.concatenate([bulk, tail]))
    np.save(os.path.join(out, "tail_values.npy"), values)
    np.savetxt(os.path.join(out, "tail_values.txt"), values, fmt="%.17g")

    # Quadratic state-evolution curve (docs/theory/state-evolution.md §7): d γ λ Δ K seed tolerance maxIterations, and the n_eff grid.
    d = 200 if not small else 40
    write_params(os.path.join(out, "se_params.txt"), [d, 1.0, 1.0, 0.5, 32, 1, 1e-6, 1000])
    np.save(os.path.join(out, "se_grid.npy"), np.logspace(np.log10(0.1 * d), np.log10(10 * d), 6))

    # L-BFGS to convergence (issue 23), drawn last so that the problems above stay exactly as before: the quadratic
    # network at n_eff = n/d = 200, λ = 1, γ = 1, Δ = 0.5, for d = p = 100 (n = 20 000) and d = p = 200
    # (n = 40 000); start W0_ij ~ N(0, 1/d) (the trainer's initialisation, initScale = 1). Stopping rule of both
    # sides: |Δ objective| < 1e-12 between iterations (or gradient 1e-10).
    for d in (100, 200) if not small else (20,):
        p, n = d, 200 * d
        s = np.arange(1, d + 1, dtype=float) ** -1.0
        s *= np.sqrt(d / np.sum(s * s))
        u, _ = np.linalg.qr(rng.standard_normal((d, d)))
        x = rng.standard_normal((n, d))
        y = ((x @ u) ** 2 @ s - s.sum()) / np.sqrt(d) + np.sqrt(0.5) * rng.standard_normal(n)
        np.save(os.path.join(out, "lbfgs_%d_X.npy" % d), x)
        np.save(os.path.join(out, "lbfgs_%d_y.npy" % d), y)
        np.save(os.path.join(out, "lbfgs_%d_W0.npy" % d), rng.standard_normal((d, p)) / np.sqrt(d))
        # The teacher S* = U diag(s) Uᵀ for the excess risk 2·(1/d)‖WWᵀ − S*‖_F² of both sides.
        np.save(os.path.join(out, "lbfgs_%d_S.npy" % d), (u * s) @ u.T)
        # d p n λ history lossChangeTolerance gradientTolerance maxIterations
        write_params(os.path.join(out, "lbfgs_%d_params.txt" % d), [d, p, n, 1.0, 20, 1e-12, 1e-10, 50000])


if __name__ == "__main__":
    main()
