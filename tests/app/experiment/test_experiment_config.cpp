// SPDX-License-Identifier: GPL-3.0-or-later
// ExperimentConfig: JSON both ways field by field, validation errors that name their key, version refusal,
// canonical hashing and the expansion of a sweep into points.
#include "app/experiment/experiment_config.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTest>

#include <cmath>

using sl::app::ConfigError;
using sl::app::ExperimentConfig;
using sl::app::Solver;
using sl::app::SweepSpec;

namespace {

QJsonObject minimal()
{
    return QJsonObject{{"schema", "scalinglab.experiment"}, {"version", 1}};
}

// Sets obj[path] = value for a dotted path ("problem.dimension").
QJsonObject with(QJsonObject obj, const QString& path, const QJsonValue& value)
{
    const QStringList parts = path.split('.');
    if (parts.size() == 1) {
        obj.insert(path, value);
        return obj;
    }
    const QString head = parts.first();
    obj.insert(head, with(obj.value(head).toObject(), parts.mid(1).join('.'), value));
    return obj;
}

}  // namespace

class TestExperimentConfig : public QObject {
    Q_OBJECT

private slots:
    void roundTripFieldByField()
    {
        ExperimentConfig c;
        c.problem.model = sl::ModelKind::Diagonal;
        c.problem.dimension = 13;
        c.problem.width = 7;
        c.problem.samples = 321;
        c.problem.weightDecay = 0.123456789012345;
        c.problem.gamma = 1.25;
        c.problem.noise = 0.3;
        c.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
        c.problem.seed = 9007199254740000ULL;
        c.solver = Solver::Adam;
        c.train = sl::TrainConfig::defaults(sl::Optimizer::Adam);
        c.train.maxIterations = 777;
        c.train.gradientTolerance = 1e-7;
        c.train.lossChangeTolerance = 3e-9;
        c.train.learningRate = 0.01;
        c.train.momentum = 0.25;
        c.train.snapshotInterval = 5;
        c.train.initScale = 0.5;
        c.train.lbfgsMemory = 9;
        c.train.lbfgsMaxLineSearch = 11;
        c.train.adamBeta1 = 0.8;
        c.train.adamBeta2 = 0.99;
        c.train.adamEpsilon = 1e-7;
        c.train.divergenceFactor = 1e6;
        c.seedList = {4, 8, 15};
        c.sweep.axis = SweepSpec::Axis::EffectiveSamples;
        c.sweep.grid = {2.0, 50.0, 6, false};
        c.sweep.weightDecays = {0.01, 1.0, 3.5};
        c.certificate = true;
        c.tailFit = false;

        const QByteArray text = QJsonDocument(c.toJson()).toJson();
        ConfigError error;
        const auto back = ExperimentConfig::fromJsonText(text, &error);
        QVERIFY2(back.has_value(), qPrintable(error.text()));
        const ExperimentConfig& b = *back;
        QCOMPARE(b.problem.model, c.problem.model);
        QCOMPARE(b.problem.dimension, 13);
        QCOMPARE(b.problem.width, 7);
        QCOMPARE(b.problem.samples, 321LL);
        QCOMPARE(b.problem.weightDecay, c.problem.weightDecay);  // exact: doubles survive the JSON
        QCOMPARE(b.problem.gamma, 1.25);
        QCOMPARE(b.problem.noise, 0.3);
        QCOMPARE(b.problem.amplitudes, sl::TeacherAmplitudes::Deterministic);
        QCOMPARE(b.problem.seed, c.problem.seed);
        QCOMPARE(b.solver, Solver::Adam);
        QCOMPARE(b.train.optimizer, sl::Optimizer::Adam);
        QCOMPARE(b.train.maxIterations, 777);
        QCOMPARE(b.train.gradientTolerance, 1e-7);
        QCOMPARE(b.train.lossChangeTolerance, 3e-9);
        QCOMPARE(b.train.learningRate, 0.01);
        QCOMPARE(b.train.momentum, 0.25);
        QCOMPARE(b.train.snapshotInterval, 5);
        QCOMPARE(b.train.initScale, 0.5);
        QCOMPARE(b.train.lbfgsMemory, 9);
        QCOMPARE(b.train.lbfgsMaxLineSearch, 11);
        QCOMPARE(b.train.adamBeta1, 0.8);
        QCOMPARE(b.train.adamBeta2, 0.99);
        QCOMPARE(b.train.adamEpsilon, 1e-7);
        QCOMPARE(b.train.divergenceFactor, 1e6);
        QCOMPARE(b.seeds(), (std::vector<std::uint64_t>{4, 8, 15}));
        QCOMPARE(b.sweep.axis, SweepSpec::Axis::EffectiveSamples);
        QVERIFY(b.sweep.grid == c.sweep.grid);
        QCOMPARE(b.sweep.weightDecays, c.sweep.weightDecays);
        QCOMPARE(b.certificate, true);
        QCOMPARE(b.tailFit, false);
        QCOMPARE(b.hash(), c.hash());
        QCOMPARE(b.canonicalJson(), c.canonicalJson());
    }

