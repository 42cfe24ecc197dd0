// SPDX-License-Identifier: GPL-3.0-or-later
// Scaling Lab's side of the peer comparisons run by scripts/bench (issue 10). Every benchmark here solves the
// problem that bench/peers/make_problems.py wrote (--data=DIR) so that the peer scripts in bench/peers/ time the
// identical problem with the same loss, optimiser, step count and stopping tolerance. Without --data the same shapes
// are synthesised from sl::Rng, so the program also runs on its own (scripts/test only builds it).
//
// Usage: bench_compare_peers [--data=DIR] [--dense=automatic|eigen|blas] [--write-goe=FILE] [Google Benchmark flags]
//   --dense           which engine runs the large products (core/common/dense_products.h; default automatic)
//   --write-goe=FILE  writes the K GOE samples Z_k of the SE benchmark (d×d each, drawn exactly as
//                     core/theory/matrix_state_evolution.cpp draws them) as a K×d×d .npy, for the numpy SE peer,
//                     and the curve's points as FILE.curve.csv, then exits.
//
// Each benchmark but lasso_path and se_curve runs its operation once untimed before the timed loop (the peers do the
// same); each reports the solver's own diagnostics (final objective, sweeps, iterations) as counters so scripts/bench
// can check that both sides solved the same problem.
#include "core/common/compute_threads.h"
#include "core/common/dense_products.h"
#include "core/convex/lasso_solver.h"
#include "core/io/matrix_reader.h"
#include "core/model/problem.h"
#include "core/model/quadratic_net.h"
#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/theory/state_evolution_curve.h"
#include "core/train/trainer.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <dlfcn.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

std::string g_dataDir;

bool haveData(const std::string& name)
{
    if (g_dataDir.empty())
        return false;
    struct stat info;
    return stat((g_dataDir + "/" + name).c_str(), &info) == 0;
}

Eigen::MatrixXd readData(const std::string& name)
{
    return sl::io::readMatrixFile(g_dataDir + "/" + name);
}

// Whitespace-separated numbers (the *_params.txt files make_problems.py writes).
std::vector<double> readParams(const std::string& name, std::vector<double> fallback)
{
    if (!haveData(name))
        return fallback;
    const Eigen::VectorXd v = sl::io::readNumbersFile(g_dataDir + "/" + name);
    return std::vector<double>(v.data(), v.data() + v.size());
}

// Runs `work` once untimed per benchmark name per process (Google Benchmark calls the function once per batch).
void warmUpOnce(const std::string& name, const std::function<void()>& work)
{
    static std::set<std::string> done;
    if (done.insert(name).second)
        work();
}

// --- Quadratic network: full-batch GD with heavy-ball momentum (PyTorch's SGD form), and one gradient ------------

// 4ndp: the two n×d×p products of one objective+gradient, from the shape.
double gradientFlops(const sl::Problem& problem, const Eigen::MatrixXd& w)
{
    return 4.0 * double(problem.data.X.rows()) * double(w.rows()) * double(w.cols());
}

struct QuadraticCase {
    sl::Problem problem;
    Eigen::MatrixXd w0;
    double learningRate = 0;
    double momentum = 0;
    int steps = 0;
};

const QuadraticCase& quadraticCase()
{
    static const QuadraticCase c = [] {
        // quad_params.txt: d p n λ lr momentum steps (bench/peers/make_problems.py).
        const std::vector<double> p = readParams("quad_params.txt", {100, 100, 20000, 1.0, 0.05, 0.5, 50});
        QuadraticCase out;
        sl::ProblemConfig config;
        config.model = sl::ModelKind::Quadratic;
        config.dimension = int(p[0]);
        config.width = int(p[1]);
        config.samples = (long long)p[2];
        config.weightDecay = p[3];
        config.seed = 11;
        out.problem = sl::makeProblem(config);
        if (haveData("quad_X.npy")) {
            // The peer's data, so both sides see bit-identical X, y and W0.
            out.problem.data.X = readData("quad_X.npy");
            out.problem.data.y = readData("quad_y.npy").col(0);
            out.w0 = readData("quad_W0.npy");
        } else {
            sl::Rng rng(12);
            out.w0 = rng.normalMatrix(config.dimension, config.width) / std::sqrt(double(config.dimension));
        }
        out.learningRate = p[4];
        out.momentum = p[5];
        out.steps = int(p[6]);
        return out;
    }();
    return c;
}

