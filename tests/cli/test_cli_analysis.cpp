// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli end to end (QProcess on the real executable): usage and exit codes, theory, phase, fit-tail and
// solve, each checked against values computed here independently, and malformed input of every supported format.
#include "cli_process.h"

#include "app/cli/cli_common.h"

#include "core/spectrum/spectrum.h"
#include "core/spectrum/tail_fit.h"
#include "core/theory/lasso_state_evolution.h"
#include "core/theory/matrix_state_evolution.h"
#include "core/theory/phase_diagram.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1Char>
#include <QLatin1String>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <random>

using sl::test::CliRun;
using sl::test::runCli;

namespace {

// A NumPy .npy file (format 1.0) of a 1-D or 2-D array, written by hand so the reader is tested independently.
QByteArray npy(const Eigen::MatrixXd& m, bool oneDimensional, bool float32, bool fortran)
{
    const QByteArray shape = oneDimensional
        ? "(" + QByteArray::number(m.size()) + ",)"
        : "(" + QByteArray::number(m.rows()) + ", " + QByteArray::number(m.cols()) + ")";
    QByteArray header = "{'descr': '" + QByteArray(float32 ? "<f4" : "<f8")
        + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QByteArray out("\x93NUMPY\x01\x00", 8);
    const quint16 length = quint16(header.size());
    out += char(length & 0xff);
    out += char(length >> 8);
    out += header;
    auto put = [&](double x) {
        if (float32) {
            const float f = float(x);
            out += QByteArray(reinterpret_cast<const char*>(&f), 4);
        } else {
            out += QByteArray(reinterpret_cast<const char*>(&x), 8);
        }
    };
    if (oneDimensional || fortran) {
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            for (Eigen::Index i = 0; i < m.rows(); ++i)
                put(m(i, j));
    } else {
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                put(m(i, j));
    }
    return out;
}

// Pareto(α, xmin) samples by inversion, from a fixed std::mt19937_64 stream.
Eigen::VectorXd pareto(int n, double alpha, double xmin, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Eigen::VectorXd x(n);
    for (int i = 0; i < n; ++i)
        x[i] = xmin * std::pow(1.0 - u(rng), -1.0 / (alpha - 1.0));
    return x;
}

QByteArray lines(const Eigen::VectorXd& v)
{
    QByteArray out;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        out += sl::test::exact(v[i]) + '\n';
    return out;
}

}  // namespace

