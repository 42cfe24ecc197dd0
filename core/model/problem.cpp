// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/problem.h"

namespace sl {

Problem makeProblem(const ProblemConfig& config)
{
    config.validate();
    Rng rng(config.seed);
    Problem problem;
    problem.config = config;
    problem.teacher = makeTeacher(config, rng);
    problem.data = makeDataset(config, problem.teacher, rng);
    return problem;
}

}  // namespace sl
