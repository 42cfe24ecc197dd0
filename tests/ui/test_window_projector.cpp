// SPDX-License-Identifier: GPL-3.0-or-later
// The window on a projector (issue 16, last defects), read back from the widgets and the written files:
//  - the risk plot's two-line x-axis label lost its second line at 150 % zoom: the label's text rectangle (where
//    QCustomPlot's axis painter draws it) lies inside the widget, clear of the legend below it, at 1024×768 and
//    1600×1000, 100 % and 150 %;
//  - the window's image export had no scale choice (only the on-screen zoom, where the CLI's render has --scale): the
//    File → Export dialog, driven without a blocking exec(), writes a PNG of exactly the pixel size it shows for each
//    choice, and the title's ink grows with the chosen text scale.
#include "tests/ui/image_ink.h"
#include "tests/ui/window_sizes.h"
#include "tests/ui/window_test_guards.h"
#include "ui/export_dialog.h"
#include "ui/main_window.h"
#include "ui/risk_plot.h"

#include <QCoreApplication>
#include <QFile>
#include <QImage>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QObject>
#include <QPointer>
#include <QRect>
#include <QRectF>
#include <QSettings>
#include <QSize>
#include <QStandardPaths>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>
#include <QVector>
#include <cmath>

namespace {

QString rectText(const QRectF& r)
{
    return QStringLiteral("(%1, %2) %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

// QCustomPlot keeps where it drew an axis label in the axis' painter (the label's selection box: the axis rect's
// width, the label's height); the axis painter is a protected member, reached the standard way through a
// pointer to member named in a derived class.
struct AxisAccess : QCPAxis {
    static QRect labelBox(const QCPAxis* axis) { return (axis->*(&AxisAccess::mAxisPainter))->labelSelectionBox(); }
};

// The label's text as drawn: its bounding rect centred in the box (drawText with AlignHCenter | AlignTop).
QRectF labelTextRect(const QCPAxis* axis)
{
    const QRect box = AxisAccess::labelBox(axis);
    const QRect bounds = QFontMetrics(axis->labelFont()).boundingRect(0, 0, 0, 0, Qt::TextDontClip, axis->label());
    return QRectF(box.center().x() + 0.5 - bounds.width() / 2.0, box.top(), bounds.width(), bounds.height());
}

}  // namespace

class TestWindowProjector : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { sl::tests::useFreshTestSettings("test_window_projector"); }

    void riskAxisLabelInsideTheWidget_data() { sl::tests::addScreenRows(); }

    void riskAxisLabelInsideTheWidget()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        sl::ui::RiskPlot* plot = window.riskPlot();
        const QRectF text = labelTextRect(plot->xAxis);
        const QRectF widget(plot->visibleRegion().boundingRect());
        const QString what = QStringLiteral("x label %1 in a view showing %2, axis rect %3, legend %4")
                                 .arg(rectText(text), rectText(widget), rectText(plot->axisRect()->outerRect()),
                                     rectText(plot->legend->outerRect()));
        QVERIFY2(text.height() > 0, qPrintable(what));
        QVERIFY2(widget.contains(text), qPrintable(what));
        // Drawn below the tick labels, inside the axis rect's bottom margin, above the legend's row.
        QVERIFY2(text.bottom() <= plot->axisRect()->outerRect().bottom() + 1, qPrintable(what));
        if (plot->legend->visible() && plot->legend->outerRect().height() > 0)
            QVERIFY2(text.bottom() <= plot->legend->outerRect().top() + 1, qPrintable(what));
    }

