// SPDX-License-Identifier: GPL-3.0-or-later
// The phase diagram's line labels (issue 16): "L2" was cut to ".2: λ = n_eff/√d", L1's label sat on the region label
// "II". After a replot at the two window sizes every line label lies inside the axis rect and no two labels meet.
#include "ui/phase_diagram_view.h"

#include <QtTest>

class TestPhaseDiagramView : public QObject {
    Q_OBJECT

private slots:
    void lineLabelsInsideAndApart()
    {
        for (const double d : {100.0, 500.0}) {
            // The diagram's share of the window at 1600×1000 and at 1024×768.
            for (const QSize size : {QSize(760, 470), QSize(400, 330)}) {
                sl::ui::PhaseDiagramView view;
                sl::PhaseDiagramConfig config;
                config.d = d;
                view.setDiagram(config);
                view.resize(size);
                view.replot();
                const QString context = QStringLiteral("d = %1, %2x%3").arg(d).arg(size.width()).arg(size.height());
                QCOMPARE(view.lineLabelTexts().size(), 3);
                QVERIFY2(view.lineLabelTexts().join(' ').contains("L1: λ"), qPrintable(context));
                const QVector<QRectF> lines = view.lineLabelRects();
                const QVector<QRectF> regions = view.regionLabelRects();
                QVERIFY(!regions.isEmpty());
                const QRectF area = view.axisRect()->rect();
                for (int i = 0; i < lines.size(); ++i) {
                    QVERIFY2(area.contains(lines[i]), qPrintable(context + " " + view.lineLabelTexts()[i]));
                    for (int j = i + 1; j < lines.size(); ++j)
                        QVERIFY2(!lines[i].intersects(lines[j]), qPrintable(context));
                    for (const QRectF& r : regions)
                        QVERIFY2(!lines[i].intersects(r), qPrintable(context + " " + view.lineLabelTexts()[i]));
                }
            }
        }
    }
};

QTEST_MAIN(TestPhaseDiagramView)
#include "test_phase_diagram_view.moc"
