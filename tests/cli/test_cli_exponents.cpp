// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli exponents end to end: the map's JSON against the core ExponentMap, the store cache, CSV, bad usage,
// and `render phase --exponents`.
#include "cli_process.h"
#include "core/theory/exponent_map.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

using sl::test::CliRun;
using sl::test::runCli;

class TestCliExponents : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    const QStringList m_grid{"--gamma", "1.5", "--a-from", "1.5", "--a-to", "2.5", "--b-from", "0", "--b-to", "1",
        "--points", "3", "--d-max", "1e4"};

private slots:
    void mapMatchesCoreAndIsCached()
    {
        CliRun r = runCli(QStringList{"exponents", "--json", "--store", path("s.sqlite")} + m_grid);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject json = r.json();
        QCOMPARE(json["from_store"].toBool(), false);
        const QJsonArray cells = json["cells"].toArray();
        QCOMPARE(cells.size(), 9);
        sl::ExponentMapConfig c;
        c.gamma = 1.5;
        c.aFrom = 1.5;
        c.aTo = 2.5;
        c.bFrom = 0;
        c.bTo = 1;
        c.aPoints = c.bPoints = 3;
        c.dMax = 1e4;
        const sl::ExponentMapResult core = sl::ExponentMap(c).run();
        for (int i = 0; i < 9; ++i) {
            const QJsonObject cell = cells[i].toObject();
            QCOMPARE(cell["a"].toDouble(), core.cells[std::size_t(i)].a);
            QCOMPARE(cell["b"].toDouble(), core.cells[std::size_t(i)].b);
            QCOMPARE(cell["measured"].toDouble(), core.cells[std::size_t(i)].measured);
            QCOMPARE(cell["predicted"].toDouble(), core.cells[std::size_t(i)].predicted);
            QCOMPARE(cell["phase"].toString(), QString::fromStdString(core.cells[std::size_t(i)].phase));
            QCOMPARE(cell["interval"].toArray().size(), 2);
            QVERIFY(!cell.contains("ladder"));
        }
        // Same parameters: read back from the store, identical cells; other parameters: computed.
        CliRun again = runCli(QStringList{"exponents", "--json", "--store", path("s.sqlite")} + m_grid);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.json()["from_store"].toBool(), true);
        QCOMPARE(again.json()["cells"].toArray(), cells);
        CliRun other = runCli(QStringList{"exponents", "--json", "--store", path("s.sqlite"), "--ladder"} + m_grid
            + QStringList{"--noise", "0.25"});
        QCOMPARE(other.exitCode, 0);
        QCOMPARE(other.json()["from_store"].toBool(), false);
        QVERIFY(other.json()["cells"].toArray()[0].toObject()["ladder"].toArray().size() >= 9);
        sl::test::writeText(path("map.json"), r.out);
    }

    void csvAndTable()
    {
        CliRun r = runCli(QStringList{"exponents", "--format", "csv"} + m_grid);
        QCOMPARE(r.exitCode, 0);
        const QStringList rows = QString::fromUtf8(r.out).trimmed().split('\n');
        QCOMPARE(rows.size(), 10);
        QVERIFY(rows[0].startsWith("a,b,phase,predicted,measured,interval_low,interval_high,difference"));
        r = runCli(QStringList{"exponents"} + m_grid);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("predicted") && r.out.contains("VIa"));
    }

    void badUsage()
    {
        for (const QStringList& args : {QStringList{"--gamma", "0.5"}, QStringList{"--d-max", "50"},
                 QStringList{"--fit-decades", "0.1"}, QStringList{"--a-from", "2", "--a-to", "1"},
                 QStringList{"--model", "cubic"}, QStringList{"--json", "--format", "csv"}}) {
            const CliRun r = runCli(QStringList{"exponents"} + args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.oneErrorLine(), r.err.constData());
        }
        QCOMPARE(runCli({"exponents", "--help"}).exitCode, 0);
    }

    void renderExponents()
    {
        QVERIFY(QFile::exists(path("map.json")));  // written by mapMatchesCoreAndIsCached
        for (const char* mode : {"predicted", "measured", "difference"}) {
            const QString png = path(QStringLiteral("phase-%1.png").arg(mode));
            CliRun r = runCli({"render", "phase", "--d", "1000", "--gamma", "1.5", "--exponents", mode,
                "--exponent-map", path("map.json"), "--output", png});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(!QImage(png).isNull());
        }
        // The map was measured at γ = 1.5: drawing it on a γ = 1 diagram is refused.
        CliRun r = runCli({"render", "phase", "--gamma", "1", "--exponents", "measured", "--exponent-map",
            path("map.json"), "--output", path("wrong.png")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine() && r.err.contains("γ"));
        r = runCli({"render", "phase", "--exponents", "fancy", "--output", path("wrong.png")});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliExponents)
#include "test_cli_exponents.moc"
