// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Cancels a CancelToken from another thread at a random point of a solve (issue 11's fault-injection list:
// "cancel at random points of every solver"). The request is made once the solver has reported progress
// `after` times (the test calls progress() from the solver's observer) plus a random pause of up to
// maxPauseMicros, so that it lands anywhere inside an iteration, not only at the observer call.
//
// No timing is asserted (team rule; the latency is measured by bench/bench_cancel_latency): a solver must simply
// come back with status Cancelled and a consistent result. The tests configure their solvers not to end by
// themselves for a long while, so one that ignored the token runs on (until ctest's timeout) or returns another
// status after the request, and the test fails.
#include "core/common/cancel_token.h"
#include "core/common/status.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>

namespace sl::test {

class RandomCanceller {
public:
    RandomCanceller(CancelToken token, int after, int maxPauseMicros, std::uint64_t seed)
        : m_token(std::move(token)), m_after(after)
    {
        std::mt19937_64 rng(seed);
        const auto pause = std::chrono::microseconds(
            maxPauseMicros > 0 ? std::uniform_int_distribution<int>(0, maxPauseMicros)(rng) : 0);
        m_thread = std::thread([this, pause] {
            while (m_seen.load() < m_after) {
                if (m_stop.load())
                    return;
                std::this_thread::sleep_for(std::chrono::microseconds(20));
            }
            std::this_thread::sleep_for(pause);
            m_requested.store(true);
            m_token.cancel();
        });
    }
    ~RandomCanceller() { join(); }
    RandomCanceller(const RandomCanceller&) = delete;
    RandomCanceller& operator=(const RandomCanceller&) = delete;

    // From the solver's observer (any thread).
    void progress() { m_seen.fetch_add(1); }
    int seen() const { return m_seen.load(); }
    // Whether the request has been made (set just before the token is cancelled). Read right after the solve
    // returns, false means the solve ended before any request.
    bool requested() const { return m_requested.load(); }
    // Waits for the canceller thread (which gives up if the solve ended before reporting `after` times).
    void join()
    {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    CancelToken m_token;
    const int m_after;
    std::atomic<int> m_seen{0};
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_requested{false};
    std::thread m_thread;
};

// Runs solve(token, canceller) (the solve calls canceller.progress() from its observer) with a request after
// `after` reports and a random pause, and returns its result. A solve that ended by itself before any request
// was made (a loaded machine can hold the canceller thread back) is run again at a new random point, up to
// five times; one that returned anything but Cancelled after the request is returned as it is, for the test to
// fail on.
template <class Solve>
auto cancelAtRandomPoint(int after, int maxPauseMicros, std::mt19937_64& rng, Solve&& solve)
{
    for (int attempt = 1;; ++attempt) {
        CancelToken token;
        RandomCanceller canceller(token, after, maxPauseMicros, rng());
        auto result = solve(static_cast<const CancelToken&>(token), canceller);
        const bool requested = canceller.requested();
        canceller.join();
        if (result.status == Status::Cancelled || requested || attempt == 5)
            return result;
    }
}

}  // namespace sl::test
