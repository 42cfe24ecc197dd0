// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/dataset.h"

#include <cmath>

namespace sl {

Eigen::VectorXd teacherOutput(const Teacher& teacher, const Eigen::MatrixXd& X)
{
    const double sqrtD = std::sqrt(double(X.cols()));
    if (teacher.model == ModelKind::Quadratic) {
        // docs/theory/models.md §3: f*(x) = (xᵀS*x − Tr S*)/√d = Tr[S* Z] with Z = (xxᵀ − I)/√d.
        const Eigen::MatrixXd xs = X * teacher.matrix;
        const Eigen::VectorXd quadratic = (xs.array() * X.array()).rowwise().sum().matrix();
        return (quadratic.array() - teacher.matrix.trace()).matrix() / sqrtD;
    }
    // docs/theory/models.md §2: f*(x) = θ*ᵀx/√d.
    return X * teacher.spectrum / sqrtD;
}

Dataset makeDataset(const ProblemConfig& config, const Teacher& teacher, Rng& rng)
{
    Dataset data;
    data.X = rng.normalMatrix(config.samples, config.dimension);
    const Eigen::VectorXd xi = rng.normalVector(config.samples);
    data.y = teacherOutput(teacher, data.X) + std::sqrt(config.noise) * xi;
    return data;
}

}  // namespace sl
