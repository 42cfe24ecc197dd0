// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace sl {

// How a solver ended. Non-convergence is a status, never an exception (docs/architecture.md, solver shape).
enum class Status {
    Converged,
    MaxIterations,
    Diverged,
    Cancelled,
    Invalid,
    NotConverged,
};

inline const char* toString(Status status)
{
    switch (status) {
    case Status::Converged: return "converged";
    case Status::MaxIterations: return "max-iterations";
    case Status::Diverged: return "diverged";
    case Status::Cancelled: return "cancelled";
    case Status::Invalid: return "invalid";
    case Status::NotConverged: return "not-converged";
    }
    return "unknown";
}

// The header every solver result starts with: how the solver ended, in words, and after how many iterations (0
// where a solver does not iterate). Results derive from it, so r.status, r.message, r.iterations and r.ok() read
// the same on all of them. A result that starts out NotConverged (a solver that must prove convergence) says so
// in its constructor; the others start Invalid (nothing computed yet).
struct ResultStatus {
    explicit ResultStatus(Status initial = Status::Invalid) : status(initial) { }
    Status status;
    std::string message;
    int iterations = 0;
    bool ok() const { return status == Status::Converged; }
};

// Inverse of toString; returns false for an unknown name.
inline bool statusFromString(const std::string& name, Status& out)
{
    for (Status s : {Status::Converged, Status::MaxIterations, Status::Diverged, Status::Cancelled, Status::Invalid,
             Status::NotConverged}) {
        if (name == toString(s)) {
            out = s;
            return true;
        }
    }
    return false;
}

}  // namespace sl
