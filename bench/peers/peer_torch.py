#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch (CPU, float64) peer of the quadratic-network comparison (issue 10), on make_problems.py's data.

Same loss as core/model/quadratic_net.h (docs/theory/models.md §3):
    objective(W) = (1/d²) Σ_μ (y_μ − ŷ_μ)² + (λ/d)‖W‖_F²,   ŷ_μ = (‖Wᵀx_μ‖² − ‖W‖_F²)/√d,
the same optimiser (torch.optim.SGD with momentum: v ← μv + g, W ← W − lr·v, which is sl::Trainer's
GradientDescent), the same start W0 and the same 50 full-batch steps. Like sl::Trainer, which evaluates the
objective and gradient at the start and after every step, it makes steps + 1 forward/backward passes.

Cases: quadratic_training (50 steps), quadratic_gradient (one forward + backward at W0), and (issue 23) the
paper's own solver: lbfgs_100 / lbfgs_200, torch.optim.LBFGS(line_search_fn="strong_wolfe", history_size=20,
tolerance_change=1e-12) trained to convergence on make_problems.py's lbfgs_<d> problem (same X, y, W0, loss), and
quadratic_gradient_200 (one forward + backward on that problem). LBFGS runs as one step() with max_iter = the
iteration limit of lbfgs_<d>_params.txt, so its own tests end it: |Δ loss| < tolerance_change (the trainer's
lossChangeTolerance, same test), max |g| ≤ tolerance_grad = the trainer's gradientTolerance (ours tests ‖g‖₂; at
1e-10 neither side gets there first), a step below tolerance_change, or g·d > -tolerance_change; the trainer has
the same four tests on the same tolerances (docs/theory/models.md §7, "L-BFGS's stopping rules").
"""
import math
import os

import numpy as np
import torch

import common


def main():
    data = common.data_dir()
    torch.set_num_threads(os.cpu_count() or 1)
    torch.set_grad_enabled(True)
    x = torch.from_numpy(np.load(os.path.join(data, "quad_X.npy")))
    y = torch.from_numpy(np.load(os.path.join(data, "quad_y.npy")))
    w0 = torch.from_numpy(np.load(os.path.join(data, "quad_W0.npy")))
    d_, p_, n_, lam, lr, momentum, steps = np.loadtxt(os.path.join(data, "quad_params.txt"))
    d = x.shape[1]
    steps = int(steps)
    sqrt_d = math.sqrt(d)

    def objective(w):
        xw = x @ w
        w2 = (w * w).sum()
        yhat = ((xw * xw).sum(dim=1) - w2) / sqrt_d
        r = y - yhat
        return (r * r).sum() / (d * d) + lam / d * w2

    result = {}

    def train():
        w = w0.clone().requires_grad_(True)
        opt = torch.optim.SGD([w], lr=float(lr), momentum=float(momentum))
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = objective(w)
            loss.backward()
            opt.step()
        # The objective and gradient at the end point, as sl::Trainer reports them.
        opt.zero_grad(set_to_none=True)
        loss = objective(w)
        loss.backward()
        result["objective"] = float(loss)
        result["gradient_norm"] = float(w.grad.norm())

    def gradient():
        w = w0.clone().requires_grad_(True)
        loss = objective(w)
        loss.backward()
        result["g_objective"] = float(loss)
        result["g_norm"] = float(w.grad.norm())

    def lbfgs_case(size):
        prefix = os.path.join(data, "lbfgs_%d_" % size)
        lx = torch.from_numpy(np.load(prefix + "X.npy"))
        ly = torch.from_numpy(np.load(prefix + "y.npy"))
        lw0 = torch.from_numpy(np.load(prefix + "W0.npy"))
        teacher = torch.from_numpy(np.load(prefix + "S.npy"))
        ld, lp, ln, llam, history, change_tol, grad_tol, max_iter = np.loadtxt(prefix + "params.txt")
        lsqrt = math.sqrt(lx.shape[1])

        def lobjective(w):
            xw = lx @ w
            w2 = (w * w).sum()
            r = ly - ((xw * xw).sum(dim=1) - w2) / lsqrt
            return (r * r).sum() / (ld * ld) + llam / ld * w2

        return lx, lw0, teacher, lobjective, dict(history=int(history), change_tol=float(change_tol),
                                                   grad_tol=float(grad_tol), max_iter=int(max_iter))

    def lbfgs(size):
        lx, lw0, teacher, lobjective, p = lbfgs_case(size)
        w = lw0.clone().requires_grad_(True)
        opt = torch.optim.LBFGS([w], lr=1, max_iter=p["max_iter"], max_eval=int(p["max_iter"] * 1.25),
                                tolerance_grad=p["grad_tol"], tolerance_change=p["change_tol"],
                                history_size=p["history"], line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad(set_to_none=True)
            loss = lobjective(w)
            loss.backward()
            return loss

        opt.step(closure)
        state = opt.state[opt._params[0]]
        with torch.no_grad():
            final = w.detach()
            s = final @ final.T
            d = final.shape[0]
            risk = 2.0 * float(((s - teacher) ** 2).sum()) / d
        loss = closure()
        result["lbfgs"] = dict(objective=float(loss), gradient_norm=float(w.grad.norm()),
                               lbfgs_iterations=int(state["n_iter"]), evaluations=int(state["func_evals"]),
                               excess_risk=risk, flops_per_evaluation=4.0 * lx.shape[0] * lw0.shape[0] * lw0.shape[1])

    info = dict(torch_threads=torch.get_num_threads(), torch_version=torch.__version__, blas=common.blas_info())
    for size in (100, 200):
        name = "lbfgs_%d" % size
        if common.wanted(name):
            # One training takes seconds: no warm-up call, a single timed run (common.measure stops after one
            # call that lasts >= 0.5 s).
            seconds, calls = common.measure(lambda: lbfgs(size), warmup=False)
            common.emit(name, seconds, calls, **result["lbfgs"], **info)
    if common.wanted("quadratic_gradient_200"):
        gx, gw0, _, gobjective, _ = lbfgs_case(200)

        def gradient200():
            w = gw0.clone().requires_grad_(True)
            loss = gobjective(w)
            loss.backward()
            result["g200"] = (float(loss), float(w.grad.norm()))

        seconds, calls = common.measure(gradient200)
        flops = 4.0 * gx.shape[0] * gw0.shape[0] * gw0.shape[1]
        common.emit("quadratic_gradient_200", seconds, calls, objective=result["g200"][0],
                    gradient_norm=result["g200"][1], flops_per_call=flops, flops_per_second=flops / seconds, **info)
    if common.wanted("quadratic_training"):
        seconds, calls = common.measure(train)
        common.emit("quadratic_training", seconds, calls, objective=result["objective"],
                    gradient_norm=result["gradient_norm"], evaluations=steps + 1, **info)
    if common.wanted("quadratic_gradient"):
        seconds, calls = common.measure(gradient)
        flops = 4.0 * x.shape[0] * w0.shape[0] * w0.shape[1]
        common.emit("quadratic_gradient", seconds, calls, objective=result["g_objective"],
                    gradient_norm=result["g_norm"], flops_per_call=flops, flops_per_second=flops / seconds, **info)


if __name__ == "__main__":
    main()
