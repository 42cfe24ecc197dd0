// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli solve: the convex problems of docs/theory/convex.md §1-§2 on user data (core/convex).
#include "app/cli/cli.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/convex/lasso_solver.h"
#include "core/convex/nuclear_norm_solver.h"

#include <cmath>

namespace sl::cli {
namespace {

// The solvers' messages already start with the status and the iteration count ("converged after 14 sweeps (Gram
// updates) ..."): print the message as it is, and the bare status only where a solver left no message.
QString statusLine(sl::Status status, const std::string& message)
{
    return message.empty() ? QLatin1String(sl::toString(status)) : QString::fromStdString(message);
}

// λ is --lambda; --weight-decay, the name the other commands use, keeps working. Both at once is ambiguous.
QString penaltyOption(const Options& o)
{
    const bool lambda = o.has(QStringLiteral("lambda"));
    const bool weightDecay = o.has(QStringLiteral("weight-decay"));
    if (lambda && weightDecay)
        throw UsageError{QStringLiteral("give the penalty once: --lambda or --weight-decay, not both")};
    if (!lambda && !weightDecay)
        throw UsageError{QStringLiteral("needs --lambda L (the penalty λ ≥ 0; --weight-decay L is the same)")};
    return lambda ? QStringLiteral("lambda") : QStringLiteral("weight-decay");
}

int exitFor(sl::Status status)
{
    if (interruptToken().isCancelled())
        return kRunFailed;
    return status == sl::Status::Converged || status == sl::Status::MaxIterations ? kSuccess : kRunFailed;
}

int solveLasso(const Options& o, const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda)
{
    sl::LassoConfig config;
    config.lambda = lambda;
    config.units = sl::LassoUnits::Plain;
    config.gapTolerance = o.number(QStringLiteral("tolerance"), config.gapTolerance, 1e-300, 1);
    config.maxSweeps = int(o.integer(QStringLiteral("max-iterations"), config.maxSweeps, 1, 2000000000));
    sl::LassoSolver solver(X, y, config);
    ProgressBar bar(o, QStringLiteral("lasso"), config.maxSweeps);
    const sl::LassoResult r = solver.run(
        [&](const sl::LassoSnapshot& s) {
            bar.update(s.iteration, QStringLiteral("gap %1").arg(s.dualityGap, 0, 'g', 3));
        },
        interruptToken());
    bar.finish();
    QJsonObject json;
    json[QStringLiteral("problem")] = QStringLiteral("lasso");
    json[QStringLiteral("objective_form")] = QStringLiteral("1/2 ||y - X theta||^2 + lambda ||theta||_1");
    json[QStringLiteral("weight_decay")] = lambda;
    json[QStringLiteral("samples")] = int(X.rows());
    json[QStringLiteral("dimension")] = int(X.cols());
    json[QStringLiteral("status")] = QLatin1String(sl::toString(r.status));
    json[QStringLiteral("message")] = QString::fromStdString(r.message);
    json[QStringLiteral("iterations")] = r.iterations;
    json[QStringLiteral("objective")] = jsonNumber(r.objective);
    json[QStringLiteral("dual_objective")] = jsonNumber(r.dualObjective);
    json[QStringLiteral("duality_gap")] = jsonNumber(r.dualityGap);
    json[QStringLiteral("relative_gap")] = jsonNumber(r.relativeGap);
    json[QStringLiteral("kkt_violation")] = jsonNumber(r.kktViolation);
    json[QStringLiteral("lambda_max")] = jsonNumber(solver.lambdaMax());
    json[QStringLiteral("active_count")] = r.activeCount;
    json[QStringLiteral("solution")] = jsonArray(r.theta);

    QList<QStringList> rows{{QStringLiteral("j"), QStringLiteral("theta_j")}};
    for (Eigen::Index j = 0; j < r.theta.size(); ++j) {
        if (r.theta[j] != 0)
            rows.append({QString::number(j + 1), QString::number(r.theta[j], 'g', 12)});
    }
    const QString human
        = formatPairs({
              {QStringLiteral("problem"),
                  QStringLiteral("½‖y − Xθ‖² + λ‖θ‖₁, X %1×%2, λ = %3").arg(X.rows()).arg(X.cols()).arg(lambda)},
              {QStringLiteral("status"), statusLine(r.status, r.message)},
              {QStringLiteral("objective"), QString::number(r.objective, 'g', 12)},
              {QStringLiteral("duality gap"), formatNumber(r.dualityGap)},
              {QStringLiteral("KKT violation"), formatNumber(r.kktViolation)},
              {QStringLiteral("nonzeros"), QString::number(r.activeCount)},
          })
        + QStringLiteral("\nNonzero coefficients (1-based):\n") + formatTable(rows);
    present(o, json, human);
    return exitFor(r.status);
}

// Sensing matrices: row μ of the n×d² file is A_μ flattened (row-major = column-major, A_μ being symmetric).
std::vector<Eigen::MatrixXd> sensingMatrices(const QString& path, const Eigen::MatrixXd& rows)
{
    const Eigen::Index cols = rows.cols();
    const auto d = Eigen::Index(std::llround(std::sqrt(double(cols))));
    if (d * d != cols)
        throw UsageError{
            QStringLiteral("%1: sensing matrices must be rows of d·d numbers (got %2 columns, not a square)")
                .arg(path)
                .arg(cols)};
    std::vector<Eigen::MatrixXd> out;
    out.reserve(size_t(rows.rows()));
    for (Eigen::Index mu = 0; mu < rows.rows(); ++mu) {
        Eigen::MatrixXd a(d, d);
        for (Eigen::Index i = 0; i < d; ++i)
            for (Eigen::Index j = 0; j < d; ++j)
                a(i, j) = rows(mu, i * d + j);
        const double scale = std::max(a.cwiseAbs().maxCoeff(), 1e-300);
        if ((a - a.transpose()).cwiseAbs().maxCoeff() > 1e-10 * scale)
            throw UsageError{QStringLiteral("%1: sensing matrix %2 (row %2) is not symmetric").arg(path).arg(mu + 1)};
        out.push_back(a);
    }
    return out;
}

int solveNuclear(
    const Options& o, const QString& xPath, const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda)
{
    const std::vector<Eigen::MatrixXd> sensing = sensingMatrices(xPath, X);
    sl::NuclearNormConfig config;
    config.lambda = lambda;
    config.optimalityTolerance = o.number(QStringLiteral("tolerance"), config.optimalityTolerance, 1e-300, 1);
    config.maxIterations = int(o.integer(QStringLiteral("max-iterations"), config.maxIterations, 1, 2000000000));
    sl::NuclearNormSolver solver(sensing, y, config);
    ProgressBar bar(o, QStringLiteral("nuclear"), config.maxIterations);
    const sl::NuclearNormResult r = solver.run(
        [&](const sl::NuclearNormSnapshot& s) {
            bar.update(s.iteration, QStringLiteral("optimality %1").arg(s.optimality, 0, 'g', 3));
        },
        interruptToken());
    bar.finish();
    QJsonObject json;
    json[QStringLiteral("problem")] = QStringLiteral("nuclear");
    json[QStringLiteral("objective_form")] = QStringLiteral("sum_mu (y_mu - Tr[S A_mu])^2 + lambda Tr S, S PSD");
    json[QStringLiteral("weight_decay")] = lambda;
    json[QStringLiteral("samples")] = int(y.size());
    json[QStringLiteral("dimension")] = solver.dimension();
    json[QStringLiteral("status")] = QLatin1String(sl::toString(r.status));
    json[QStringLiteral("message")] = QString::fromStdString(r.message);
    json[QStringLiteral("iterations")] = r.iterations;
    json[QStringLiteral("objective")] = jsonNumber(r.objective);
    json[QStringLiteral("optimality")] = jsonNumber(r.optimality);
    json[QStringLiteral("rank")] = r.rank;
    json[QStringLiteral("eigenvalues")] = jsonArray(r.eigenvalues);
    json[QStringLiteral("solution")] = jsonMatrix(r.S);
    QString matrix;
    for (Eigen::Index i = 0; i < r.S.rows(); ++i) {
        QStringList row;
        for (Eigen::Index j = 0; j < r.S.cols(); ++j)
            row.append(QString::number(r.S(i, j), 'g', 8));
        matrix += row.join(QLatin1Char(' ')) + QLatin1Char('\n');
    }
    QStringList eig;
    for (Eigen::Index i = 0; i < r.eigenvalues.size(); ++i)
        eig.append(formatNumber(r.eigenvalues[i]));
    const QString human = formatPairs({
                              {QStringLiteral("problem"),
                                  QStringLiteral("Σ(y − Tr[S A])² + λ Tr S over S ⪰ 0, n = %1, "
                                                 "d = %2, λ = %3")
                                      .arg(y.size())
                                      .arg(solver.dimension())
                                      .arg(lambda)},
                              {QStringLiteral("status"), statusLine(r.status, r.message)},
                              {QStringLiteral("objective"), QString::number(r.objective, 'g', 12)},
                              {QStringLiteral("optimality"), formatNumber(r.optimality)},
                              {QStringLiteral("rank"), QString::number(r.rank)},
                              {QStringLiteral("eigenvalues"), eig.join(QLatin1Char(' '))},
                          })
        + QStringLiteral("\nS:\n") + matrix;
    present(o, json, human);
    return exitFor(r.status);
}

}  // namespace

int runSolve(const QStringList& arguments)
{
    Options o(QStringLiteral("solve"), QStringLiteral("lasso|nuclear --X FILE --y FILE --lambda L [options]"),
        QStringLiteral("The convex solvers on your data (docs/theory/convex.md §1-§2):\n"
                       "  lasso    minimise ½‖y − Xθ‖² + λ‖θ‖₁ (coordinate descent, duality-gap stop); X is n×d.\n"
                       "  nuclear  minimise Σ_μ (y_μ − Tr[S A_μ])² + λ Tr S over PSD S (FISTA); the symmetric\n"
                       "           sensing matrices A_μ (d×d) are the rows of the --X file, each row holding A_μ's\n"
                       "           d² entries in row-major order, so the file is n×d² (CSV, text or .npy)."));
    o.value(QStringLiteral("X"), QStringLiteral("FILE"),
        QStringLiteral("Design matrix (lasso) or sensing matrices (nuclear)."));
    o.value(QStringLiteral("y"), QStringLiteral("FILE"), QStringLiteral("Responses, one per line (or --y-column)."));
    o.value(QStringLiteral("y-column"), QStringLiteral("NAME|K"), QStringLiteral("Column of the --y file."));
    o.value(QStringLiteral("lambda"), QStringLiteral("L"), QStringLiteral("Penalty λ ≥ 0."));
    o.value(QStringLiteral("weight-decay"), QStringLiteral("L"), QStringLiteral("The same as --lambda (older name)."));
    o.value(QStringLiteral("tolerance"), QStringLiteral("T"),
        QStringLiteral("lasso: relative duality gap (default 1e-10); nuclear: optimality (default 1e-9)."));
    o.value(QStringLiteral("max-iterations"), QStringLiteral("K"),
        QStringLiteral("Sweeps (lasso) or iterations (nuclear)."));
    o.epilogue(
        QStringLiteral("The optimality measure: lasso reports the duality gap and the KKT violation\n"
                       "max_j |x_jᵀ(y − Xθ) − λ sign θ_j| (θ_j ≠ 0), (|x_jᵀ(y − Xθ)| − λ)₊ (θ_j = 0); nuclear reports\n"
                       "‖S − Π_PSD(S − ∇f(S) − λI)‖_F relative to the gradient scale at S = 0."));
    o.parse(arguments);
    if (o.helpRequested()) {
        writeOutput(o, o.helpText().toUtf8());
        return kSuccess;
    }
    o.requirePositional(1, QStringLiteral("the problem (lasso or nuclear)"));
    const QString problem = o.positional().first();
    if (problem != QLatin1String("lasso") && problem != QLatin1String("nuclear"))
        throw UsageError{QStringLiteral("unknown problem '%1' (lasso or nuclear)").arg(problem)};
    for (const char* required : {"X", "y"}) {
        if (!o.has(QLatin1String(required)))
            throw UsageError{QStringLiteral("needs --%1").arg(QLatin1String(required))};
    }
    const QString lambdaOption = penaltyOption(o);
    const double lambda = o.number(lambdaOption, 0, 0, 1e300);
    const QString xPath = o.text(QStringLiteral("X"));
    const QString yPath = o.text(QStringLiteral("y"));
    const Eigen::MatrixXd X = readMatrix(xPath);
    const Eigen::VectorXd y = readNumbers(yPath, o.text(QStringLiteral("y-column")));
    if (X.rows() != y.size())
        throw UsageError{QStringLiteral("shape mismatch: %1 has %2 rows but %3 has %4 values")
                             .arg(xPath)
                             .arg(X.rows())
                             .arg(yPath)
                             .arg(y.size())};
    return problem == QLatin1String("lasso") ? solveLasso(o, X, y, lambda) : solveNuclear(o, xPath, X, y, lambda);
}

}  // namespace sl::cli
