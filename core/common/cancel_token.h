// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <memory>

namespace sl {

// A shared flag a solver polls at least once per iteration. Copies share the flag, so the thread that
// requests cancellation and the solver that honours it can each hold one.
class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) { }

    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    void reset() const { m_flag->store(false, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

}  // namespace sl
