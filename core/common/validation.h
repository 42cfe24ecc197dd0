// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

namespace sl {

// Thrown before any work starts when a configuration is out of range. The message names the parameter.
class ValidationError : public std::invalid_argument {
public:
    ValidationError(const std::string& parameter, const std::string& problem)
        : std::invalid_argument(parameter + ": " + problem), m_parameter(parameter)
    {
    }
    const std::string& parameter() const { return m_parameter; }

private:
    std::string m_parameter;
};

inline void requireFinite(const std::string& name, double value)
{
    if (!std::isfinite(value))
        throw ValidationError(name, "must be a finite number (got " + std::to_string(value) + ")");
}

inline void requirePositive(const std::string& name, double value)
{
    requireFinite(name, value);
    if (!(value > 0))
        throw ValidationError(name, "must be > 0 (got " + std::to_string(value) + ")");
}

inline void requireNonNegative(const std::string& name, double value)
{
    requireFinite(name, value);
    if (!(value >= 0))
        throw ValidationError(name, "must be >= 0 (got " + std::to_string(value) + ")");
}

inline void requireAtLeast(const std::string& name, long long value, long long minimum)
{
    if (value < minimum)
        throw ValidationError(name, "must be >= " + std::to_string(minimum) + " (got " + std::to_string(value) + ")");
}

}  // namespace sl