void quadraticTraining(benchmark::State& state)
{
    const QuadraticCase& c = quadraticCase();
    sl::TrainConfig config = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
    config.learningRate = c.learningRate;
    config.momentum = c.momentum;
    config.maxIterations = c.steps;
    // Exactly `steps` steps, as the peer: no early stop.
    config.gradientTolerance = 0;
    config.lossChangeTolerance = 0;
    sl::TrainResult result;
    auto work = [&] { result = sl::Trainer::runFrom(c.problem, config, c.w0); };
    warmUpOnce("quadratic_training", work);
    for (auto _ : state)
        work();
    state.counters["objective"] = result.objective;
    state.counters["steps"] = result.iterations;
    state.counters["evaluations"] = result.iterations + 1;  // the start point and one per step
    state.SetLabel(sl::toString(result.status));
}

void quadraticGradient(benchmark::State& state)
{
    const QuadraticCase& c = quadraticCase();
    sl::QuadraticNet net(c.problem.data, c.problem.config.weightDecay);
    Eigen::MatrixXd gradient(c.w0.rows(), c.w0.cols());
    double value = 0;
    auto work = [&] { value = net.objectiveAndGradient(c.w0, gradient); };
    warmUpOnce("quadratic_gradient", work);
    for (auto _ : state) {
        work();
        benchmark::DoNotOptimize(gradient.data());
    }
    // From the shape (scripts/bench divides by the median time): the nominal 2 · 2ndp of the two n×d×p products a
    // plain implementation (PyTorch's autograd) performs, and the fewer flops our algorithm performs.
    state.counters["flops_per_call"] = gradientFlops(c.problem, c.w0);
    state.counters["performed_flops_per_call"]
        = sl::quadraticNetBlasFlops(c.problem.data.X.rows(), c.w0.rows(), c.w0.cols(), true);
    state.counters["objective"] = value;
    state.counters["gradient_norm"] = gradient.norm();
}

// --- Quadratic network trained with L-BFGS to convergence (issue 23), d = p = 100 and 200, n = 200 d -------------

struct LbfgsCase {
    sl::Problem problem;
    Eigen::MatrixXd w0;
    Eigen::MatrixXd teacher;  // S*, for the excess risk 2·(1/d)‖WWᵀ − S*‖_F² of the peer's data
    sl::TrainConfig config;
};

const LbfgsCase& lbfgsCase(int d)
{
    static std::map<int, LbfgsCase> cases;
    auto found = cases.find(d);
    if (found != cases.end())
        return found->second;
    const std::string prefix = "lbfgs_" + std::to_string(d) + "_";
    // lbfgs_<d>_params.txt: d p n λ history lossChangeTolerance gradientTolerance maxIterations.
    const std::vector<double> p
        = readParams(prefix + "params.txt", {double(d), double(d), 200.0 * d, 1.0, 20, 1e-12, 1e-10, 50000});
    LbfgsCase c;
    sl::ProblemConfig config;
    config.model = sl::ModelKind::Quadratic;
    config.dimension = int(p[0]);
    config.width = int(p[1]);
    config.samples = (long long)p[2];
    config.weightDecay = p[3];
    config.noise = 0.5;
    config.seed = 23;
    c.problem = sl::makeProblem(config);
    c.config = sl::TrainConfig::defaults(sl::Optimizer::Lbfgs);
    c.config.lbfgsMemory = int(p[4]);
    c.config.lossChangeTolerance = p[5];
    c.config.gradientTolerance = p[6];
    c.config.maxIterations = int(p[7]);
    if (haveData(prefix + "X.npy")) {
        c.problem.data.X = readData(prefix + "X.npy");
        c.problem.data.y = readData(prefix + "y.npy").col(0);
        c.w0 = readData(prefix + "W0.npy");
        c.teacher = readData(prefix + "S.npy");
    } else {
        c.w0 = sl::Trainer::initialWeights(c.problem, c.config);
        c.teacher = c.problem.teacher.matrix;
    }
    return cases.emplace(d, std::move(c)).first->second;
}

