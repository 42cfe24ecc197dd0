// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace sl {

// How the compute thread pools are sized, so that runs in parallel never oversubscribe the cores.
//
// Two pools do our numerical work: the BLAS's (OpenBLAS's pthread pool, one per process, used by the large dense
// products, core/common/dense_products.h) and, in an OpenMP build, OpenMP's (Eigen's products and our loops; its
// team size is a per-thread setting). The rule:
//  - One run at a time (a CLI command, the GUI's live run): both pools use every core (or OPENBLAS_NUM_THREADS /
//    OMP_NUM_THREADS when set, which stay the ceiling).
//  - W runs in parallel (the sweep runner's workers, the CLI's parallel points): every worker gets
//    threadsPerWorker(W) = max(1, cores / W) threads. The parallel runner holds a ParallelWorkers scope for as long
//    as its workers run, which lowers OpenBLAS's process-wide pool to threadsPerWorker(total workers of all live
//    scopes), and each worker calls limitOpenMpThreadsOfThisThread(threadsPerWorker(W)) before its run. So
//    workers × BLAS threads ≤ cores and workers × OpenMP threads ≤ cores. With W ≥ cores every product runs
//    single-threaded on its worker's own thread (OpenBLAS with one thread does not use its pool at all).
//  - Inside one run, the quadratic net's BLAS path (core/model/quadratic_net.h) splits its row blocks into lanes,
//    one per thread of OpenBLAS's pool at that moment, and holds a ParallelWorkers scope of that many lanes for one
//    evaluation: the pool drops accordingly, so a lane's products run on the lane's own thread and lanes × BLAS
//    threads ≤ cores as well (inside a sweep's worker the pool is already 1: one lane, no extra thread).
int hardwareThreads();
int threadsPerWorker(int workers);

// OpenBLAS's pool size now, or 1 when the system BLAS is not OpenBLAS (the reference BLAS is single-threaded).
int blasThreads();
// True when the BLAS loaded at run time is OpenBLAS (its openblas_set_num_threads is found).
bool blasIsOpenBlas();

// Registers `workers` concurrent runs for the scope's lifetime (see the rule above). Scopes nest and overlap
// (two sweeps at once add up); create it before the workers start and destroy it after they have finished.
// OpenBLAS reads its pool size when a call starts, so a run already inside a product when a scope opens or closes
// (the GUI's live run during a sweep) finishes that product with the old size.
class ParallelWorkers {
public:
    explicit ParallelWorkers(int workers);
    ~ParallelWorkers();
    ParallelWorkers(const ParallelWorkers&) = delete;
    ParallelWorkers& operator=(const ParallelWorkers&) = delete;
    int workers() const { return m_workers; }
    // threadsPerWorker(workers()): what each of this scope's workers should limit its OpenMP team to.
    int threadsPerWorker() const;

private:
    int m_workers;
};

// Sets the calling thread's OpenMP team size (omp_set_num_threads, a per-thread setting) to min(threads, OpenMP's
// default team size); a no-op without OpenMP.
void limitOpenMpThreadsOfThisThread(int threads);

}  // namespace sl
