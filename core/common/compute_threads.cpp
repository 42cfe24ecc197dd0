// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/compute_threads.h"

#include <algorithm>
#include <dlfcn.h>
#include <mutex>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace sl {

namespace {

// OpenBLAS's thread controls, looked up at run time: the build links the generic libblas.so.3, which is OpenBLAS
// only where the system's alternatives say so.
struct OpenBlasControls {
    void (*setThreads)(int) = nullptr;
    int (*getThreads)() = nullptr;
    int ceiling = 1;  // the pool size found at start-up (OPENBLAS_NUM_THREADS or the core count)
};

const OpenBlasControls& openBlas()
{
    static const OpenBlasControls controls = [] {
        OpenBlasControls c;
        c.setThreads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
        c.getThreads = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        if (!c.setThreads || !c.getThreads)
            c.setThreads = nullptr, c.getThreads = nullptr;
        else
            c.ceiling = std::max(1, c.getThreads());
        return c;
    }();
    return controls;
}

std::mutex g_mutex;
int g_registeredWorkers = 0;

// Applies the rule for the current registrations; caller holds g_mutex.
void applyBlasThreads()
{
    const OpenBlasControls& c = openBlas();
    if (!c.setThreads)
        return;
    const int wanted
        = g_registeredWorkers == 0 ? c.ceiling : std::min(c.ceiling, threadsPerWorker(g_registeredWorkers));
    if (c.getThreads() != wanted)
        c.setThreads(wanted);
}

}  // namespace

int hardwareThreads()
{
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

int threadsPerWorker(int workers)
{
    return std::max(1, hardwareThreads() / std::max(1, workers));
}

int blasThreads()
{
    const OpenBlasControls& c = openBlas();
    return c.getThreads ? c.getThreads() : 1;
}

bool blasIsOpenBlas()
{
    return openBlas().setThreads != nullptr;
}

ParallelWorkers::ParallelWorkers(int workers) : m_workers(std::max(1, workers))
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_registeredWorkers += m_workers;
    applyBlasThreads();
}

ParallelWorkers::~ParallelWorkers()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_registeredWorkers -= m_workers;
    applyBlasThreads();
}

int ParallelWorkers::threadsPerWorker() const
{
    return sl::threadsPerWorker(m_workers);
}

void limitOpenMpThreadsOfThisThread(int threads)
{
#ifdef _OPENMP
    // The ceiling is OpenMP's default team size (OMP_NUM_THREADS or the core count), read once, before any thread
    // was limited: pool threads are reused, so their own current maximum may be an earlier worker's limit.
    static const int ceiling = std::max(1, omp_get_max_threads());
    omp_set_num_threads(std::max(1, std::min(threads, ceiling)));
#else
    (void)threads;
#endif
}

}  // namespace sl