void lbfgsTraining(benchmark::State& state, int d)
{
    const LbfgsCase& c = lbfgsCase(d);
    sl::TrainResult result;
    // No warm-up run: one training takes seconds (the PyTorch peer does not warm it up either).
    for (auto _ : state)
        result = sl::Trainer::runFrom(c.problem, c.config, c.w0);
    state.counters["objective"] = result.objective;
    state.counters["lbfgs_iterations"] = result.iterations;
    state.counters["evaluations"] = result.evaluations;
    state.counters["gradient_norm"] = result.gradientNorm;
    state.counters["excess_risk"] = 2.0 * (result.S - c.teacher).squaredNorm() / double(c.teacher.rows());
    state.counters["flops_per_evaluation"] = gradientFlops(c.problem, c.w0);
    state.SetLabel(sl::toString(result.status));
}

void lbfgsGradient(benchmark::State& state, int d)
{
    const LbfgsCase& c = lbfgsCase(d);
    sl::QuadraticNet net(c.problem.data, c.problem.config.weightDecay);
    Eigen::MatrixXd gradient(c.w0.rows(), c.w0.cols());
    double value = 0;
    auto work = [&] { value = net.objectiveAndGradient(c.w0, gradient); };
    warmUpOnce("lbfgs_gradient_" + std::to_string(d), work);
    for (auto _ : state) {
        work();
        benchmark::DoNotOptimize(gradient.data());
    }
    state.counters["flops_per_call"] = gradientFlops(c.problem, c.w0);
    state.counters["performed_flops_per_call"]
        = sl::quadraticNetBlasFlops(c.problem.data.X.rows(), c.w0.rows(), c.w0.cols(), true);
    state.counters["objective"] = value;
    state.counters["gradient_norm"] = gradient.norm();
}

// C = A·B with Eigen (this build's flags and threads): the machine's GEMM rate as our code sees it.
void gemm(benchmark::State& state, Eigen::Index rows, Eigen::Index inner, Eigen::Index cols)
{
    sl::Rng rng(3);
    const Eigen::MatrixXd a = rng.normalMatrix(rows, inner);
    const Eigen::MatrixXd b = rng.normalMatrix(inner, cols);
    Eigen::MatrixXd product(rows, cols);
    auto work = [&] { product.noalias() = a * b; };
    warmUpOnce("gemm" + std::to_string(rows) + "x" + std::to_string(inner) + "x" + std::to_string(cols), work);
    for (auto _ : state) {
        work();
        benchmark::DoNotOptimize(product.data());
    }
    state.counters["flops"] = benchmark::Counter(
        2.0 * double(rows) * double(inner) * double(cols), benchmark::Counter::kIsIterationInvariantRate);
}

// C = A·B through the system BLAS (cblas_dgemm): the rate the gradient's two products can reach at their shape,
// measured in the same run as the gradient (issue 23's "share of the machine's GEMM rate").
void gemmBlas(benchmark::State& state, Eigen::Index rows, Eigen::Index inner, Eigen::Index cols)
{
    sl::Rng rng(3);
    const Eigen::MatrixXd a = rng.normalMatrix(rows, inner);
    const Eigen::MatrixXd b = rng.normalMatrix(inner, cols);
    Eigen::MatrixXd product(rows, cols);
    auto work = [&] { sl::blasGemm(false, false, 1.0, a, b, 0.0, product); };
    warmUpOnce("gemm_blas" + std::to_string(rows) + "x" + std::to_string(inner) + "x" + std::to_string(cols), work);
    for (auto _ : state) {
        work();
        benchmark::DoNotOptimize(product.data());
    }
    state.counters["flops"] = benchmark::Counter(
        2.0 * double(rows) * double(inner) * double(cols), benchmark::Counter::kIsIterationInvariantRate);
}

// --- LASSO: one λ at duality gap 1e-10, and a 50-point path ------------------------------------------------------

struct LassoCase {
    Eigen::MatrixXd X;
    Eigen::VectorXd y;
    double lambda = 0;
    double gapTolerance = 0;
    std::vector<double> pathLambdas;
};

