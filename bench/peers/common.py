# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the peer scripts run by scripts/bench (issue 10).

Every peer times its operation the way Google Benchmark times ours in bench/bench_compare_peers.cpp: one
untimed warm-up call, then batches of growing size until one batch lasts at least MIN_TIME seconds of wall
time; the reported figure is that batch's mean seconds per call. Each script prints one JSON object per line.
"""
import json
import os
import sys
import time

MIN_TIME = 0.5  # seconds, Google Benchmark's default --benchmark_min_time


def measure(fn, min_time=MIN_TIME, warmup=True):
    """Mean wall seconds per call of fn() over the first batch that lasts >= min_time (after one warm-up call
    unless warmup is False: for operations of several seconds, where it would only double the run time)."""
    if warmup:
        fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or calls >= 10**9:
            return elapsed / calls, calls
        # Google Benchmark's growth rule: aim 40% past min_time, at most 10x per round.
        target = int(calls * min_time * 1.4 / max(elapsed, 1e-9)) + 1
        calls = max(calls + 1, min(calls * 10, target))


def emit(name, seconds, calls, **extra):
    record = {"name": name, "seconds": seconds, "calls": calls}
    record.update(extra)
    print(json.dumps(record), flush=True)


def data_dir():
    if len(sys.argv) < 2:
        sys.exit("usage: %s DATA_DIR [case ...]" % os.path.basename(sys.argv[0]))
    return sys.argv[1]


def wanted(name):
    """True when no case filter was given on the command line, or name is one of them."""
    cases = sys.argv[2:]
    return not cases or name in cases


def blas_info():
    """Which BLAS/OpenMP libraries are loaded and with how many threads (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{k: v for k, v in lib.items() if k in ("internal_api", "architecture", "num_threads", "version",
                                                   "threading_layer", "filepath")} for lib in threadpool_info()]
