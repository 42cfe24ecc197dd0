// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/model/dataset.h"
#include "core/model/problem_config.h"
#include "core/model/teacher.h"

namespace sl {

// One problem instance: its configuration, the teacher drawn from it and the training data.
struct Problem {
    ProblemConfig config;
    Teacher teacher;
    Dataset data;
};

// Validates config (throws sl::ValidationError), then draws the teacher and then the data from Rng(config.seed):
// the same config gives a bit-identical problem on every platform.
Problem makeProblem(const ProblemConfig& config);

}  // namespace sl
