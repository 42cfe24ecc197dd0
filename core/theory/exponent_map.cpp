// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/theory/exponent_map.h"

#include "core/common/format.h"
#include "core/common/validation.h"
#include "core/theory/asymptotic_matrix_state_evolution.h"
#include "core/theory/phase_diagram.h"
#include "core/theory/power_law_quadrature.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <sstream>
#include <thread>

namespace sl {

namespace {

// Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
double studentT95(int dof)
{
    static const double table[]
        = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (dof < 1)
        return std::numeric_limits<double>::infinity();
    return dof <= 30 ? table[dof - 1] : 1.960 + 2.4 / dof;
}

struct LineFit {
    double slope = 0, intercept = 0, residualSq = 0, sxx = 0;
};

LineFit fitLine(const std::vector<double>& x, const std::vector<double>& y, std::size_t from, std::size_t to)
{
    LineFit f;
    const double n = double(to - from);
    double mx = 0, my = 0;
    for (std::size_t i = from; i < to; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    for (std::size_t i = from; i < to; ++i) {
        f.sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    f.slope = f.sxx > 0 ? sxy / f.sxx : 0;
    f.intercept = my - f.slope * mx;
    for (std::size_t i = from; i < to; ++i) {
        const double r = y[i] - f.intercept - f.slope * x[i];
        f.residualSq += r * r;
    }
    return f;
}

// log-log extrapolation of a positive quantity along the ladder from its last two values.
double extrapolate(const std::vector<double>& logD, const std::vector<double>& values, double logDNext)
{
    const std::size_t n = values.size();
    if (n == 0)
        return -1;
    if (n == 1)
        return values[0];
    const double slope = (std::log(values[n - 1]) - std::log(values[n - 2])) / (logD[n - 1] - logD[n - 2]);
    const double guess = values[n - 1] * std::exp(std::clamp(slope, -6.0, 6.0) * (logDNext - logD[n - 1]));
    return std::isfinite(guess) && guess > 0 ? guess : values[n - 1];
}

}  // namespace

void ExponentMapConfig::validate() const
{
    requireFinite("gamma", gamma);
    if (!(gamma > 0.5))
        throw ValidationError("gamma", "must be > 1/2");
    requireNonNegative("noise", noise);
    if (cellA.size() != cellB.size())
        throw ValidationError("cellB", "must have as many entries as cellA");
    if (cellA.empty()) {
        for (auto [name, v] : {std::pair{"aFrom", aFrom}, {"aTo", aTo}, {"bFrom", bFrom}, {"bTo", bTo}})
            requireFinite(name, v);
        if (!(aTo >= aFrom))
            throw ValidationError("aTo", "must be >= aFrom");
        if (!(bTo >= bFrom))
            throw ValidationError("bTo", "must be >= bFrom");
        requireAtLeast("aPoints", aPoints, 1);
        requireAtLeast("bPoints", bPoints, 1);
        if (double(aPoints) * double(bPoints) > 1e6)
            throw ValidationError("aPoints", "the grid has more than 10^6 cells");
    }
    for (std::size_t i = 0; i < cellA.size(); ++i) {
        requireFinite("cellA", cellA[i]);
        requireFinite("cellB", cellB[i]);
    }
    requirePositive("nEffFactor", nEffFactor);
    requireFinite("dMin", dMin);
    requireFinite("dMax", dMax);
    if (!(dMin >= 2))
        throw ValidationError("dMin", "must be >= 2");
    if (!(dMax > dMin))
        throw ValidationError("dMax", "must be > dMin");
    if (dMax > 1e9)
        throw ValidationError("dMax", "must be <= 1e9");
    requireAtLeast("ladderPointsPerDecade", ladderPointsPerDecade, 1);
    requirePositive("fitDecades", fitDecades);
    requireNonNegative("curvatureThreshold", curvatureThreshold);
    requireAtLeast("threads", threads, 0);
    requireAtLeast("exactTerms", exactTerms, 1);
    requirePositive("lassoTolerance", lassoTolerance);
    requireAtLeast("lassoMaxIterations", lassoMaxIterations, 1);
    requirePositive("matrixTolerance", matrixTolerance);
    requireAtLeast("matrixMaxIterations", matrixMaxIterations, 1);
    requireAtLeast("bulkNodes", bulkNodes, 16);
    const std::vector<double> d = ladder();
    std::size_t inWindow = 0;
    for (double v : d)
        inWindow += v >= dMax / std::pow(10.0, fitDecades) * (1 - 1e-9);
    if (inWindow < 3)
        throw ValidationError("fitDecades",
            "the fit window holds fewer than 3 ladder points (raise "
            "ladderPointsPerDecade or fitDecades)");
}

std::vector<double> ExponentMapConfig::ladder() const
{
    std::vector<double> out;
    const int steps = std::max(1, int(std::lround(std::log10(dMax / dMin) * ladderPointsPerDecade)));
    for (int k = 0; k <= steps; ++k) {
        const double v = k == steps ? std::round(dMax) : std::round(dMin * std::pow(dMax / dMin, double(k) / steps));
        if (out.empty() || v > out.back())
            out.push_back(v);
    }
    return out;
}

int ExponentMapConfig::cellCount() const
{
    return cellA.empty() ? aPoints * bPoints : int(cellA.size());
}

void ExponentMapConfig::cell(int index, double& a, double& b) const
{
    if (!cellA.empty()) {
        a = cellA[std::size_t(index)];
        b = cellB[std::size_t(index)];
        return;
    }
    const int i = index % aPoints, j = index / aPoints;
    a = aPoints == 1 ? aFrom : aFrom + (aTo - aFrom) * i / (aPoints - 1);
    b = bPoints == 1 ? bFrom : bFrom + (bTo - bFrom) * j / (bPoints - 1);
}

bool fitExponent(
    const std::vector<ExponentLadderPoint>& ladder, double dFrom, double curvatureThreshold, ExponentCell& cell)
{
    std::vector<double> x, y;
    for (const ExponentLadderPoint& p : ladder) {
        if (p.d >= dFrom * (1 - 1e-9) && p.status == Status::Converged && p.risk > 0 && std::isfinite(p.risk)) {
            x.push_back(std::log(p.d));
            y.push_back(-std::log(p.risk));
        }
    }
    cell.fitPoints = int(x.size());
    if (x.size() < 3)
        return false;
    const LineFit all = fitLine(x, y, 0, x.size());
    cell.measured = all.slope;
    const int dof = int(x.size()) - 2;
    cell.standardError = std::sqrt(all.residualSq / dof / all.sxx);
    const double half = studentT95(dof) * cell.standardError;
    cell.intervalLow = cell.measured - half;
    cell.intervalHigh = cell.measured + half;
    const std::size_t h = (x.size() + 1) / 2;
    cell.slopeLower = fitLine(x, y, 0, h).slope;
    cell.slopeUpper = fitLine(x, y, x.size() - h, x.size()).slope;
    cell.curvature = cell.slopeUpper - cell.slopeLower;
    cell.curved = std::abs(cell.curvature) > curvatureThreshold;
    return true;
}

ExponentMap::ExponentMap(ExponentMapConfig config) : m_config(std::move(config))
{
    m_config.validate();
}

ExponentCell ExponentMap::runCell(double a, double b, const CancelToken& cancel) const
{
    const ExponentMapConfig& c = m_config;
    ExponentCell cell;
    cell.a = a;
    cell.b = b;
    PhaseDiagramConfig pc;
    pc.d = c.dMax;
    pc.gamma = c.gamma;
    pc.noise = c.noise;
    const PhaseDiagram diagram(pc);
    const PhaseInfo info = diagram.classifyLog(a, b);
    cell.phase = info.label;
    cell.phaseA = info.label == "crossover" ? info.neighbourA : info.label;
    cell.predicted = info.e;

    const std::vector<double> dims = c.ladder();
    std::vector<double> logD, risks, deltas, epsilons;
    for (double d : dims) {
        double pointDelta = 1, pointEpsilon = 1;  // quadratic: the fixed point's δ and ε, for the next warm start
        if (cancel.isCancelled()) {
            cell.status = Status::Cancelled;
            cell.message = "cancelled";
            return cell;
        }
        ExponentLadderPoint p;
        p.d = d;
        p.nEff = c.nEffFactor * std::pow(d, a);
        p.lambda = std::pow(d, b);
        const double alpha = p.nEff / d;
        const double logDNext = std::log(d);
        if (!(alpha > 0) || !std::isfinite(alpha) || !(p.lambda > 0) || !std::isfinite(p.lambda)) {
            p.status = Status::Invalid;
            cell.ladder.push_back(p);
            continue;
        }
        try {
            if (c.model == ModelKind::Diagonal) {
                const IndexQuadrature q = powerLawIndexQuadrature((long long)d, c.exactTerms);
                LassoStateEvolutionConfig lc;
                lc.mode = c.lassoMode;
                lc.teacher.resize(q.index.size());
                for (Eigen::Index j = 0; j < q.index.size(); ++j)
                    lc.teacher[j] = c.lassoMode == LassoTeacherMode::VarianceProfile
                        ? d * std::pow(q.index[j], -2 * c.gamma)
                        : std::sqrt(d) * std::pow(q.index[j], -c.gamma);
                lc.weights = q.weight;
                lc.alpha = alpha;
                lc.lambda = p.lambda;
                lc.noise = c.noise;
                lc.tolerance = c.lassoTolerance;
                lc.maxIterations = c.lassoMaxIterations;
                lc.secantAcceleration = true;
                lc.initialRisk = extrapolate(logD, risks, logDNext);
                LassoStateEvolutionResult r = LassoStateEvolution(lc).run({}, cancel);
                if (!r.ok() && r.status != Status::Cancelled && lc.initialRisk >= 0) {
                    lc.initialRisk = -1;  // a warm start that failed: once more from R(0)
                    r = LassoStateEvolution(lc).run({}, cancel);
                }
                p.status = r.status;
                p.iterations = r.iterations;
                p.risk = r.risk;
            } else {
                AsymptoticMatrixStateEvolutionConfig mc;
                mc.dimension = (long long)d;
                mc.gamma = c.gamma;
                mc.alphaQ = alpha;
                mc.lambda = p.lambda;
                mc.noise = c.noise;
                mc.tolerance = c.matrixTolerance;
                mc.maxIterations = c.matrixMaxIterations;
                mc.bulkNodes = c.bulkNodes;
                mc.initialDelta = extrapolate(logD, deltas, logDNext);
                mc.initialEpsilon = extrapolate(logD, epsilons, logDNext);
                AsymptoticMatrixStateEvolutionResult r = AsymptoticMatrixStateEvolution(mc).run({}, cancel);
                if (!r.ok() && r.status != Status::Cancelled && mc.initialDelta > 0) {
                    mc.initialDelta = mc.initialEpsilon = -1;
                    r = AsymptoticMatrixStateEvolution(mc).run({}, cancel);
                }
                p.status = r.status;
                p.iterations = r.iterations;
                p.risk = r.testExcessRisk;
                pointDelta = r.delta;
                pointEpsilon = r.epsilon;
            }
        } catch (const std::exception&) {
            // A solver that throws on a worker thread would end the program: the point is reported as failed.
            p.status = Status::NotConverged;
        }
        if (p.status == Status::Cancelled) {
            cell.status = Status::Cancelled;
            cell.message = "cancelled";
            return cell;
        }
        if (p.status == Status::Converged && p.risk > 0 && std::isfinite(p.risk)) {
            logD.push_back(logDNext);
            risks.push_back(p.risk);
            deltas.push_back(pointDelta);
            epsilons.push_back(pointEpsilon);
        } else {
            ++cell.failedPoints;
        }
        cell.ladder.push_back(p);
    }
    const double dFrom = c.dMax / std::pow(10.0, c.fitDecades);
    int failedInWindow = 0;
    for (const ExponentLadderPoint& p : cell.ladder)
        failedInWindow += p.d >= dFrom * (1 - 1e-9) && (p.status != Status::Converged || !(p.risk > 0));
    const bool fitted = fitExponent(cell.ladder, dFrom, c.curvatureThreshold, cell);
    std::ostringstream msg;
    if (failedInWindow > 0 || !fitted) {
        cell.status = Status::NotConverged;
        msg << failedInWindow << " ladder point(s) in the fit window did not converge";
        for (const ExponentLadderPoint& p : cell.ladder)
            if (p.d >= dFrom * (1 - 1e-9) && p.status != Status::Converged) {
                msg << " (first at d = " << formatNumber(p.d) << ": " << toString(p.status) << ")";
                break;
            }
    } else {
        cell.status = Status::Converged;
        msg << "fitted on " << cell.fitPoints << " points, d = " << formatNumber(dFrom) << " to "
            << formatNumber(c.dMax);
        if (cell.curved)
            msg << "; curved: slope " << formatNumber(cell.slopeLower) << " -> " << formatNumber(cell.slopeUpper);
    }
    cell.message = msg.str();
    return cell;
}

ExponentMapResult ExponentMap::run(const Observer<ExponentMapProgress>& observer, const CancelToken& cancel) const
{
    const auto start = std::chrono::steady_clock::now();
    ExponentMapResult result;
    result.config = m_config;
    result.ladder = m_config.ladder();
    const int total = m_config.cellCount();
    result.cells.resize(std::size_t(total));
    for (int i = 0; i < total; ++i) {
        m_config.cell(i, result.cells[std::size_t(i)].a, result.cells[std::size_t(i)].b);
        result.cells[std::size_t(i)].status = Status::Cancelled;
        result.cells[std::size_t(i)].message = "not computed (cancelled)";
    }
    int threads = m_config.threads > 0 ? m_config.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::min(threads, total);
    std::atomic<int> next{0};
    std::mutex observerMutex;
    int done = 0;
    auto worker = [&] {
        for (;;) {
            if (cancel.isCancelled())
                return;
            const int i = next.fetch_add(1);
            if (i >= total)
                return;
            double a = 0, b = 0;
            m_config.cell(i, a, b);
            ExponentCell cell = runCell(a, b, cancel);
            if (cell.status == Status::Cancelled)
                return;
            std::lock_guard<std::mutex> lock(observerMutex);
            result.cells[std::size_t(i)] = cell;
            ++done;
            if (observer)
                observer(ExponentMapProgress{done, total, result.cells[std::size_t(i)]});
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool)
        t.join();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream msg;
    if (cancel.isCancelled() && done < total) {
        result.status = Status::Cancelled;
        msg << "cancelled after " << done << " of " << total << " cells";
    } else {
        for (const ExponentCell& cell : result.cells)
            result.failedCells += !cell.ok();
        result.status = result.failedCells == 0 ? Status::Converged : Status::NotConverged;
        if (result.failedCells == 0)
            msg << "all " << total << " cells fitted";
        else
            msg << result.failedCells << " of " << total << " cells did not converge";
    }
    result.message = msg.str();
    return result;
}

}  // namespace sl
