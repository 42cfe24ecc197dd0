// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdio>
#include <string>

namespace sl {

// Numbers in solver messages: %.4g keeps tiny gaps and tolerances readable (std::to_string would print 0.000000).
inline std::string formatNumber(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

}  // namespace sl
