#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""scikit-learn peer of the LASSO comparisons (issue 10), on make_problems.py's data.

Units. Scaling Lab (core/convex/lasso_solver.h, LassoUnits::Plain) minimises ½‖y − Xθ‖² + λ‖θ‖₁; scikit-learn
minimises (1/(2n))‖y − Xw‖² + α‖w‖₁, which is the same objective divided by n, so α = λ/n.

Stopping tolerance. Scaling Lab stops when the duality gap G ≤ gapTolerance · ½‖y‖² (G in the ½‖·‖² units).
scikit-learn's coordinate descent (sklearn/linear_model/_cd_fast.pyx, enet_coordinate_descent) runs in the
unscaled units (l1_reg = α·n), computes the same gap with the same dual point (residual rescaled by
min(1, λ/‖Xᵀr‖_∞)) and stops when G < tol·‖y‖² (it only looks at the gap once the largest coordinate change
relative to the largest coefficient falls below tol). Equal criteria therefore need tol = gapTolerance / 2.
Both sides' final gaps are recomputed here with Scaling Lab's formula and reported, so the claim is checked.

Cases: lasso_solve (one λ, Lasso(precompute=False), scikit-learn's default) and lasso_solve_gram (precompute=True,
its Gram-matrix variant); lasso_path (lasso_path over the 50 λ with warm starts, precompute='auto', the default)
and lasso_path_gram (precompute=True).
"""
import os
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, lasso_path

import common


def relative_gap(x, y, w, lam):
    """Scaling Lab's relative duality gap of w for ½‖y − Xw‖² + λ‖w‖₁ (dual point by residual rescaling)."""
    r = y - x @ w
    scale = min(1.0, lam / max(np.max(np.abs(x.T @ r)), 1e-300))
    nu = scale * r
    primal = 0.5 * r @ r + lam * np.sum(np.abs(w))
    dual = 0.5 * y @ y - 0.5 * (y - nu) @ (y - nu)
    return (primal - dual) / (0.5 * y @ y), primal


def main():
    data = common.data_dir()
    x = np.asfortranarray(np.load(os.path.join(data, "lasso_X.npy")))  # the layout coordinate descent wants
    y = np.load(os.path.join(data, "lasso_y.npy"))
    lam, gap_tolerance = np.loadtxt(os.path.join(data, "lasso_params.txt"))
    lambdas = np.load(os.path.join(data, "lasso_path_lambdas.npy"))
    n = x.shape[0]
    tol = gap_tolerance / 2.0
    info = dict(sklearn_tol=tol, blas=common.blas_info())

    for name, precompute in (("lasso_solve", False), ("lasso_solve_gram", True)):
        if not common.wanted(name):
            continue
        holder = {}

        def solve():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                model = Lasso(alpha=lam / n, fit_intercept=False, tol=tol, max_iter=100000, precompute=precompute)
                model.fit(x, y)
            holder["model"] = model
            holder["warnings"] = len(caught)

        seconds, calls = common.measure(solve)
        model = holder["model"]
        gap, objective = relative_gap(x, y, model.coef_, lam)
        common.emit(name, seconds, calls, objective=objective, relative_gap=gap, sweeps=int(model.n_iter_),
                    active=int(np.count_nonzero(model.coef_)), convergence_warnings=holder["warnings"], **info)

    for name, precompute in (("lasso_path", "auto"), ("lasso_path_gram", True)):
        if not common.wanted(name):
            continue
        holder = {}

        def path():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                holder["path"] = lasso_path(x, y, alphas=lambdas / n, tol=tol, max_iter=100000,
                                            precompute=precompute)
            holder["warnings"] = len(caught)

        # No warm-up: one path takes seconds (bench_compare_peers does not warm lasso_path up either).
        seconds, calls = common.measure(path, warmup=False)
        _, coefs, _ = holder["path"]
        gaps = [relative_gap(x, y, coefs[:, k], lambdas[k])[0] for k in range(len(lambdas))]
        last_gap, last_objective = relative_gap(x, y, coefs[:, -1], lambdas[-1])
        common.emit(name, seconds, calls, points=len(lambdas), max_relative_gap=max(gaps),
                    last_objective=last_objective, last_active=int(np.count_nonzero(coefs[:, -1])),
                    convergence_warnings=holder["warnings"], **info)


if __name__ == "__main__":
    main()
