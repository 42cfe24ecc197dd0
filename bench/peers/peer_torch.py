#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch (CPU, float64) peer of the quadratic-network comparison (issue 10), on make_problems.py's data.

Same loss as core/model/quadratic_net.h (docs/theory/models.md §3):
    objective(W) = (1/d²) Σ_μ (y_μ − ŷ_μ)² + (λ/d)‖W‖_F²,   ŷ_μ = (‖Wᵀx_μ‖² − ‖W‖_F²)/√d,
the same optimiser (torch.optim.SGD with momentum: v ← μv + g, W ← W − lr·v, which is sl::Trainer's
GradientDescent), the same start W0 and the same 50 full-batch steps. Like sl::Trainer, which evaluates the
objective and gradient at the start and after every step, it makes steps + 1 forward/backward passes.

Cases: quadratic_training (50 steps), quadratic_gradient (one forward + backward at W0).
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

    info = dict(torch_threads=torch.get_num_threads(), torch_version=torch.__version__, blas=common.blas_info())
    if common.wanted("quadratic_training"):
        seconds, calls = common.measure(train)
        common.emit("quadratic_training", seconds, calls, objective=result["objective"],
                    gradient_norm=result["gradient_norm"], evaluations=steps + 1, **info)
    if common.wanted("quadratic_gradient"):
        seconds, calls = common.measure(gradient)
        flops = 4.0 * x.shape[0] * w0.shape[0] * w0.shape[1]
        common.emit("quadratic_gradient", seconds, calls, objective=result["g_objective"],
                    gradient_norm=result["g_norm"], flops_per_second=flops / seconds, **info)


if __name__ == "__main__":
    main()
