// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli train/curve --decompose --prune: the keys of docs/theory/decomposition.md §6 in the JSON and the
// lines in the text output; a diverged run says why there are no numbers.
#include "app/cli/cli_common.h"
#include "tests/app/cli/cli_in_process.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestCommandDecompose : public QObject {
    Q_OBJECT

private slots:
    void trainJsonHasTheTerms()
    {
        QTemporaryDir dir;
        const QString output = dir.filePath("run.json");
        const sl::test::InProcessRun run = sl::test::runCliInProcess(
            {"train", "--model", "diagonal", "--d", "40", "--samples", "40", "--weight-decay", "0.02", "--solver",
                "convex", "--decompose", "--prune", "--json", "--output", output});
        QCOMPARE(run.exitCode, int(sl::cli::kSuccess));
        const QJsonObject r = QJsonDocument::fromJson(readAll(output)).object();
        const double sum = r["overfitting"].toDouble() + r["underfitting"].toDouble() + r["approximation"].toDouble();
        QVERIFY(std::abs(sum - r["excess_risk"].toDouble()) < 1e-10 * r["excess_risk"].toDouble());
        QVERIFY(r["pruned_excess_risk"].isDouble());
        const QJsonObject se = r["state_evolution"].toObject();
        for (const char* key : {"overfitting", "underfitting", "approximation", "pruned_excess_risk", "excess_risk"})
            QVERIFY2(se[key].isDouble(), key);
    }

    void trainTextHasTheTerms()
    {
        QTemporaryDir dir;
        const QString output = dir.filePath("run.txt");
        const sl::test::InProcessRun run
            = sl::test::runCliInProcess({"train", "--model", "diagonal", "--d", "40", "--samples", "40",
                "--weight-decay", "0.02", "--solver", "convex", "--decompose", "--prune", "--output", output});
        QCOMPARE(run.exitCode, int(sl::cli::kSuccess));
        const QString text = QString::fromUtf8(readAll(output));
        for (const char* line : {"decomposition", "pruned excess risk", "SE decomposition", "SE pruned excess risk"})
            QVERIFY2(text.contains(QLatin1String(line)), qPrintable(text));
    }

    void divergedTrainSaysWhy()
    {
        QTemporaryDir dir;
        const QString output = dir.filePath("run.txt");
        const sl::test::InProcessRun run = sl::test::runCliInProcess({"train", "--model", "quadratic", "--d", "8",
            "--samples", "100", "--solver", "gd", "--learning-rate", "1", "--decompose", "--output", output});
        QCOMPARE(run.exitCode, int(sl::cli::kRunFailed));
        const QString text = QString::fromUtf8(readAll(output));
        QVERIFY2(text.contains(QLatin1String("not computed: the run diverged")), qPrintable(text));
    }

    void curveHasTermsPerPoint()
    {
        QTemporaryDir dir;
        const QString output = dir.filePath("curve.json");
        const sl::test::InProcessRun run = sl::test::runCliInProcess({"curve", "--model", "diagonal", "--d", "30",
            "--samples-from", "10", "--samples-to", "60", "--points", "2", "--seeds", "2", "--weight-decay", "0.05",
            "--solver", "convex", "--decompose", "--prune", "--threads", "1", "--json", "--output", output});
        QCOMPARE(run.exitCode, int(sl::cli::kSuccess));
        const QJsonArray points = QJsonDocument::fromJson(readAll(output)).object()["points"].toArray();
        QCOMPARE(points.size(), 2);
        for (const QJsonValue& v : points) {
            const QJsonObject p = v.toObject();
            const double sum
                = p["overfitting"].toDouble() + p["underfitting"].toDouble() + p["approximation"].toDouble();
            QVERIFY(std::abs(sum - p["mean"].toDouble()) < 1e-9 * p["mean"].toDouble());
            QVERIFY(p["pruned_excess_risk"].isDouble());
            QVERIFY(p["state_evolution"].toObject()["overfitting"].isDouble());
        }
    }
};

QTEST_GUILESS_MAIN(TestCommandDecompose)
#include "test_command_decompose.moc"
