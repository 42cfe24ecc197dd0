// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli render end to end (QProcess, offscreen): each plot to PNG, PDF and SVG, from a configuration,
// a result file, a stored run and a curve; bad input is one line and exit code 2.
#include "cli_process.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>
#include <QProcess>
#include <QSet>
#include <QSize>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

using sl::test::CliRun;
using sl::test::runCli;

class TestCliRender : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    static QByteArray head(const QString& file, int bytes)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.read(bytes) : QByteArray();
    }

private slots:
    void phaseToEveryFormat()
    {
        QVERIFY(m_dir.isValid());
        CliRun r = runCli({"render", "phase", "--d", "100", "--gamma", "1.5", "--output", path("phase.png"),
            "--image-width", "640", "--image-height", "480"});
        QCOMPARE(r.exitCode, 0);
        QImage image(path("phase.png"));
        QVERIFY(!image.isNull());
        // Exactly the requested pixels (it wrote 1280×960 for 640×480), also at a high-DPI scale.
        QCOMPARE(image.size(), QSize(640, 480));
        r = runCli({"render", "phase", "--output", path("phase2.png"), "--image-width", "1201", "--image-height", "800",
            "--scale", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QImage(path("phase2.png")).size(), QSize(1201, 800));
        QCOMPARE(r.json()["scale"].toDouble(), 2.0);
        // Not a blank image: the colour map has many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 20);
        r = runCli({"render", "phase", "--output", path("phase.pdf")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(head(path("phase.pdf"), 5) == "%PDF-");
        r = runCli({"render", "phase", "--output", path("phase.svg"), "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()["plot"].toString(), QStringLiteral("phase"));
        QVERIFY(head(path("phase.svg"), 4096).contains("<svg"));
    }

    void spectrumFromResultStoreAndConfig()
    {
        const CliRun run = runCli({"train", "--model", "quadratic", "--d", "10", "--samples", "150", "--weight-decay",
            "0.05", "--json", "--output", path("run.json"), "--store", path("store.sqlite")});
        QCOMPARE(run.exitCode, 0);
        CliRun r = runCli({"render", "spectrum", "--result", path("run.json"), "--output", path("spectrum.svg")});
        QCOMPARE(r.exitCode, 0);
        const QByteArray svg = head(path("spectrum.svg"), 1 << 20);
        QVERIFY(svg.contains("<svg"));
        QFile result(path("run.json"));
        QVERIFY(result.open(QIODevice::ReadOnly));
        const QString hash = QJsonDocument::fromJson(result.readAll()).object()["config_hash"].toString();
        r = runCli({"render", "spectrum", "--store", path("store.sqlite"), "--hash", hash, "--output",
            path("stored.png"), "--log"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!QImage(path("stored.png")).isNull());
        r = runCli({"render", "spectrum", "--model", "diagonal", "--d", "12", "--samples", "60", "--output",
            path("fresh.pdf")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(head(path("fresh.pdf"), 5) == "%PDF-");
        // --width is the hidden width p here as everywhere ("render spectrum --width 20" failed with "must be
        // between 50 and 20000"): the run is trained at p = 4.
        r = runCli({"render", "spectrum", "--model", "quadratic", "--d", "6", "--width", "4", "--samples", "80",
            "--output", path("narrow.png"), "--image-width", "500", "--image-height", "300"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QImage(path("narrow.png")).size(), QSize(500, 300));
        r = runCli(
            {"render", "spectrum", "--store", path("store.sqlite"), "--hash", "0000", "--output", path("none.png")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.trimmed().split('\n').last().contains("0000"));
    }

    void riskFromCurve()
    {
        const CliRun curve = runCli({"curve", "--model", "diagonal", "--d", "8", "--samples-from", "8", "--samples-to",
            "40", "--points", "3", "--seeds", "2", "--solver", "convex", "--json", "--output", path("curve.json")});
        QCOMPARE(curve.exitCode, 0);
        const CliRun r = runCli({"render", "risk", "--curve", path("curve.json"), "--output", path("risk.png")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!QImage(path("risk.png")).isNull());
        // Or computed on the spot from the curve options.
        const CliRun direct = runCli({"render", "risk", "--model", "diagonal", "--d", "8", "--samples-from", "8",
            "--samples-to", "40", "--points", "3", "--seeds", "2", "--solver", "convex", "--output", path("risk.svg")});
        QCOMPARE(direct.exitCode, 0);
        QVERIFY(head(path("risk.svg"), 4096).contains("<svg"));
        // Without --curve, a curve grid is needed.
        const CliRun none = runCli({"render", "risk", "--output", path("none.png")});
        QCOMPARE(none.exitCode, 2);
        QVERIFY(none.oneErrorLine());
    }

    void badInput()
    {
        CliRun r = runCli({"render", "phase", "--output", path("x.bmp")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.trimmed().split('\n').last().contains("x.bmp"));
        QVERIFY(!QFile::exists(path("x.bmp")));
        r = runCli({"render", "phase"});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"render", "histogram", "--output", path("h.png")});
        QCOMPARE(r.exitCode, 2);
        sl::test::writeText(path("notcurve.json"), "{\"points\": 5}");
        r = runCli({"render", "risk", "--curve", path("notcurve.json"), "--output", path("r.png")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.trimmed().split('\n').last().contains("notcurve.json"));
        sl::test::writeText(path("garbage.json"), "not json");
        r = runCli({"render", "spectrum", "--result", path("garbage.json"), "--output", path("s.png")});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"render", "phase", "--output", path("nodir/x.png")});
        QCOMPARE(r.exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliRender)
#include "test_cli_render.moc"