const LassoCase& lassoCase()
{
    static const LassoCase c = [] {
        LassoCase out;
        // lasso_params.txt: λ gapTolerance (λ in the ½‖y − Xθ‖² + λ‖θ‖₁ units).
        const std::vector<double> p = readParams("lasso_params.txt", {0, 1e-10});
        if (haveData("lasso_X.npy")) {
            out.X = readData("lasso_X.npy");
            out.y = readData("lasso_y.npy").col(0);
            const Eigen::VectorXd lambdas = readData("lasso_path_lambdas.npy").col(0);
            out.pathLambdas.assign(lambdas.data(), lambdas.data() + lambdas.size());
        } else {
            sl::Rng rng(21);
            const int n = 2000, d = 2000;
            out.X = rng.normalMatrix(n, d) / std::sqrt(double(n));
            Eigen::VectorXd theta = Eigen::VectorXd::Zero(d);
            for (int i = 0; i < d; ++i)
                theta[i] = rng.normal() * std::pow(double(i + 1), -1.0);
            out.y = out.X * theta + 0.1 * rng.normalVector(n);
        }
        const double lambdaMax = (out.X.transpose() * out.y).cwiseAbs().maxCoeff();
        out.lambda = p[0] > 0 ? p[0] : 0.01 * lambdaMax;
        out.gapTolerance = p[1];
        if (out.pathLambdas.empty())
            for (int k = 0; k < 50; ++k)
                out.pathLambdas.push_back(lambdaMax * std::pow(1e-3, k / 49.0));
        return out;
    }();
    return c;
}

// updates: Automatic is what the app uses; Naive (residual updates) is timed too, as a diagnostic of that choice.
void lassoSolve(benchmark::State& state, sl::LassoUpdates updates)
{
    const LassoCase& c = lassoCase();
    sl::LassoConfig config;
    config.lambda = c.lambda;
    config.updates = updates;
    config.gapTolerance = c.gapTolerance;
    config.observeEvery = 0;
    sl::LassoResult result;
    // The solver is built inside the timed region: it copies X and forms Xᵀy, as scikit-learn's fit() does.
    auto work = [&] { result = sl::LassoSolver(c.X, c.y, config).run(); };
    warmUpOnce("lasso_solve" + std::to_string(int(updates)), work);
    for (auto _ : state)
        work();
    state.counters["objective"] = result.objective;
    state.counters["relative_gap"] = result.relativeGap;
    state.counters["sweeps"] = result.iterations;
    state.counters["active"] = result.activeCount;
    state.SetLabel(sl::toString(result.status));
}

void lassoPath(benchmark::State& state)
{
    const LassoCase& c = lassoCase();
    sl::LassoConfig config;
    config.lambda = c.pathLambdas.front();
    config.gapTolerance = c.gapTolerance;
    config.observeEvery = 0;
    sl::LassoPathConfig path;
    path.lambdas = c.pathLambdas;
    std::vector<sl::LassoResult> results;
    // No warm-up run: the path takes seconds (the scikit-learn peer does not warm it up either).
    for (auto _ : state)
        results = sl::LassoSolver(c.X, c.y, config).path(path);
    double sweeps = 0, unconverged = 0;
    for (const auto& r : results) {
        sweeps += r.iterations;
        unconverged += r.status != sl::Status::Converged;
    }
    state.counters["points"] = double(results.size());
    state.counters["sweeps"] = sweeps;
    state.counters["unconverged"] = unconverged;
    state.counters["last_objective"] = results.empty() ? 0.0 : results.back().objective;
    state.counters["last_active"] = results.empty() ? 0.0 : results.back().activeCount;
}

// --- Eigenvalues of a symmetric matrix -----------------------------------------------------------------------------

void eigenvalues(benchmark::State& state, int d)
{
    const std::string file = "eig_" + std::to_string(d) + ".npy";
    Eigen::MatrixXd a;
    if (haveData(file)) {
        a = readData(file);
    } else {
        sl::Rng rng(31);
        const Eigen::MatrixXd g = rng.normalMatrix(d, d);
        a = (g + g.transpose()) / std::sqrt(2.0 * d);
    }
    Eigen::VectorXd values;
    auto work = [&] { values = sl::symmetricEigenvalues(a); };
    warmUpOnce(file, work);
    for (auto _ : state)
        work();
    state.counters["largest"] = values[values.size() - 1];
    state.counters["smallest"] = values[0];
}

// --- Power-law tail fit (exhaustive xmin scan, as plfit's linear scan) ---------------------------------------------