    void exportDialogScales_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::newRow("100 %") << 1.0;
        QTest::newRow("150 %") << 1.5;
    }

    // File → Export → Risk plot... opens the dialog without blocking; each choice is set and accepted as a user
    // would, and the written PNG read back.
    void exportDialogScales()
    {
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, QSize(1024, 768), zoom);
        sl::ui::RiskPlot* plot = window.riskPlot();
        const QSize shown = plot->size();
        auto* menu = window.menuBar()->findChild<QMenu*>("exportMenu");
        QVERIFY(menu && !menu->actions().isEmpty());
        QTemporaryDir dir;
        struct Case {
            sl::ui::ImageScale scale;
            const char* name;
            double textScale;  // the text's size against its unzoomed size
            QSize expected;
        };
        auto scaled
            = [&](double s) { return QSize(qRound(shown.width() * s / zoom), qRound(shown.height() * s / zoom)); };
        const QVector<Case> cases = {{sl::ui::ImageScale::OnScreen, "on_screen", zoom, shown},
            {sl::ui::ImageScale::Percent100, "p100", 1.0, scaled(1.0)},
            {sl::ui::ImageScale::Percent150, "p150", 1.5, scaled(1.5)},
            {sl::ui::ImageScale::Percent200, "p200", 2.0, scaled(2.0)},
            {sl::ui::ImageScale::PixelSize, "pixels", zoom, QSize(1001, 701)}};
        QMap<QString, int> ink;
        for (const Case& c : cases) {
            menu->actions().first()->trigger();  // "Risk plot..."
            QPointer<sl::ui::ExportDialog> dialog = window.findChild<sl::ui::ExportDialog*>("exportDialog");
            QVERIFY(dialog && dialog->isVisible());
            const QString path = dir.filePath(QStringLiteral("%1.png").arg(c.name));
            dialog->setPath(path);
            dialog->setImageScale(c.scale);
            dialog->setPixelSize(QSize(1001, 701));
            QCOMPARE(dialog->geometry().pixels, c.expected);
            QVERIFY2(dialog->sizeText().startsWith(
                         QStringLiteral("%1 × %2 px").arg(c.expected.width()).arg(c.expected.height())),
                qPrintable(dialog->sizeText()));
            dialog->accept();
            QTRY_VERIFY(dialog.isNull());  // closed and deleted: the next trigger opens a new one
            const QImage image(path);
            QVERIFY2(!image.isNull(), qPrintable(path + ": " + window.lastError()));
            QCOMPARE(image.size(), c.expected);
            ink[c.name] = sl::tests::firstInkBandHeight(image);
            QVERIFY2(ink[c.name] >= 5, qPrintable(QStringLiteral("%1: %2 px").arg(c.name).arg(ink[c.name])));
        }
        const QString inks = QStringLiteral("title ink: on screen %1, 100 % %2, 150 % %3, 200 % %4, pixels %5 px")
                                 .arg(ink["on_screen"])
                                 .arg(ink["p100"])
                                 .arg(ink["p150"])
                                 .arg(ink["p200"])
                                 .arg(ink["pixels"]);
        qInfo("%s", qPrintable(inks));
        const double r150 = double(ink["p150"]) / ink["p100"], r200 = double(ink["p200"]) / ink["p100"];
        QVERIFY2(r150 > 1.3 && r150 < 1.7, qPrintable(inks));
        QVERIFY2(r200 > 1.75 && r200 < 2.25, qPrintable(inks));
        // As on screen and a pixel size draw the text at the window's zoom.
        const double onScreen = double(ink["on_screen"]) / ink["p100"], pixels = double(ink["pixels"]) / ink["p100"];
        QVERIFY2(std::abs(onScreen - zoom) < 0.2 * zoom, qPrintable(inks));
        QVERIFY2(std::abs(pixels - zoom) < 0.2 * zoom, qPrintable(inks));
        // The view lays itself out at its own size again after the exports.
        QCoreApplication::processEvents();
        QCOMPARE(plot->viewport().size(), plot->size());
    }

    // A file name the export cannot write is refused visibly, and a data file is written from the same dialog.
    void exportDialogRefusesVisibly()
    {
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, QSize(1024, 768), 1.0);
        auto* menu = window.menuBar()->findChild<QMenu*>("exportMenu");
        QTemporaryDir dir;
        menu->actions().first()->trigger();
        QPointer<sl::ui::ExportDialog> dialog = window.findChild<sl::ui::ExportDialog*>("exportDialog");
        QVERIFY(dialog);
        dialog->setPath(dir.filePath("no/such/folder/risk.png"));
        dialog->accept();
        QVERIFY2(window.lastError().contains("folder"), qPrintable(window.lastError()));
        QTRY_VERIFY(dialog.isNull());
        menu->actions().first()->trigger();
        dialog = window.findChild<sl::ui::ExportDialog*>("exportDialog");
        QVERIFY(dialog);
        dialog->setPath(dir.filePath("risk.csv"));
        dialog->accept();
        QVERIFY(QFile::exists(dir.filePath("risk.csv")));
    }
};

QTEST_MAIN(TestWindowProjector)
#include "test_window_projector.moc"
