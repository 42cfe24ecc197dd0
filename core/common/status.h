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