void tailFit(benchmark::State& state)
{
    Eigen::VectorXd values;
    if (haveData("tail_values.npy")) {
        values = readData("tail_values.npy").col(0);
    } else {
        sl::Rng rng(41);
        values.resize(10000);
        for (Eigen::Index i = 0; i < values.size(); ++i)
            values[i] = std::pow(rng.uniform(), -1.0 / 1.5);
    }
    sl::TailFitConfig config;
    // plfit scans every unique value as xmin and computes no likelihood ratios or p-value: do the same work.
    config.minTail = 2;
    config.likelihoodRatios = false;
    config.bootstrapReplicates = 0;
    const sl::TailFitter fitter(config);
    sl::TailFit fit;
    auto work = [&] { fit = fitter.run(values); };
    warmUpOnce("tail_fit", work);
    for (auto _ : state)
        work();
    state.counters["alpha"] = fit.alpha;
    state.counters["xmin"] = fit.xmin;
    state.counters["ks"] = fit.ks;
    state.counters["candidates"] = fit.candidates;
}

// --- Quadratic state-evolution curve (docs/theory/state-evolution.md §6), d = 200 ------------------------------------

sl::StateEvolutionCurveConfig seCurveConfig()
{
    // se_params.txt: d γ λ Δ K seed tolerance maxIterations; se_grid.npy: the n_eff values.
    const std::vector<double> p = readParams("se_params.txt", {200, 1.0, 1.0, 0.5, 32, 1, 1e-6, 1000});
    sl::StateEvolutionCurveConfig c;
    c.model = sl::ModelKind::Quadratic;
    c.d = int(p[0]);
    c.gamma = p[1];
    c.lambda = p[2];
    c.noise = p[3];
    c.samples = int(p[4]);
    c.seed = std::uint64_t(p[5]);
    c.matrixTolerance = p[6];
    c.matrixMaxIterations = int(p[7]);
    if (haveData("se_grid.npy")) {
        const Eigen::VectorXd grid = readData("se_grid.npy").col(0);
        c.nEffValues.assign(grid.data(), grid.data() + grid.size());
    } else {
        c.nEffMin = 20;
        c.nEffMax = 2000;
        c.points = 5;
    }
    return c;
}

void seCurve(benchmark::State& state)
{
    const sl::StateEvolutionCurve curve(seCurveConfig());
    sl::StateEvolutionCurveResult result;
    // No warm-up run: one curve takes seconds, so start-up effects are negligible (the numpy peer does the same).
    for (auto _ : state)
        result = curve.run();
    double iterations = 0;
    for (const auto& p : result.points)
        iterations += p.iterations;
    state.counters["points"] = double(result.points.size());
    state.counters["failed"] = result.failedPoints;
    // ("iterations" would clash with Google Benchmark's own field in the JSON output.)
    state.counters["delta_iterations"] = iterations;
    state.counters["eigen_decompositions"] = double(result.eigenDecompositions);
    state.counters["eigen_seconds"] = result.eigenSeconds;
    state.counters["first_risk"] = result.points.empty() ? 0.0 : result.points.front().excessRisk;
    state.counters["last_risk"] = result.points.empty() ? 0.0 : result.points.back().excessRisk;
}

