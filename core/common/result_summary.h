// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/status.h"

#include <string>

namespace sl {

// The summary of a result made of many independent solves (curve points, diagram cells): Converged with "all N
// <items> converged" when none failed, NotConverged with "F of N <items> did not converge" otherwise.
inline void setCountStatus(ResultStatus& result, long long failed, long long total, const std::string& items)
{
    const bool allConverged = failed == 0;
    result.status = allConverged ? Status::Converged : Status::NotConverged;
    result.message = allConverged
        ? "all " + std::to_string(total) + " " + items + " converged"
        : std::to_string(failed) + " of " + std::to_string(total) + " " + items + " did not converge";
}

}  // namespace sl
