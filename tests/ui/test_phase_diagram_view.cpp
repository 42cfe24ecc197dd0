// SPDX-License-Identifier: GPL-3.0-or-later
// The phase diagram's line labels (issue 16, item 6): "L2" was cut to ".2: λ = n_eff/√d", L1's label sat on the region
// label "II", L3's ran across its dashed line, all horizontal. After a replot at many sizes and two display scales
// every line label is read back from QCustomPlot (its four rotated corner anchors, its rotation, the drawn line's
// ends): it lies along its line (the line's on-screen angle), wholly on one side of it, inside the axis rect, and its
// box meets no region label and no other line label.
#include "ui/phase_diagram_view.h"

#include <QLineF>
#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>
#include <QVector>
#include <cmath>

namespace {

// Signed distance of `p` from the line through the segment (pixels; the sign says the side).
double signedDistance(const QLineF& line, const QPointF& p)
{
    const QPointF d = line.p2() - line.p1();
    return (d.x() * (p.y() - line.p1().y()) - d.y() * (p.x() - line.p1().x())) / std::hypot(d.x(), d.y());
}

// The checks, on `view` as last drawn; `context` names the case in a failure.
void checkLabels(const sl::ui::PhaseDiagramView& view, const QString& context, bool expectAllThree)
{
    const QVector<sl::ui::PhaseDiagramView::PlacedLabel> labels = view.lineLabels();
    if (expectAllThree)
        QVERIFY2(labels.size() == 3, qPrintable(context + QStringLiteral(": %1 labels").arg(labels.size())));
    const QVector<QPolygonF> regions = view.regionLabelBoxes();
    QVERIFY2(!regions.isEmpty(), qPrintable(context));
    const QRectF area = view.axisRect()->rect();
    for (int i = 0; i < labels.size(); ++i) {
        const auto& l = labels[i];
        const QString what = context + " " + l.text;
        QCOMPARE(l.corners.size(), 4);
        for (const QPointF& corner : l.corners)
            QVERIFY2(area.contains(corner), qPrintable(what + " outside the axis rect"));
        // Along its line: the text's baseline direction is the line's direction on screen.
        QVERIFY2(!l.line.isNull(), qPrintable(what));
        const double lineAngle = std::atan2(l.line.dy(), l.line.dx()) * 180 / M_PI;
        QVERIFY2(std::abs(l.rotation - lineAngle) < 0.5,
            qPrintable(what + QStringLiteral(": rotated %1°, line at %2°").arg(l.rotation).arg(lineAngle)));
        const QLineF top(l.corners[0], l.corners[1]);
        QVERIFY2(std::abs(std::atan2(top.dy(), top.dx()) * 180 / M_PI - lineAngle) < 0.5, qPrintable(what));
        // Beside its line, never across it: every corner on one side, clear of the pen.
        double lo = 1e300, hi = -1e300;
        for (const QPointF& corner : l.corners) {
            lo = std::min(lo, signedDistance(l.line, corner));
            hi = std::max(hi, signedDistance(l.line, corner));
        }
        QVERIFY2(lo > l.lineWidth / 2 || hi < -l.lineWidth / 2,
            qPrintable(what + QStringLiteral(" crosses its line (%1 to %2 px)").arg(lo).arg(hi)));
        for (int j = i + 1; j < labels.size(); ++j)
            QVERIFY2(!l.corners.intersects(labels[j].corners), qPrintable(what + " meets " + labels[j].text));
        for (const QPolygonF& region : regions)
            QVERIFY2(!l.corners.intersects(region), qPrintable(what + " meets a region label"));
    }
}

}  // namespace