// Z_k = (G + Gᵀ)/√(2d) with G from Rng(master.nextSeed()), master = Rng(seed): the draws of
// core/theory/matrix_state_evolution.cpp (GoeEnsemble), written C-order as K×d×d float64 .npy.
int writeGoe(const std::string& path)
{
    const sl::StateEvolutionCurveConfig c = seCurveConfig();
    const int d = c.d, k = c.samples;
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(k) + ", "
        + std::to_string(d) + ", " + std::to_string(d) + "), }";
    // Magic (6) + version (2) + header length (2) + header + '\n', padded with spaces to a multiple of 64.
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const unsigned short length = (unsigned short)header.size();
    const char lengthBytes[2] = {char(length & 0xff), char(length >> 8)};
    out.write(lengthBytes, 2);
    out.write(header.data(), std::streamsize(header.size()));
    sl::Rng master(c.seed);
    for (int s = 0; s < k; ++s) {
        sl::Rng rng(master.nextSeed());
        const Eigen::MatrixXd g = rng.normalMatrix(d, d);
        // Row-major for C order (Z is symmetric, so it is the same matrix either way).
        const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z
            = (g + g.transpose()) / std::sqrt(2.0 * d);
        out.write(reinterpret_cast<const char*>(z.data()), std::streamsize(sizeof(double) * z.size()));
    }
    if (!out) {
        std::cerr << "cannot write " << path << "\n";
        return 1;
    }
    // The curve itself, for the peer's cross-check (n_eff, iterations, excess risk, δ, ε).
    const sl::StateEvolutionCurveResult result = sl::StateEvolutionCurve(c).run();
    std::ofstream csv(path + ".curve.csv");
    csv.precision(17);
    csv << "n_eff,iterations,excess_risk,delta,epsilon,status\n";
    for (const auto& p : result.points)
        csv << p.nEff << ',' << p.iterations << ',' << p.excessRisk << ',' << p.delta << ',' << p.epsilon << ','
            << sl::toString(p.status) << '\n';
    return csv ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    std::string goePath;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--data=", 0) == 0) {
            g_dataDir = arg.substr(7);
        } else if (arg.rfind("--dense=", 0) == 0) {
            const std::string engine = arg.substr(8);
            if (engine == "eigen")
                sl::setDenseBackend(sl::DenseBackend::Eigen);
            else if (engine == "blas")
                sl::setDenseBackend(sl::DenseBackend::Blas);
            else if (engine != "automatic") {
                std::cerr << "--dense must be automatic, eigen or blas\n";
                return 2;
            }
        } else if (arg.rfind("--write-goe=", 0) == 0) {
            goePath = arg.substr(12);
        } else {
            std::cerr << "unknown argument " << arg << "\n";
            return 2;
        }
    }
    try {
        if (!goePath.empty())
            return writeGoe(goePath);
        benchmark::RegisterBenchmark("quadratic_training", quadraticTraining)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark("quadratic_gradient", quadraticGradient)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        for (int d : {100, 200}) {
            benchmark::RegisterBenchmark(("lbfgs_" + std::to_string(d)).c_str(), lbfgsTraining, d)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime()
                ->Iterations(1);
        }
        benchmark::RegisterBenchmark("quadratic_gradient_200", lbfgsGradient, 200)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark("quadratic_gradient_100", lbfgsGradient, 100)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        // The system BLAS at 2000³ and at the gradient's two shapes (n×d times d×p, n = 200 d, d = p).
        benchmark::RegisterBenchmark("gemm_blas_square_2000", gemmBlas, 2000, 2000, 2000)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        for (Eigen::Index d : {100, 200}) {
            const std::string name
                = "gemm_blas_" + std::to_string(200 * d) + "x" + std::to_string(d) + "x" + std::to_string(d);
            benchmark::RegisterBenchmark(name.c_str(), gemmBlas, 200 * d, d, d)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
        benchmark::RegisterBenchmark("gemm_square_2000", gemm, 2000, 2000, 2000)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        // The shape of one product in the quadratic gradient (n×d times d×p).
        benchmark::RegisterBenchmark("gemm_tall_20000x100x100", gemm, 20000, 100, 100)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark("lasso_solve", lassoSolve, sl::LassoUpdates::Automatic)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark("lasso_solve_naive", lassoSolve, sl::LassoUpdates::Naive)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark("lasso_path", lassoPath)->Unit(benchmark::kMillisecond)->UseRealTime();
        benchmark::RegisterBenchmark("eigenvalues_200", eigenvalues, 200)->Unit(benchmark::kMillisecond)->UseRealTime();
        benchmark::RegisterBenchmark("eigenvalues_800", eigenvalues, 800)->Unit(benchmark::kMillisecond)->UseRealTime();
        benchmark::RegisterBenchmark("tail_fit", tailFit)->Unit(benchmark::kMillisecond)->UseRealTime();
        benchmark::RegisterBenchmark("se_curve", seCurve)->Unit(benchmark::kMillisecond)->UseRealTime();
        // Wall time everywhere: the products run on several threads, and the peers are timed by the wall clock too.
        benchmark::AddCustomContext("eigen_threads", std::to_string(Eigen::nbThreads()));
        benchmark::AddCustomContext("blas_threads", std::to_string(sl::blasThreads()));
        benchmark::AddCustomContext("dense_backend", sl::toString(sl::denseBackend()));
        // The kernel OpenBLAS picked for this CPU (OPENBLAS_CORETYPE overrides its detection; scripts/bench runs
        // both sides without it).
        using CoreName = const char* (*)();
        if (const auto coreName = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename")))
            benchmark::AddCustomContext("blas_core", coreName());
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
    } catch (const std::exception& error) {
        std::cerr << "bench_compare_peers: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
