// SPDX-License-Identifier: GPL-3.0-or-later
// Input limits (issue 11): a run whose memory estimate exceeds the budget is refused by validate() with a message
// stating the estimate and the budget, instead of crashing on allocation.
#include "app/experiment/experiment_config.h"
#include "app/experiment/memory_budget.h"
#include "core/common/validation.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>

#include <cstdlib>

using sl::app::ExperimentConfig;

namespace {

ExperimentConfig quadratic(int d, long long n)
{
    ExperimentConfig c;
    c.problem.model = sl::ModelKind::Quadratic;
    c.problem.dimension = d;
    c.problem.samples = n;
    return c;
}

// MemTotal from /proc/meminfo (kB): an independent reading of the physical memory.
double memTotalBytes()
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray& line : lines)
        if (line.startsWith("MemTotal:"))
            return line.mid(9).trimmed().split(' ').front().toDouble() * 1024.0;
    return 0;
}

}  // namespace

class TestMemoryBudget : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        qunsetenv("SCALINGLAB_MEMORY_BUDGET_MB");
        sl::app::setMemoryBudgetBytes(std::nullopt);
    }

    void defaultBudgetIsHalfOfPhysicalMemory()
    {
        const double total = memTotalBytes();
        if (total <= 0)
            QSKIP("no /proc/meminfo");
        QVERIFY(qAbs(double(sl::app::memoryBudgetBytes()) - total / 2) <= 0.01 * total);
    }

    void hugeExperimentIsRefusedWithTheEstimate()
    {
        const ExperimentConfig c = quadratic(100000, 1000000000LL);
        // The data X alone is n·d doubles = 8e14 bytes; the estimate holds it and the n×p product (p = d).
        const double estimate = sl::app::estimateMemory(c).bytes;
        QVERIFY(estimate >= 8.0 * 1e9 * 1e5 * 2);
        QVERIFY(estimate <= 8.0 * 1e9 * 1e5 * 4);
        try {
            c.validate();
            QFAIL("a run of d = 100000, n = 1e9 was accepted");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QStringLiteral("problem.samples"));
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QString::fromStdString(sl::app::formatBytes(estimate))), qPrintable(message));
            QVERIFY2(
                message.contains(QString::fromStdString(sl::app::formatBytes(double(sl::app::memoryBudgetBytes())))),
                qPrintable(message));
        }
        // The same through the JSON parser (the CLI's and the sweep plans' path).
        sl::app::ConfigError error;
        QVERIFY(!ExperimentConfig::fromJsonText(
            R"({"schema": "scalinglab.experiment", "version": 1,
                "problem": {"model": "quadratic", "dimension": 100000, "samples": 1000000000}})",
            &error));
        QCOMPARE(error.key, QStringLiteral("problem.samples"));
        QVERIFY2(error.message.contains(QStringLiteral("memory budget")), qPrintable(error.message));
    }

    void smallExperimentPasses()
    {
        quadratic(50, 500).validate();
        ExperimentConfig diagonal;
        diagonal.problem.model = sl::ModelKind::Diagonal;
        diagonal.problem.dimension = 1000;
        diagonal.problem.samples = 2000;
        diagonal.solver = sl::app::Solver::Convex;
        diagonal.validate();
        QVERIFY(sl::app::estimateMemory(diagonal).bytes < 64.0 * 1024 * 1024);
    }

    void estimateIsLinearInSamplesWithTheDataSlope()
    {
        // Beyond 64 row blocks nothing but the n-proportional buffers grows: X (n×d), XW (n×p), y and residuals.
        const int d = 300;
        const double a = sl::app::estimateMemory(quadratic(d, 100000)).bytes;
        const double b = sl::app::estimateMemory(quadratic(d, 200000)).bytes;
        QCOMPARE(b - a, 8.0 * 100000 * (d + d + 3));
    }

    void sweepIsCheckedAtItsLargestSampleSize()
    {
        ExperimentConfig c = quadratic(1000, 100);
        c.sweep.axis = sl::app::SweepSpec::Axis::Samples;
        c.sweep.grid = {100, 1e6, 3, true};
        const double largest = sl::app::estimateMemory(quadratic(1000, 1000000)).bytes;
        QCOMPARE(sl::app::estimateMemory(c).bytes, largest);
        sl::app::setMemoryBudgetBytes(std::uint64_t(largest) - 1);
        QVERIFY_EXCEPTION_THROWN(c.validate(), sl::ValidationError);
        sl::app::setMemoryBudgetBytes(std::uint64_t(largest) + 1);
        c.validate();
    }

    void hugeRunListIsRefusedBeforeItIsExpanded()
    {
        // 2e9 seeds: the list points() would build is 2e9 configurations; refused under "seeds" with its count.
        ExperimentConfig c = quadratic(10, 100);
        c.seedCount = 2000000000;
        QCOMPARE(sl::app::sweepRunCount(c), 2e9);
        try {
            c.validate();
            QFAIL("a 2e9-run sweep was accepted");
        } catch (const sl::ValidationError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), QStringLiteral("seeds"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("2e+09 runs")), e.what());
        }
        c.seedCount = 3;
        c.validate();
    }

    void budgetFromSetterAndEnvironment()
    {
        const ExperimentConfig c = quadratic(200, 5000);  // X alone is 8 MB
        c.validate();
        qputenv("SCALINGLAB_MEMORY_BUDGET_MB", "1");
        QCOMPARE(sl::app::memoryBudgetBytes(), std::uint64_t(1) << 20);
        try {
            c.validate();
            QFAIL("accepted over a 1 MiB budget");
        } catch (const sl::ValidationError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("SCALINGLAB_MEMORY_BUDGET_MB")), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("1 MiB")), e.what());
        }
        qputenv("SCALINGLAB_MEMORY_BUDGET_MB", "not a number");  // ignored, not a refusal of everything
        c.validate();
        qunsetenv("SCALINGLAB_MEMORY_BUDGET_MB");
        sl::app::setMemoryBudgetBytes(std::uint64_t(4) << 20);
        QVERIFY_EXCEPTION_THROWN(c.validate(), sl::ValidationError);
        sl::app::setMemoryBudgetBytes(std::nullopt);
        c.validate();
    }

    void bytesAreFormattedInBinaryUnits()
    {
        QCOMPARE(sl::app::formatBytes(512), std::string("512 B"));
        QCOMPARE(sl::app::formatBytes(1536), std::string("1.5 KiB"));
        QCOMPARE(sl::app::formatBytes(8e14), std::string("728 TiB"));
    }
};

QTEST_APPLESS_MAIN(TestMemoryBudget)
#include "test_memory_budget.moc"
