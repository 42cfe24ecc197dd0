// SPDX-License-Identifier: GPL-3.0-or-later
// The phase-diagram view's exponent modes: predicted / measured / difference maps, hover numbers, the measuring
// button's computation off the GUI thread and its cancellation.
#include "ui/phase_diagram_view.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLatin1String>
#include <QObject>
#include <QPushButton>
#include <QRect>
#include <QSignalSpy>
#include <QString>
#include <QStringLiteral>
#include <QTest>

class TestPhaseDiagramExponents : public QObject {
    Q_OBJECT

private slots:
    void controlsDoNotCoverTheTitle()
    {
        sl::ui::PhaseDiagramView view;
        view.resize(700, 450);
        view.show();
        view.replot();
        const QRect title = view.titleElement()->rect();
        for (const char* name : {"phaseColourMode", "phaseMeasureExponents"}) {
            const auto* control = view.findChild<QWidget*>(QString::fromLatin1(name));
            QVERIFY(control);
            QVERIFY2(!control->geometry().intersects(title),
                qPrintable(QStringLiteral("%1 at y %2–%3 over the title at y %4–%5")
                               .arg(QLatin1String(name))
                               .arg(control->geometry().top())
                               .arg(control->geometry().bottom())
                               .arg(title.top())
                               .arg(title.bottom())));
        }
    }

    void modesAndHover()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 1000;
        config.gamma = 1.5;
        view.setDiagram(config);
        auto* box = view.findChild<QComboBox*>("phaseColourMode");
        QVERIFY(box);
        QCOMPARE(box->count(), 4);
        box->setCurrentIndex(1);
        QCOMPARE(view.colourMode(), sl::ui::PhaseDiagramView::ColourMode::PredictedExponent);
        QCOMPARE(view.dataJson()["colour_mode"].toString(), QStringLiteral("predicted_exponent"));
        sl::app::ExponentMapData map;
        map.model = "diagonal";
        map.gamma = 1.5;
        map.noise = 0.5;
        map.dMax = 1e5;
        for (double a : {1.5, 2.0})
            for (double b : {0.5, 1.0}) {
                sl::app::ExponentMapCell cell;
                cell.a = a;
                cell.b = b;
                cell.phase = "II";
                cell.predicted = 0.5;
                cell.measured = 0.45;
                cell.intervalLow = 0.44;
                cell.intervalHigh = 0.46;
                cell.converged = !(a == 2.0 && b == 1.0);
                cell.message = "1 ladder point(s) in the fit window did not converge";
                map.cells.append(cell);
            }
        view.setExponentMap(map);
        view.setColourMode(sl::ui::PhaseDiagramView::ColourMode::ExponentDifference);
        QCOMPARE(box->currentIndex(), 3);
        // n_eff = d^1.5, λ = d^0.5 is the cell (1.5, 0.5).
        const QString text = view.describe(std::pow(1000.0, 1.5), std::pow(1000.0, 0.5));
        QVERIFY2(
            text.contains("measured e = 0.450 [0.440, 0.460]") && text.contains("difference -0.050"), qPrintable(text));
        QVERIFY(view.describe(std::pow(1000.0, 2.0), 1000).contains("not converged"));
        QCOMPARE(view.dataJson()["exponent_cells"].toArray().size(), 4);
        view.setMeasurements({{30, 1, -0.8}});
        QCOMPARE(view.measurements().size(), 1);  // the sweeps' dots stay in every mode
    }

    void measuresOffTheGuiThreadAndCancels()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 1000;
        config.gamma = 1.0;
        view.setDiagram(config);
        QSignalSpy finished(&view, &sl::ui::PhaseDiagramView::exponentMapFinished);
        sl::ExponentMapConfig c;
        c.aFrom = 1;
        c.aTo = 2;
        c.bFrom = 0;
        c.bTo = 1;
        c.aPoints = c.bPoints = 2;
        c.dMax = 3000;
        view.computeExponentMap(c);
        QVERIFY(view.exponentMapRunning());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(view.exponentMap().cells.size(), 4);
        QCOMPARE(view.exponentMap().gamma, 1.0);  // the view's γ, not the config's default
        QCOMPARE(view.colourMode(), sl::ui::PhaseDiagramView::ColourMode::MeasuredExponent);
        // A large map, cancelled at once: reported as cancelled, the previous map kept.
        c.aPoints = c.bPoints = 40;
        c.dMax = 1e6;
        view.computeExponentMap(c);
        view.cancelExponentMap();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.last().first().toBool(), false);
        QCOMPARE(view.exponentMap().cells.size(), 4);
    }
};

QTEST_MAIN(TestPhaseDiagramExponents)
#include "test_phase_diagram_exponents.moc"
