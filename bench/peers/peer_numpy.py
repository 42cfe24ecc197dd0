#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""numpy peers (issue 10): eigenvalues of the same symmetric matrices (numpy.linalg.eigvalsh, LAPACK dsyevd
through the system BLAS/LAPACK, i.e. OpenBLAS when libopenblas0-pthread is installed), and the machine's
double-precision GEMM rate as numpy's BLAS reaches it (C = A·B, 2000³, and the quadratic gradient's
20 000×100×100 shape), for the "gradient as a fraction of GEMM" figure.

Cases: eigenvalues_200, eigenvalues_800, gemm_square_2000, gemm_tall_20000x100x100.
"""
import os

import numpy as np

import common


def main():
    data = common.data_dir()
    info = dict(numpy_version=np.__version__, blas=common.blas_info())
    for d in (200, 800):
        name = "eigenvalues_%d" % d
        path = os.path.join(data, "eig_%d.npy" % d)
        if not common.wanted(name) or not os.path.exists(path):
            continue
        a = np.load(path)
        holder = {}

        def eig():
            holder["values"] = np.linalg.eigvalsh(a)

        seconds, calls = common.measure(eig)
        values = holder["values"]
        common.emit(name, seconds, calls, largest=float(values[-1]), smallest=float(values[0]), **info)

    rng = np.random.default_rng(3)
    for name, (m, k, n) in (("gemm_square_2000", (2000, 2000, 2000)),
                            ("gemm_tall_20000x100x100", (20000, 100, 100))):
        if not common.wanted(name):
            continue
        a = rng.standard_normal((m, k))
        b = rng.standard_normal((k, n))
        c = np.empty((m, n))

        def gemm():
            np.matmul(a, b, out=c)

        seconds, calls = common.measure(gemm)
        common.emit(name, seconds, calls, flops_per_second=2.0 * m * k * n / seconds, **info)


if __name__ == "__main__":
    main()
