#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""plfit peer of the power-law tail fit (issue 10), on make_problems.py's 10 000 values.

Two ways, both plfit 0.9.4 itself:
  tail_fit_cli     the `plfit -c -b` command on tail_values.txt (Debian package plfit): wall time of the whole
                   process, including start-up and parsing the text. Its continuous xmin search is the default
                   PLFIT_STRATIFIED_SAMPLING, a sampled (approximate) scan.
  tail_fit_linear  plfit_continuous() from libplfit.so through ctypes on the same doubles, with
                   PLFIT_LINEAR_ONLY (every unique value tried as xmin), no finite-size correction, no p-value:
                   the same search as Scaling Lab's TailFitter with minTail = 2, likelihood ratios off (the
                   benchmark's settings), so the fitted α, xmin and KS D must agree.
  tail_fit_sampled plfit_continuous() through ctypes with plfit's default (stratified sampling), i.e. what the
                   CLI does without the process start-up.
"""
import ctypes
import os
import shutil
import subprocess
import time

import numpy as np

import common

PLFIT_LINEAR_ONLY, PLFIT_STRATIFIED_SAMPLING = 0, 1
PLFIT_P_VALUE_SKIP = 0


class Options(ctypes.Structure):
    # plfit_continuous_options_t (plfit.h 0.9.4)
    _fields_ = [("finite_size_correction", ctypes.c_ushort), ("xmin_method", ctypes.c_int),
                ("p_value_method", ctypes.c_int), ("p_value_precision", ctypes.c_double),
                ("rng", ctypes.c_void_p)]


class Result(ctypes.Structure):
    # plfit_result_t
    _fields_ = [("alpha", ctypes.c_double), ("xmin", ctypes.c_double), ("L", ctypes.c_double),
                ("D", ctypes.c_double), ("p", ctypes.c_double)]


def load_library():
    for name in ("libplfit.so.0", "libplfit.so"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def main():
    data = common.data_dir()
    values = np.ascontiguousarray(np.load(os.path.join(data, "tail_values.npy")), dtype=np.float64)
    text = os.path.join(data, "tail_values.txt")

    cli = shutil.which("plfit")
    if cli and common.wanted("tail_fit_cli"):
        holder = {}

        def run_cli():
            holder["out"] = subprocess.run([cli, "-c", "-b", text], check=True, capture_output=True,
                                           text=True).stdout

        seconds, calls = common.measure(run_cli)
        # "<file>: C alpha xmin L D p"
        fields = holder["out"].split(":")[-1].split()
        start = time.perf_counter()
        subprocess.run([cli, "-v"], check=True, capture_output=True)
        startup = time.perf_counter() - start
        common.emit("tail_fit_cli", seconds, calls, alpha=float(fields[1]), xmin=float(fields[2]),
                    ks=float(fields[4]), process_startup_seconds=startup, method="stratified sampling (CLI default)")

    lib = load_library()
    if lib is None:
        return
    lib.plfit_continuous_options_init.argtypes = [ctypes.POINTER(Options)]
    lib.plfit_continuous.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_size_t, ctypes.POINTER(Options),
                                     ctypes.POINTER(Result)]
    for name, method in (("tail_fit_linear", PLFIT_LINEAR_ONLY), ("tail_fit_sampled", PLFIT_STRATIFIED_SAMPLING)):
        if not common.wanted(name):
            continue
        options = Options()
        lib.plfit_continuous_options_init(ctypes.byref(options))
        options.finite_size_correction = 0
        options.xmin_method = method
        options.p_value_method = PLFIT_P_VALUE_SKIP
        result = Result()

        def fit():
            # plfit sorts its input in place: hand it a fresh copy each time, as the CLI's reader does.
            xs = values.copy()
            rc = lib.plfit_continuous(xs.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), xs.size,
                                      ctypes.byref(options), ctypes.byref(result))
            if rc != 0:
                raise RuntimeError("plfit_continuous returned %d" % rc)

        seconds, calls = common.measure(fit)
        common.emit(name, seconds, calls, alpha=result.alpha, xmin=result.xmin, ks=result.D,
                    method="linear scan" if method == PLFIT_LINEAR_ONLY else "stratified sampling")


if __name__ == "__main__":
    main()