class TestCliAnalysis : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void usageAndExitCodes()
    {
        CliRun r = runCli({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("fit-tail"));
        QCOMPARE(runCli({}).exitCode, 2);
        r = runCli({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        for (const char* command :
            {"train", "curve", "theory", "phase", "fit-tail", "solve", "render", "sweep", "merge"}) {
            r = runCli({command, "--help"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.startsWith("Usage: scalinglab-cli " + QByteArray(command)), command);
            QVERIFY(r.out.contains("--json"));
            r = runCli({command, "--no-such-option"});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.oneErrorLine() && r.err.contains("--no-such-option"), r.err.constData());
        }
        // Out-of-range and malformed values name the option.
        r = runCli({"theory", "--d", "1", "--samples", "10"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("--d"));
        r = runCli({"theory", "--gamma", "0.3", "--samples", "10"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--gamma"));
        r = runCli({"theory", "--weight-decay", "abc", "--samples", "10"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("--weight-decay"));
        r = runCli({"theory", "--samples"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        r = runCli({"theory", "--samples", "10", "--n-eff", "3"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
    }

    void theoryDiagonalMatchesCoreStateEvolution()
    {
        const int d = 60;
        const double nEff = 45, lambda = 0.3, noise = 0.5, gamma = 1.2;
        const CliRun r = runCli({"theory", "--model", "diagonal", "--d", QString::number(d), "--n-eff", "45",
            "--weight-decay", "0.3", "--gamma", "1.2", "--noise", "0.5", "--amplitudes", "deterministic", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        sl::LassoStateEvolutionConfig config;
        config.teacher = sl::lassoDeterministicAmplitudes(d, gamma);
        config.alpha = nEff / d;
        config.lambda = lambda;
        config.noise = noise;
        const sl::LassoStateEvolutionResult se = sl::LassoStateEvolution(config).run();
        QVERIFY(se.ok());
        const QJsonObject s = j["state_evolution"].toObject();
        QVERIFY(s["converged"].toBool());
        QVERIFY(std::abs(s["excess_risk"].toDouble() - se.risk) <= 1e-7 * se.risk);
        QVERIFY(std::abs(s["delta"].toDouble() - se.delta) <= 1e-7 * se.delta);
        QVERIFY(std::abs(s["threshold"].toDouble() - se.threshold) <= 1e-7 * se.threshold);
        QVERIFY(s["matrix_mse"].isNull());
        // The fixed point itself (docs/theory/state-evolution.md §2): αδ² = Δ + R.
        const double delta = s["delta"].toDouble();
        QVERIFY(std::abs(config.alpha * delta * delta - (noise + s["excess_risk"].toDouble())) < 1e-6);

        sl::PhaseDiagramConfig pd;
        pd.d = d;
        pd.gamma = gamma;
        pd.noise = noise;
        const sl::PhaseInfo phase = sl::PhaseDiagram(pd).classify(nEff, lambda);
        QCOMPARE(j["phase"].toString(), QString::fromStdString(phase.label));
        QCOMPARE(j["exponent_n"].toDouble(), phase.exponentN);
        QCOMPARE(j["exponent_lambda"].toDouble(), phase.exponentLambda);
        QCOMPARE(j["predicted_tail_alpha"].toDouble(), 1 + 1 / gamma);
        QCOMPARE(j["lambda_opt"].toDouble(), std::sqrt(nEff / d));

        // Gaussian amplitudes (train's default): the SE averaged over θ*_i ~ N(0, d·i^(−2γ)).
        const CliRun g = runCli({"theory", "--model", "diagonal", "--d", QString::number(d), "--n-eff", "45",
            "--weight-decay", "0.3", "--gamma", "1.2", "--noise", "0.5", "--json"});
        QCOMPARE(g.exitCode, 0);
        config.teacher = sl::lassoPowerLawVariances(d, gamma);
        config.mode = sl::LassoTeacherMode::VarianceProfile;
        const sl::LassoStateEvolutionResult averaged = sl::LassoStateEvolution(config).run();
        QVERIFY(averaged.ok());
        const double risk = g.json()["state_evolution"].toObject()["excess_risk"].toDouble();
        QVERIFY(std::abs(risk - averaged.risk) <= 1e-7 * averaged.risk);
        QVERIFY(std::abs(risk - se.risk) > 1e-3 * se.risk);  // the two teachers differ
    }

    void theoryQuadraticMatchesCoreStateEvolution()
    {
        const int d = 12;
        const CliRun r = runCli({"theory", "--model", "quadratic", "--d", "12", "--samples", "96", "--weight-decay",
            "0.4", "--noise", "0.25", "--se-samples", "8", "--seed", "5", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        QCOMPARE(j["n_eff"].toDouble(), 8.0);  // n/d, docs/theory/models.md §5
        sl::MatrixStateEvolutionConfig config;
        config.spectrum = sl::powerLawSpectrum(d, 1.0);
        config.alphaQ = 96.0 / (d * d);
        config.lambda = 0.4;
        config.noise = 0.25;
        config.samples = 8;
        config.seed = 5;
        const sl::MatrixStateEvolutionResult se = sl::MatrixStateEvolution(config).run();
        QVERIFY(se.ok());
        const QJsonObject s = j["state_evolution"].toObject();
        QVERIFY(std::abs(s["matrix_mse"].toDouble() - se.matrixMse) <= 1e-4 * se.matrixMse);
        // docs/theory/models.md §4.
        QVERIFY(std::abs(s["excess_risk"].toDouble() - 2 * s["matrix_mse"].toDouble()) < 1e-12);
        // E_mat = 2α_qδ² − Δ/2 at the fixed point (docs/theory/state-evolution.md §6).
        const double delta = s["delta"].toDouble();
        QVERIFY(std::abs(2 * config.alphaQ * delta * delta - 0.125 - s["matrix_mse"].toDouble()) < 1e-3);
        // The quadratic SE needs λ > 0.
        QCOMPARE(runCli({"theory", "--d", "12", "--samples", "96", "--weight-decay", "0"}).exitCode, 2);
    }

    void phaseGridAndLines()
    {
        const CliRun r = runCli({"phase", "--d", "100", "--gamma", "0.8", "--points", "7", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        sl::PhaseDiagramConfig pd;
        pd.d = 100;
        pd.gamma = 0.8;
        const sl::PhaseDiagram diagram(pd);
        const QJsonArray grid = j["grid"].toArray();
        QCOMPARE(grid.size(), 49);
        for (const QJsonValue& v : grid) {
            const QJsonObject p = v.toObject();
            const sl::PhaseInfo info = diagram.classify(p["n_eff"].toDouble(), p["lambda"].toDouble());
            QCOMPARE(p["phase"].toString(), QString::fromStdString(info.label));
            QCOMPARE(p["exponent_n"].toDouble(), info.exponentN);
        }
        // The lines in closed form (docs/theory/phase-diagram.md §4).
        const QJsonArray nEff = j["n_eff"].toArray();
        const QJsonObject lines = j["lines"].toObject();
        for (int i = 0; i < nEff.size(); ++i) {
            const double n = nEff[i].toDouble();
            QVERIFY(std::abs(lines["L1"]["lambda"][i].toDouble() - std::sqrt(n / 100)) <= 1e-12 * std::sqrt(n / 100));
            QVERIFY(std::abs(lines["L2"]["lambda"][i].toDouble() - n / 10) <= 1e-12 * n / 10);
            QVERIFY(std::abs(lines["L3"]["lambda"][i].toDouble() - n / std::pow(100.0, 1.3)) <= 1e-12 * n);
        }
        QVERIFY(std::abs(j["vertical_lines"]["heavy_tail"].toDouble() - std::pow(100.0, 1.6)) < 1e-9);
        // CSV: header + one row per point, and the phase column agrees with the JSON.
        const CliRun csv = runCli({"phase", "--d", "100", "--gamma", "0.8", "--points", "7", "--format", "csv"});
        QCOMPARE(csv.exitCode, 0);
        const QList<QByteArray> rows = csv.out.trimmed().split('\n');
        QCOMPARE(rows.size(), 50);
        QVERIFY(rows.first().startsWith("n_eff,lambda,phase"));
        const QList<QByteArray> first = rows[1].split(',');
        QCOMPARE(QString::fromUtf8(first[2]),
            QString::fromStdString(diagram.classify(first[0].toDouble(), first[1].toDouble()).label));
        QCOMPARE(runCli({"phase", "--points", "0"}).exitCode, 2);
        QCOMPARE(runCli({"phase", "--n-eff-from", "10", "--n-eff-to", "1"}).exitCode, 2);
    }

    void fitTailOnParetoData()
    {
        QVERIFY(m_dir.isValid());
        const Eigen::VectorXd x = pareto(1500, 2.5, 1.0, 7);
        const sl::TailFit reference = sl::fitPowerLawTail(x);
        QCOMPARE(reference.status, sl::Status::Converged);

        // One number per line.
        sl::test::writeText(path("pareto.txt"), lines(x));
        CliRun r = runCli({"fit-tail", path("pareto.txt"), "--json"});
        QCOMPARE(r.exitCode, 0);
        QJsonObject j = r.json();
        QCOMPARE(j["alpha"].toDouble(), reference.alpha);
        QCOMPARE(j["xmin"].toDouble(), reference.xmin);
        QCOMPARE(j["n_tail"].toInt(), reference.nTail);
        QVERIFY(std::abs(j["alpha"].toDouble() - 2.5) < 0.2);  // and it finds the true exponent

        // A CSV column by name and by number.
        QByteArray csv = "index,value\n";
        for (Eigen::Index i = 0; i < x.size(); ++i)
            csv += QByteArray::number(i) + ',' + sl::test::exact(x[i]) + '\n';
        sl::test::writeText(path("pareto.csv"), csv);
        for (const char* column : {"value", "2"}) {
            r = runCli({"fit-tail", path("pareto.csv"), "--column", column, "--json"});
            QCOMPARE(r.exitCode, 0);
            QCOMPARE(r.json()["alpha"].toDouble(), reference.alpha);
        }

        // Fixed xmin: the MLE in closed form, α = 1 + n / Σ log(x_i/xmin) (Clauset 2009 eq. 3.1).
        r = runCli({"fit-tail", path("pareto.txt"), "--xmin", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        double sum = 0;
        int n = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            if (x[i] >= 2) {
                sum += std::log(x[i] / 2);
                ++n;
            }
        }
        j = r.json();
        QCOMPARE(j["n_tail"].toInt(), n);
        const double mle = 1 + n / sum;
        // Either the plain MLE or with Clauset's finite-size factor (n − 1)/n.
        const double a = j["alpha"].toDouble();
        QVERIFY2(std::abs(a - mle) < 1e-9 || std::abs((a - 1) - (mle - 1) * (n - 1.0) / n) < 1e-9,
            qPrintable(QString::number(a)));

        // .npy, float64 and float32, 1-D.
        sl::test::writeText(path("pareto64.npy"), npy(x, true, false, false));
        r = runCli({"fit-tail", path("pareto64.npy"), "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()["alpha"].toDouble(), reference.alpha);
        sl::test::writeText(path("pareto32.npy"), npy(x, true, true, false));
        r = runCli({"fit-tail", path("pareto32.npy"), "--json"});
        QCOMPARE(r.exitCode, 0);
        const Eigen::VectorXd rounded = x.cast<float>().cast<double>();
        QCOMPARE(r.json()["alpha"].toDouble(), sl::fitPowerLawTail(rounded).alpha);

        // Bootstrap p-value.
        r = runCli({"fit-tail", path("pareto.txt"), "--bootstrap", "16", "--threads", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        j = r.json();
        QVERIFY(j["replicates_used"].toInt() > 0);
        QVERIFY(j["p_value"].toDouble() >= 0 && j["p_value"].toDouble() <= 1);

        // Too few points is a failed fit (exit 1), reported, not a crash.
        sl::test::writeText(path("few.txt"), "1\n2\n3\n");
        r = runCli({"fit-tail", path("few.txt"), "--json"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.json()["status"].toString(), QStringLiteral("invalid"));
        // The message names what the user gave and the option that sets the minimum, not "eigenvalues".
        QCOMPARE(r.json()["message"].toString(),
            QStringLiteral("too few values for a tail fit: 3 of the 3 are positive, and --min-tail is 50 (lower it to "
                           "fit a shorter tail)"));

        // Text output: both likelihood-ratio statistics, named, equal to the core's; the bootstrap line says that
        // --min-tail bounds each replicate's xmin search.
        r = runCli({"fit-tail", path("pareto.txt"), "--bootstrap", "4", "--threads", "1"});
        QCOMPARE(r.exitCode, 0);
        const QString lognormal
            = QString::fromUtf8(r.out).split(QLatin1Char('\n')).filter(QStringLiteral("vs lognormal")).value(0);
        QVERIFY2(lognormal.contains(QStringLiteral("log-likelihood ratio R = ")
                     + sl::cli::formatNumber(reference.vsLognormal.logLikelihoodRatio, 4)),
            qPrintable(lognormal));
        QVERIFY2(lognormal.contains(QStringLiteral("normalised R/(σ√n) = ")
                     + sl::cli::formatNumber(reference.vsLognormal.normalizedRatio, 4)),
            qPrintable(lognormal));
        QVERIFY(QString::fromUtf8(r.out).contains(QStringLiteral("each with --min-tail 50 in its xmin search")));
    }

    void fitTailOfMatrixKeepsNumericalZerosOut()
    {
        // A rank-5 product: WᵀW has 5 eigenvalues of order 1e2 and 65 numerical zeros (≈ 1e-13 and below, positive
        // ones among them), which the fit used to take for the smallest values of the spectrum.
        std::mt19937_64 rng(5);
        std::normal_distribution<double> g;
        Eigen::MatrixXd a(60, 5), b(5, 70);
        for (Eigen::Index i = 0; i < a.size(); ++i)
            a.data()[i] = g(rng);
        for (Eigen::Index i = 0; i < b.size(); ++i)
            b.data()[i] = g(rng);
        sl::test::writeText(path("rank5.npy"), npy(a * b, false, false, false));
        const CliRun r = runCli({"fit-tail", path("rank5.npy"), "--matrix", "--min-tail", "3", "--json"});
        const QJsonObject j = r.json();
        QCOMPARE(j["values"].toInt(), 70);
        QCOMPARE(j["n_zero"].toInt(), 65);
        QCOMPARE(j["n_used"].toInt(), 5);
        QVERIFY(j["xmin"].toDouble() > 1.0);
    }

    void fitTailOfMatrixSpectrum()
    {
        std::mt19937_64 rng(3);
        std::normal_distribution<double> g;
        Eigen::MatrixXd w(90, 70);
        for (Eigen::Index i = 0; i < w.rows(); ++i)
            for (Eigen::Index j = 0; j < w.cols(); ++j)
                w(i, j) = g(rng) / (1.0 + j);  // column scales give a spread spectrum
        const Eigen::VectorXd eig = sl::gramEigenvalues(w);
        sl::TailFitConfig config;
        config.minTail = 10;
        const sl::TailFit reference = sl::fitPowerLawTail(eig, config);
        sl::test::writeText(path("w.csv"), sl::test::matrixCsv(w));
        sl::test::writeText(path("w_c.npy"), npy(w, false, false, false));
        sl::test::writeText(path("w_f.npy"), npy(w, false, false, true));
        for (const char* file : {"w.csv", "w_c.npy", "w_f.npy"}) {
            const CliRun r = runCli({"fit-tail", path(file), "--matrix", "--min-tail", "10", "--json"});
            QVERIFY2(r.exitCode == 0 || r.exitCode == 1, r.err.constData());
            const QJsonObject j = r.json();
            QCOMPARE(j["n_used"].toInt(), reference.nUsed);
            QCOMPARE(j["status"].toString(), QLatin1String(sl::toString(reference.status)));
            if (reference.status == sl::Status::Converged)
                QVERIFY(std::abs(j["alpha"].toDouble() - reference.alpha) <= 1e-9 * reference.alpha);
        }
        // --symmetric needs a square matrix.
        const CliRun r = runCli({"fit-tail", path("w.csv"), "--matrix", "--symmetric"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
    }

    void malformedFilesAreOneLineExitTwo()
    {
        struct Case {
            const char* name;
            QByteArray content;
        };
        QByteArray truncatedNpy = npy(Eigen::MatrixXd::Ones(4, 3), false, false, false);
        truncatedNpy.chop(5);
        QByteArray intNpy = npy(Eigen::MatrixXd::Ones(4, 1), true, false, false);
        intNpy.replace("<f8", "<i8");
        QByteArray badMagic = npy(Eigen::MatrixXd::Ones(4, 1), true, false, false);
        badMagic[1] = 'X';
        const Case cases[] = {
            {"words.txt", "1\n2\nthree\n4\n"},
            {"ragged.csv", "a,b\n1,2\n3\n"},
            {"nan.txt", "1\nnan\n2\n"},
            {"empty.txt", ""},
            {"truncated.npy", truncatedNpy},
            {"int.npy", intNpy},
            {"magic.npy", badMagic},
            {"binary.txt", QByteArray("\x00\x01\x02\xff\xfe", 5)},
        };
        for (const Case& c : cases) {
            sl::test::writeText(path(c.name), c.content);
            for (const QStringList& extra : {QStringList{}, QStringList{"--matrix"}}) {
                const CliRun r = runCli(QStringList{"fit-tail", path(c.name)} + extra);
                QVERIFY2(r.exitCode == 2, c.name);
                QVERIFY2(r.oneErrorLine(), (QByteArray(c.name) + ": " + r.err).constData());
            }
        }
        // Missing file, a two-column file without --column, an unknown column.
        CliRun r = runCli({"fit-tail", path("does-not-exist.txt")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("does-not-exist.txt"));
        sl::test::writeText(path("two.csv"), "x,y\n1,2\n3,4\n");
        QCOMPARE(runCli({"fit-tail", path("two.csv")}).exitCode, 2);
        r = runCli({"fit-tail", path("two.csv"), "--column", "zzz"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        // A directory is not a file; an unwritable --output is a failed run, one line either way.
        r = runCli({"fit-tail", m_dir.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("directory"));
        r = runCli({"phase", "--output", path("no/such/dir/phase.json"), "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.oneErrorLine() && r.err.contains("phase.json"));
        // A malformed experiment file.
        sl::test::writeText(path("bad.json"), "{\"schema\": \"scalinglab.experiment\", \"version\": 1, \"problem\": {");
        r = runCli({"train", "--config", path("bad.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("bad.json"));
    }

    void solveLassoSatisfiesKkt()
    {
        std::mt19937_64 rng(11);
        std::normal_distribution<double> g;
        const int n = 30, d = 8;
        Eigen::MatrixXd X(n, d);
        Eigen::VectorXd theta0 = Eigen::VectorXd::Zero(d), y(n);
        theta0[0] = 2;
        theta0[3] = -1.5;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < d; ++j)
                X(i, j) = g(rng);
        for (int i = 0; i < n; ++i)
            y[i] = X.row(i).dot(theta0) + 0.3 * g(rng);
        sl::test::writeText(path("X.csv"), sl::test::matrixCsv(X));
        sl::test::writeText(path("y.txt"), lines(y));
        const double lambda = 4.0;
        const CliRun r
            = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt"), "--weight-decay", "4", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.json();
        QCOMPARE(j["status"].toString(), QStringLiteral("converged"));
        const Eigen::VectorXd theta = sl::test::toVector(j["solution"].toArray());
        QCOMPARE(theta.size(), Eigen::Index(d));
        // KKT of ½‖y − Xθ‖² + λ‖θ‖₁, recomputed here from the printed solution.
        const Eigen::VectorXd q = X.transpose() * (y - X * theta);
        const double scale = X.transpose().cwiseAbs().rowwise().sum().maxCoeff() * (1 + y.cwiseAbs().maxCoeff());
        int active = 0;
        for (int k = 0; k < d; ++k) {
            if (theta[k] != 0) {
                ++active;
                QVERIFY2(
                    std::abs(q[k] - lambda * (theta[k] > 0 ? 1 : -1)) < 1e-5 * scale, qPrintable(QString::number(k)));
            } else {
                QVERIFY(std::abs(q[k]) <= lambda + 1e-5 * scale);
            }
        }
        QVERIFY(active >= 2);  // the two true coefficients survive this λ
        const double objective = 0.5 * (y - X * theta).squaredNorm() + lambda * theta.lpNorm<1>();
        QVERIFY(std::abs(j["objective"].toDouble() - objective) <= 1e-9 * objective);
        // Human-readable output too.
        const CliRun human
            = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt"), "--weight-decay", "4"});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("objective"));
        // The status line names the status once (it was "converged after 14 sweeps converged after 14 sweeps ...").
        const QString statusLine
            = QString::fromUtf8(human.out).split(QLatin1Char('\n')).filter(QStringLiteral("status")).value(0);
        QCOMPARE(statusLine.count(QStringLiteral("converged")), 1);
        QCOMPARE(statusLine.count(QStringLiteral("sweeps")), 1);
        // --lambda is the penalty's own name; --weight-decay keeps working and gives the same solution.
        const CliRun byLambda
            = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt"), "--lambda", "4", "--json"});
        QCOMPARE(byLambda.exitCode, 0);
        QCOMPARE(byLambda.json()["solution"].toArray(), j["solution"].toArray());
        CliRun both = runCli(
            {"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt"), "--lambda", "4", "--weight-decay", "4"});
        QCOMPARE(both.exitCode, 2);
        QVERIFY(both.oneErrorLine() && both.err.contains("not both"));

        // Wrong shape and missing options.
        sl::test::writeText(path("y_short.txt"), lines(y.head(20)));
        CliRun bad
            = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y_short.txt"), "--weight-decay", "1"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine() && bad.err.contains("rows"));
        bad = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("--lambda") && bad.err.contains("--weight-decay"));
        bad = runCli({"solve", "ridge", "--X", path("X.csv"), "--y", path("y.txt"), "--weight-decay", "1"});
        QCOMPARE(bad.exitCode, 2);
        bad = runCli({"solve", "lasso", "--X", path("X.csv"), "--y", path("y.txt"), "--weight-decay", "-1"});
        QCOMPARE(bad.exitCode, 2);
    }

    void solveNuclearSatisfiesKkt()
    {
        std::mt19937_64 rng(5);
        std::normal_distribution<double> g;
        const int n = 40, d = 3;
        Eigen::MatrixXd rows(n, d * d);
        std::vector<Eigen::MatrixXd> a(n);
        Eigen::MatrixXd truth = Eigen::MatrixXd::Zero(d, d);
        truth(0, 0) = 2;
        truth(1, 1) = 0.5;
        Eigen::VectorXd y(n);
        for (int mu = 0; mu < n; ++mu) {
            Eigen::MatrixXd b(d, d);
            for (int i = 0; i < d; ++i)
                for (int j = 0; j < d; ++j)
                    b(i, j) = g(rng);
            a[mu] = (b + b.transpose()) / 2;
            for (int i = 0; i < d; ++i)
                for (int j = 0; j < d; ++j)
                    rows(mu, i * d + j) = a[mu](i, j);
            y[mu] = (truth * a[mu]).trace() + 0.1 * g(rng);
        }
        sl::test::writeText(path("A.csv"), sl::test::matrixCsv(rows));
        sl::test::writeText(path("A.npy"), npy(rows, false, false, false));
        sl::test::writeText(path("yn.txt"), lines(y));
        const double lambda = 3.0;
        for (const char* file : {"A.csv", "A.npy"}) {
            const CliRun r = runCli(
                {"solve", "nuclear", "--X", path(file), "--y", path("yn.txt"), "--weight-decay", "3", "--json"});
            QCOMPARE(r.exitCode, 0);
            const QJsonObject j = r.json();
            const QJsonArray sRows = j["solution"].toArray();
            QCOMPARE(sRows.size(), d);
            Eigen::MatrixXd S(d, d);
            for (int i = 0; i < d; ++i)
                S.row(i) = sl::test::toVector(sRows[i].toArray()).transpose();
            // KKT of Σ(y − Tr[SA])² + λ Tr S over S ⪰ 0: G = −2Σ r_μ A_μ + λI ⪰ 0, S ⪰ 0 and S·G = 0.
            Eigen::MatrixXd G = lambda * Eigen::MatrixXd::Identity(d, d);
            for (int mu = 0; mu < n; ++mu)
                G -= 2 * (y[mu] - (S * a[mu]).trace()) * a[mu];
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(S), eg(G);
            const double scale = lambda + G.norm();
            QVERIFY(es.eigenvalues().minCoeff() > -1e-8);
            QVERIFY(eg.eigenvalues().minCoeff() > -1e-5 * scale);
            QVERIFY((S * G).norm() < 1e-5 * scale * (1 + S.norm()));
            double objective = lambda * S.trace();
            for (int mu = 0; mu < n; ++mu)
                objective += std::pow(y[mu] - (S * a[mu]).trace(), 2);
            QVERIFY(std::abs(j["objective"].toDouble() - objective) <= 1e-8 * objective);
            QVERIFY(S(0, 0) > 1);  // the large eigenvalue is recovered
        }
        // Not d·d columns, and an asymmetric sensing matrix.
        sl::test::writeText(path("A5.csv"), sl::test::matrixCsv(rows.leftCols(5)));
        CliRun bad = runCli({"solve", "nuclear", "--X", path("A5.csv"), "--y", path("yn.txt"), "--weight-decay", "1"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine());
        Eigen::MatrixXd asym = rows;
        asym(3, 1) += 1;
        sl::test::writeText(path("Aasym.csv"), sl::test::matrixCsv(asym));
        bad = runCli({"solve", "nuclear", "--X", path("Aasym.csv"), "--y", path("yn.txt"), "--weight-decay", "1"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.oneErrorLine() && bad.err.contains("symmetric"));
    }
};

QTEST_APPLESS_MAIN(TestCliAnalysis)
#include "test_cli_analysis.moc"