    void defaultsFollowSolver()
    {
        // Missing train fields take the follow-up code defaults of the chosen optimiser (docs/theory/models.md §7).
        const auto gd = ExperimentConfig::fromJson(with(minimal(), "solver", "gd"));
        QVERIFY(gd.has_value());
        const sl::TrainConfig expected = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        QCOMPARE(gd->train.optimizer, sl::Optimizer::GradientDescent);
        QCOMPARE(gd->train.learningRate, expected.learningRate);
        QCOMPARE(gd->train.maxIterations, expected.maxIterations);
        QCOMPARE(gd->train.momentum, expected.momentum);
    }

    void validationNamesKey_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("key");
        const QJsonObject m = minimal();
        QTest::newRow("unknown top") << with(m, "colour", "red") << "colour";
        QTest::newRow("unknown problem") << with(m, "problem.dimensions", 10) << "problem.dimensions";
        QTest::newRow("unknown train") << with(m, "train.lr", 0.1) << "train.lr";
        QTest::newRow("unknown sweep") << with(m, "sweep.lambdas", QJsonArray{1}) << "sweep.lambdas";
        QTest::newRow("unknown grid") << with(
            m, "sweep.n", QJsonObject{{"from", 1}, {"to", 2}, {"points", 2}, {"step", 1}})
                                      << "sweep.n.step";
        QTest::newRow("missing schema") << QJsonObject{{"version", 1}} << "schema";
        QTest::newRow("wrong schema") << with(m, "schema", "other") << "schema";
        QTest::newRow("missing version") << QJsonObject{{"schema", "scalinglab.experiment"}} << "version";
        QTest::newRow("bad solver") << with(m, "solver", "sgd") << "solver";
        QTest::newRow("solver type") << with(m, "solver", 3) << "solver";
        QTest::newRow("model") << with(m, "problem.model", "cubic") << "problem.model";
        QTest::newRow("dimension type") << with(m, "problem.dimension", "ten") << "problem.dimension";
        QTest::newRow("dimension fraction") << with(m, "problem.dimension", 10.5) << "problem.dimension";
        QTest::newRow("dimension range") << with(m, "problem.dimension", 1) << "problem.dimension";
        QTest::newRow("samples range") << with(m, "problem.samples", 0) << "problem.samples";
        QTest::newRow("negative lambda") << with(m, "problem.weight_decay", -1.0) << "problem.weight_decay";
        QTest::newRow("gamma") << with(m, "problem.gamma", 0.5) << "problem.gamma";
        QTest::newRow("noise") << with(m, "problem.noise", -0.1) << "problem.noise";
        QTest::newRow("amplitudes") << with(m, "problem.amplitudes", "uniform") << "problem.amplitudes";
        QTest::newRow("seed") << with(m, "problem.seed", -3) << "problem.seed";
        QTest::newRow("problem type") << with(m, "problem", 5) << "problem";
        QTest::newRow("max_iterations") << with(m, "train.max_iterations", 0) << "train.max_iterations";
        QTest::newRow("learning_rate") << with(m, "train.learning_rate", 0.0) << "train.learning_rate";
        QTest::newRow("momentum") << with(m, "train.momentum", 1.0) << "train.momentum";
        QTest::newRow("snapshot_interval") << with(m, "train.snapshot_interval", 0) << "train.snapshot_interval";
        QTest::newRow("init_scale") << with(m, "train.init_scale", -1.0) << "train.init_scale";
        QTest::newRow("adam_beta2") << with(m, "train.adam_beta2", 1.5) << "train.adam_beta2";
        QTest::newRow("seeds empty") << with(m, "seeds", QJsonArray{}) << "seeds";
        QTest::newRow("seeds type") << with(m, "seeds", "3") << "seeds";
        QTest::newRow("seeds entry") << with(m, "seeds", QJsonArray{1, 2.5}) << "seeds[1]";
        QTest::newRow("seeds repeat") << with(m, "seeds", QJsonArray{1, 2, 1}) << "seeds[2]";
        QTest::newRow("seed count") << with(m, "seeds", 0) << "seeds";
        QTest::newRow("grid missing") << with(m, "sweep.n", QJsonObject{{"from", 1}}) << "sweep.n";
        QTest::newRow("grid from") << with(m, "sweep.n", QJsonObject{{"from", 0}, {"to", 2}, {"points", 2}})
                                   << "sweep.n.from";
        QTest::newRow("grid to") << with(m, "sweep.n_eff", QJsonObject{{"from", 5}, {"to", 2}, {"points", 2}})
                                 << "sweep.n_eff.to";
        QTest::newRow("grid points") << with(m, "sweep.n", QJsonObject{{"from", 1}, {"to", 2}, {"points", 0}})
                                     << "sweep.n.points";
        QTest::newRow("grid log") << with(m, "sweep.n", QJsonObject{{"from", 1}, {"to", 2}, {"points", 2}, {"log", 1}})
                                  << "sweep.n.log";
        QTest::newRow("both grids") << with(with(m, "sweep.n", QJsonObject{{"from", 1}, {"to", 2}, {"points", 2}}),
            "sweep.n_eff", QJsonObject{{"from", 1}, {"to", 2}, {"points", 2}})
                                    << "sweep";
        QTest::newRow("lambda list type") << with(m, "sweep.weight_decays", 1.0) << "sweep.weight_decays";
        QTest::newRow("lambda entry") << with(m, "sweep.weight_decays", QJsonArray{1.0, "x"})
                                      << "sweep.weight_decays[1]";
        QTest::newRow("lambda negative") << with(m, "sweep.weight_decays", QJsonArray{1.0, -2.0})
                                         << "sweep.weight_decays[1]";
        QTest::newRow("certificate") << with(m, "certificate", "yes") << "certificate";
        QTest::newRow("tail_fit") << with(m, "tail_fit", 1) << "tail_fit";
    }

    void validationNamesKey()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, key);
        ConfigError error;
        QVERIFY(!ExperimentConfig::fromJson(json, &error).has_value());
        QCOMPARE(error.key, key);
        QVERIFY(!error.message.isEmpty());
        QVERIFY2(error.text().startsWith(key + ": "), qPrintable(error.text()));
    }

    void newerVersionRefused()
    {
        ConfigError error;
        QVERIFY(!ExperimentConfig::fromJson(with(minimal(), "version", 2), &error).has_value());
        QCOMPARE(error.key, QString("version"));
        QVERIFY2(error.message.contains("newer"), qPrintable(error.message));
    }

    void invalidJsonText()
    {
        ConfigError error;
        QVERIFY(!ExperimentConfig::fromJsonText("{\"schema\": ", &error).has_value());
        QVERIFY(error.message.contains("not valid JSON"));
        QVERIFY(!ExperimentConfig::fromJsonText("[1, 2]", &error).has_value());
    }

    void hashIdentifiesConfiguration()
    {
        ExperimentConfig a;
        ExperimentConfig b = a;
        QCOMPARE(a.hash(), b.hash());
        QCOMPARE(a.hash().size(), 64);
        b.problem.weightDecay = std::nextafter(a.problem.weightDecay, 2.0);
        QVERIFY(a.hash() != b.hash());
        // The canonical JSON does not depend on how the seeds were written when they mean the same runs.
        ExperimentConfig c = a;
        c.seedList = {a.problem.seed};
        QCOMPARE(c.hash(), a.hash());
        // An explicit hash over the canonical JSON, computed here independently.
        QCOMPARE(a.hash(),
            QString(QCryptographicHash::hash(
                QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256)
                        .toHex()));
    }

    void hashesOfKnownRunsAreStable()
    {
        // Stored runs are found by these hashes, so the canonical JSON must never change: the hashes of two runs as
        // the CLI printed them before the JSON reader and writer became a field table (train --json, config_hash).
        ExperimentConfig diagonal;
        diagonal.problem.model = sl::ModelKind::Diagonal;
        diagonal.problem.dimension = 20;
        diagonal.problem.samples = 60;
        diagonal.problem.weightDecay = 0.5;
        diagonal.problem.seed = 3;
        diagonal.solver = Solver::Convex;
        QCOMPARE(diagonal.hash(), QString("210b0f33891b06fb25179d73699acaf335e03d45a48f0f0e1a6f78e018ef1886"));
        ExperimentConfig quadratic;
        quadratic.problem.dimension = 8;
        quadratic.problem.samples = 200;
        quadratic.problem.weightDecay = 0.3;
        quadratic.problem.seed = 2;
        quadratic.train.maxIterations = 400;
        quadratic.certificate = true;
        QCOMPARE(quadratic.hash(), QString("4e74f27aa5281b44a0b5ad69c10913ad564c1e24dfca1283cbd4f53b741e73b6"));
    }

    void sweepExpandsToPoints()
    {
        ExperimentConfig c;
        c.problem.model = sl::ModelKind::Quadratic;
        c.problem.dimension = 10;
        c.problem.seed = 100;
        c.seedCount = 3;
        c.sweep.axis = SweepSpec::Axis::Samples;
        c.sweep.grid = {10.0, 1000.0, 3, true};
        c.sweep.weightDecays = {0.1, 1.0};
        QCOMPARE(c.sampleGrid(), (std::vector<long long>{10, 100, 1000}));  // log grid: exact decades
        const auto points = c.points();
        QCOMPARE(points.size(), size_t(3 * 2 * 3));
        QVERIFY(c.isSweep());
        // n outermost, then λ, then seed.
        QCOMPARE(points[0].problem.samples, 10LL);
        QCOMPARE(points[0].problem.weightDecay, 0.1);
        QCOMPARE(points[0].problem.seed, std::uint64_t(100));
        QCOMPARE(points[2].problem.seed, std::uint64_t(102));
        QCOMPARE(points[3].problem.weightDecay, 1.0);
        QCOMPARE(points[17].problem.samples, 1000LL);
        QSet<QString> hashes;
        for (const auto& p : points) {
            QVERIFY(!p.isSweep());
            QCOMPARE(p.seeds().size(), size_t(1));
            hashes.insert(p.hash());
        }
        QCOMPARE(hashes.size(), 18);

        // n_eff grid: quadratic n = n_eff·d (docs/theory/models.md §5), linear spacing.
        c.sweep.axis = SweepSpec::Axis::EffectiveSamples;
        c.sweep.grid = {1.0, 3.0, 3, false};
        QCOMPARE(c.sampleGrid(), (std::vector<long long>{10, 20, 30}));
        c.problem.model = sl::ModelKind::Diagonal;
        QCOMPARE(c.sampleGrid(), (std::vector<long long>{1, 2, 3}));
    }
};

QTEST_APPLESS_MAIN(TestExperimentConfig)
#include "test_experiment_config.moc"
