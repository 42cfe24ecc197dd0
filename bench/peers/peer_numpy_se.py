#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A straightforward numpy implementation of the quadratic network's finite-d state evolution (docs/theory/state-evolution.md §6) and of
its n_eff curve, the peer of Scaling Lab's StateEvolutionCurve (issue 10). It implements the same equations with
the same algorithm as core/theory/matrix_state_evolution.cpp and state_evolution_curve.cpp, so both sides do the
same work and reach the same fixed points:

  per δ: Y_k = diag(s) + δ Z_k for the K fixed GOE samples (the very same Z_k, written by
         `bench_compare_peers --write-goe`), eigen-decomposed once (numpy.linalg.eigh, LAPACK dsyevd);
         w_i = Σ_j s_j V_ji²;
         (A) 4α_q − 1/ε = 2 D(δ, λε) solved for log ε (bracket by doubling from the last ε, then Brent,
             scipy.optimize.brentq with the same relative tolerance 1e-13), with
             D(δ, τ) = (1/d²) mean_k [ Σ_{i≠j} (r_i − r_j)/(y_i − y_j) + 2·#{y_i > τ} ],  r = (y − τ)₊;
         E_mat = Q* − 2m + q,  m = mean r·w,  q = mean r²;  δ_new = √((E_mat + Δ/2)/(2α_q));
         stop when |δ_new − δ|/δ ≤ tolerance, else δ ← ½δ + ½δ_new (docs/theory/state-evolution.md §7), or, as Scaling Lab does by
         default, the secant step on F(δ) = δ_new − δ through the last two iterates when it stays within a
         factor 2 of δ;
  curve: n_eff on the given grid, α_q = n_eff/d, each point warm-started from the previous (δ, ε);
         at each converged point the (B) identity residual and the pooled ReLU spectrum are formed, as in C++.

Cases: se_curve (with the secant step: the same algorithm as Scaling Lab's, so the same iterations) and
se_curve_damped (the plain damped iteration: what a straightforward implementation of docs/theory/state-evolution.md §7 does).
The reported diagnostics (iterations, risks) are compared with Scaling Lab's by scripts/bench; Scaling Lab's own
curve is also in FILE.curve.csv next to the GOE file.
"""
import math
import os

import numpy as np
from scipy.optimize import brentq

import common


def power_law_spectrum(d, gamma):
    s = np.arange(1, d + 1, dtype=float) ** -gamma
    return s * math.sqrt(d / (s @ s))


def divergence(y, tau):
    """D(δ, τ) from the ascending eigenvalues y (K×d)."""
    k_count, d = y.shape
    total = 0.0
    for yk in y:
        first_above = int(np.searchsorted(yk, tau, side="right"))
        above = d - first_above
        mixed = 0.0
        if above and first_above:
            ya = yk[first_above:]
            mixed = np.sum((ya - tau)[:, None] / (ya[:, None] - yk[None, :first_above]))
        total += (above * (above - 1) + 2 * mixed + 2 * above) / (d * d)
    return total / k_count


def solve_epsilon(y, alpha_q, lam, guess):
    def g(log_eps):
        eps = math.exp(log_eps)
        return 4 * alpha_q - 1 / eps - 2 * divergence(y, lam * eps)

    lo = hi = math.log(guess)
    flo = fhi = g(lo)
    step = math.log(2.0)
    k = 0
    while flo > 0 and k < 200:
        hi, fhi = lo, flo
        lo -= step
        flo = g(lo)
        k += 1
    k = 0
    while fhi < 0 and k < 200:
        lo, flo = hi, fhi
        hi += step
        fhi = g(hi)
        k += 1
    if not (flo <= 0 <= fhi):
        return float("nan"), float("nan")
    if flo == 0:
        return math.exp(lo), 0.0
    if fhi == 0:
        return math.exp(hi), 0.0
    log_eps = brentq(g, lo, hi, xtol=1e-300, rtol=1e-13, maxiter=200)
    return math.exp(log_eps), abs(g(log_eps)) / (4 * alpha_q)


def state_evolution(s, z, alpha_q, lam, noise, tol, max_iter, secant, damping=0.5, initial_delta=-1.0,
                    initial_eps=-1.0):
    d = s.size
    q_star = s @ s / d
    delta = initial_delta if initial_delta > 0 else math.sqrt((q_star + noise / 2) / (2 * alpha_q))
    eps_guess = initial_eps if initial_eps > 0 else 1 / (4 * alpha_q)
    diag = np.arange(d)
    previous_delta = previous_f = 0.0
    have_previous = False
    for iteration in range(1, max_iter + 1):
        ys = delta * z
        ys[:, diag, diag] += s
        y, v = np.linalg.eigh(ys)
        w = np.einsum("kji,j->ki", v * v, s)
        eps, residual_a = solve_epsilon(y, alpha_q, lam, eps_guess)
        if not math.isfinite(eps):
            return dict(status="NotConverged", iterations=iteration)
        eps_guess = eps
        tau = lam * eps
        r = np.maximum(y - tau, 0.0)
        q = np.mean(r * r)
        m = np.mean(r * w)
        e_mat = q_star - 2 * m + q
        delta_new = math.sqrt(max(e_mat + noise / 2, 0.0) / (2 * alpha_q))
        change = abs(delta_new - delta) / max(delta, 1e-300)
        if change <= tol:
            # (B) and its Monte Carlo error, and the pooled spectrum, as the C++ result carries them.
            mean_r = np.mean(r)
            lhs_b = q_star + noise / 2 + 2 * alpha_q * delta * delta - delta * delta / eps
            rhs_b = q + 2 * tau * mean_r
            gaps = [((y[k] - w[k]) * r[k]).sum() / d - delta * delta * divergence(y[k:k + 1], tau)
                    for k in range(y.shape[0])]
            spectrum = r.ravel().copy()
            return dict(status="Converged", iterations=iteration, delta=delta, epsilon=eps, matrix_mse=e_mat,
                        excess_risk=2 * e_mat, residual_a=residual_a, residual_b=abs(lhs_b - rhs_b) / abs(rhs_b),
                        residual_b_se=2 * np.std(gaps, ddof=1) / math.sqrt(len(gaps)) / abs(rhs_b),
                        spectrum_samples=spectrum.size, weight_at_zero=float(np.mean(y <= tau)))
        # The damped update of docs/theory/state-evolution.md §7, or (secant=True) Scaling Lab's secant step on F(δ) = G(δ) − δ through
        # the last two iterates when it stays within a factor 2 of δ (matrix_state_evolution.cpp).
        f = delta_new - delta
        step = (1 - damping) * delta + damping * delta_new
        if secant and have_previous and f != previous_f:
            candidate = delta - f * (delta - previous_delta) / (f - previous_f)
            if math.isfinite(candidate) and 0.5 * delta < candidate < 2 * delta:
                step = candidate
        previous_delta, previous_f, have_previous = delta, f, True
        delta = step
    return dict(status="MaxIterations", iterations=max_iter)


def curve(s, z, grid, lam, noise, tol, max_iter, secant):
    d = s.size
    points = []
    last_delta = last_eps = -1.0
    for n_eff in grid:
        p = state_evolution(s, z, n_eff / d, lam, noise, tol, max_iter, secant, initial_delta=last_delta,
                            initial_eps=last_eps)
        if p["status"] == "Converged":
            last_delta, last_eps = p["delta"], p["epsilon"]
        p["n_eff"] = float(n_eff)
        points.append(p)
    return points


def main():
    data = common.data_dir()
    d, gamma, lam, noise, k_count, seed, tol, max_iter = np.loadtxt(os.path.join(data, "se_params.txt"))
    d, k_count, max_iter = int(d), int(k_count), int(max_iter)
    grid = np.load(os.path.join(data, "se_grid.npy"))
    z = np.load(os.path.join(data, "goe.npy"))
    assert z.shape == (k_count, d, d), z.shape
    s = power_law_spectrum(d, gamma)
    for name, secant in (("se_curve", True), ("se_curve_damped", False)):
        if not common.wanted(name):
            continue
        holder = {}

        def run():
            holder["points"] = curve(s, z, grid, lam, noise, tol, max_iter, secant)

        # No warm-up: one curve takes seconds (bench_compare_peers does not warm se_curve up either).
        seconds, calls = common.measure(run, warmup=False)
        points = holder["points"]
        common.emit(name, seconds, calls, points=len(points),
                    failed=sum(p["status"] != "Converged" for p in points),
                    iterations=sum(p["iterations"] for p in points),
                    per_point_iterations=[p["iterations"] for p in points],
                    risks=[p.get("excess_risk", float("nan")) for p in points],
                    first_risk=points[0].get("excess_risk", float("nan")),
                    last_risk=points[-1].get("excess_risk", float("nan")),
                    eigen_decompositions=sum(p["iterations"] for p in points) * k_count, blas=common.blas_info())


if __name__ == "__main__":
    main()