class TestPhaseDiagramView : public QObject {
    Q_OBJECT

private slots:
    void lineLabelsAlongTheirLinesInsideAndApart()
    {
        // From the diagram's share of a 1600×1000 window down to a third of a 1024×768 one, and a wide short strip.
        const QVector<QSize> sizes
            = {QSize(1200, 800), QSize(760, 470), QSize(520, 420), QSize(400, 330), QSize(297, 330), QSize(900, 300)};
        for (const double d : {24.0, 100.0, 500.0}) {
            for (const double scale : {1.0, 1.5}) {
                for (const QSize size : sizes) {
                    sl::ui::PhaseDiagramView view;
                    sl::PhaseDiagramConfig config;
                    config.d = d;
                    view.setDiagram(config);
                    view.resize(size);
                    view.setDisplayScale(scale);
                    view.replot();
                    const QString context = QStringLiteral("d = %1, %2x%3, scale %4")
                                                .arg(d)
                                                .arg(size.width())
                                                .arg(size.height())
                                                .arg(scale);
                    checkLabels(view, context, true);
                    if (QTest::currentTestFailed())
                        return;
                }
            }
        }
    }

    // Finished points and the live point stay visible: no line label covers their markers. Points on each line,
    // where the labels would go first.
    void lineLabelsLeaveTheMarkersVisible()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 100;
        view.setDiagram(config);
        const sl::PhaseDiagram& diagram = view.diagram();
        QVector<sl::ui::PhaseDiagramView::Measurement> points;
        for (double nEff : {0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 1e4}) {
            points.push_back({nEff, diagram.lineL1(nEff), -0.5});
            points.push_back({nEff, diagram.lineL2(nEff), -0.5});
            points.push_back({nEff, diagram.lineL3(nEff), -0.5});
        }
        view.setMeasurements(points);
        view.setCurrentPoint(300, diagram.lineL1(300));
        for (const QSize size : {QSize(1200, 800), QSize(400, 330)}) {
            view.resize(size);
            view.replot();
            checkLabels(view, QStringLiteral("with markers, %1x%2").arg(size.width()).arg(size.height()), false);
            // Every drawn marker (the graphs' scatter points) as the square of its scatter size.
            QVector<QPolygonF> markers;
            for (int g = 0; g < view.graphCount(); ++g) {
                const QCPGraph* graph = view.graph(g);
                const double half = graph->scatterStyle().size() / 2;
                for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
                    const QPointF centre(view.xAxis->coordToPixel(it->key), view.yAxis->coordToPixel(it->value));
                    markers << QPolygonF(QRectF(centre - QPointF(half, half), QSizeF(2 * half, 2 * half)));
                }
            }
            QCOMPARE(markers.size(), points.size() + 1);
            for (const auto& label : view.lineLabels())
                for (const QPolygonF& marker : markers)
                    QVERIFY2(!label.corners.intersects(marker),
                        qPrintable(label.text
                            + QStringLiteral(" covers the marker at (%1, %2)")
                                  .arg(marker.boundingRect().center().x())
                                  .arg(marker.boundingRect().center().y())));
        }
    }

    // Where there is room the labels carry their equations; the bare names only where the plot is small.
    void fullEquationsWhereThereIsRoom()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 100;
        view.setDiagram(config);
        view.resize(1200, 800);
        view.replot();
        const QStringList texts = view.lineLabelTexts();
        QCOMPARE(texts.size(), 3);
        QVERIFY2(texts.contains(QStringLiteral("L1: λ = √(n_eff/d)")), qPrintable(texts.join(" | ")));
        QVERIFY2(texts.contains(QStringLiteral("L2: λ = n_eff/√d")), qPrintable(texts.join(" | ")));
        QVERIFY2(texts.contains(QStringLiteral("L3: λ = n_eff/d^(γ+1/2)")), qPrintable(texts.join(" | ")));
        // Resizing places them again (after every layout), still along their lines.
        view.resize(400, 330);
        view.replot();
        checkLabels(view, "after resizing to 400x330", true);
    }
};

QTEST_MAIN(TestPhaseDiagramView)
#include "test_phase_diagram_view.moc"
