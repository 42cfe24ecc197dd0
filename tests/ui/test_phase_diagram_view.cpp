// SPDX-License-Identifier: GPL-3.0-or-later
// The phase diagram's line labels (issue 16, item 6): "L2" was cut to ".2: λ = n_eff/√d", L1's label sat on the region
// label "II", L3's ran across its dashed line, all horizontal. After a replot at many sizes and two display scales
// every line label is read back from QCustomPlot (its four rotated corner anchors, its rotation, the drawn line's
// ends): it lies along its line (the line's on-screen angle), wholly on one side of it, inside the axis rect, and its
// box meets no region label and no other line label.
// Issue 16 (last defects): at 1024×768 and 150 % a label that found no free place was left out, and at 1600×1000 L3's
// label crossed L2. In the window at 1024×768 and 1600×1000, 100 % and 150 %, for d = 24, 100 and 500: every line
// visible on the map has its equation, on the plot or in the key below it; no label meets another boundary line's
// drawn segment, another label or a region label; labels and key lie inside the widget.
// Issue 16 (retaken screenshots): at 1024×768 and 150 % L1 and L3 were named in the key alone, which did not say which
// dashed line was which (L2 and L3 both white dashed); at 1600×1000 and 150 % L3's label ran across the dotted
// "n_eff = d" line; the colour scale's label ran up beside the title. Read back: every key entry's pen sample is drawn
// with its line's pen, on a swatch it shows on, before its text, and no two lines share a pen; no line label meets a
// dotted vertical's drawn segment or its label; the colour scale's label, as drawn (its ink: the pixels that change
// when it is drawn transparent), lies within the scale's height and off the title.
// Issue 16, item 6 (follow-up): the dotted verticals' rotated labels sat 4 % above the map's bottom, "n_eff = d" over
// the region label "V" and "n_eff = 1" over "Ia". Read back for several d and γ, sizes and both scales: every
// vertical's label is shown inside the axis rect, its box meeting no region label and no other vertical or its label,
// and a region label lies on a dotted line only where its region leaves it no place off it.
#include "tests/ui/window_sizes.h"
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/phase_diagram_view.h"

#include <QCoreApplication>
#include <QHelpEvent>
#include <QImage>
#include <QLineF>
#include <QObject>
#include <QPair>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QSettings>
#include <QSize>
#include <QSizeF>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>
#include <QToolTip>
#include <QVector>
#include <algorithm>
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

// Whether the segment meets the convex polygon: an end inside it or a crossing with one of its edges.
bool meets(const QLineF& segment, const QPolygonF& box)
{
    if (box.containsPoint(segment.p1(), Qt::OddEvenFill) || box.containsPoint(segment.p2(), Qt::OddEvenFill))
        return true;
    for (int i = 0; i < box.size(); ++i)
        if (segment.intersects(QLineF(box[i], box[(i + 1) % box.size()]), nullptr) == QLineF::BoundedIntersection)
            return true;
    return false;
}

// A text item's box as drawn: its four corner anchors.
QPolygonF boxOf(const QCPItemText* text)
{
    return QPolygonF({text->topLeft->pixelPosition(), text->topRight->pixelPosition(),
        text->bottomRight->pixelPosition(), text->bottomLeft->pixelPosition()});
}

QRectF rectOf(const QCPItemRect* rect)
{
    return QRectF(rect->topLeft->pixelPosition(), rect->bottomRight->pixelPosition()).normalized();
}

// The pen's dash period in pixels (0 for a solid pen).
double dashPeriod(const QPen& pen)
{
    double units = 0;
    for (const qreal dash : pen.dashPattern())
        units += dash;
    return units * std::max<qreal>(1, pen.widthF());
}

// No line label meets a dotted vertical's drawn segment (the axis rect's height at its x) or its rotated label.
void checkVerticalsClear(const sl::ui::PhaseDiagramView& view, const QString& context)
{
    const QRectF area = view.axisRect()->rect();
    const auto verticals = view.verticalLines();
    QVERIFY2(!verticals.isEmpty(), qPrintable(context));
    for (const auto& vertical : verticals) {
        const double x = vertical.item->point1->pixelPosition().x();
        QCOMPARE(vertical.item->point2->pixelPosition().x(), x);
        if (x < area.left() || x > area.right())
            continue;
        const QLineF segment(x, area.top(), x, area.bottom());
        const QPolygonF labelBox = boxOf(vertical.label);
        const bool labelShown = vertical.label->visible();
        for (const auto& label : view.lineLabels()) {
            QVERIFY2(!meets(segment, label.corners),
                qPrintable(context
                    + QStringLiteral(": '%1' crosses the dotted line of '%2' (x = %3)")
                          .arg(label.text, vertical.label->text())
                          .arg(x)));
            QVERIFY2(!labelShown || !label.corners.intersects(labelBox),
                qPrintable(context + QStringLiteral(": '%1' meets '%2'").arg(label.text, vertical.label->text())));
        }
    }
}

// Each dotted vertical's label as drawn: shown (where the map is 200 px or more each way), inside the axis rect, its
// box meeting no region label, no other vertical's label and no other vertical's line. A region label on a dotted line
// has no place sideways off every dotted line, inside the axis rect and off the other region labels, with its centre
// still in its region.
void checkVerticalLabels(const sl::ui::PhaseDiagramView& view, const QString& context)
{
    const QRectF area = view.axisRect()->rect();
    const auto verticals = view.verticalLines();
    const QVector<QPolygonF> regions = view.regionLabelBoxes();
    const QStringList names = view.regionLabelTexts();
    QVERIFY2(!verticals.isEmpty() && !regions.isEmpty() && names.size() == regions.size(), qPrintable(context));
    for (int i = 0; i < verticals.size(); ++i) {
        const QCPItemText* label = verticals[i].label;
        const QPolygonF box = boxOf(label);
        const QRectF bounds = box.boundingRect();
        const QString what = context
            + QStringLiteral(": '%1' at (%2, %3) %4x%5")
                  .arg(label->text())
                  .arg(bounds.x())
                  .arg(bounds.y())
                  .arg(bounds.width())
                  .arg(bounds.height());
        // On a map under 200 px (a third of a 1024×768 window, or 1024×768 at 150 % with d = 24) the region labels may
        // leave a vertical's label no place at all: it is left out rather than drawn over one.
        if (!label->realVisibility()) {
            QVERIFY2(area.width() < 200 || area.height() < 200, qPrintable(what + " not shown"));
            continue;
        }
        for (const QPointF& corner : box)
            QVERIFY2(area.contains(corner),
                qPrintable(what
                    + QStringLiteral(" outside the axis rect (%1, %2) %3x%4")
                          .arg(area.x())
                          .arg(area.y())
                          .arg(area.width())
                          .arg(area.height())));
        for (int r = 0; r < regions.size(); ++r)
            QVERIFY2(!box.intersects(regions[r]), qPrintable(what + " meets the region label '" + names[r] + "'"));
        for (int j = 0; j < verticals.size(); ++j) {
            if (j == i)
                continue;
            const double x = verticals[j].item->point1->pixelPosition().x();
            QVERIFY2(!box.intersects(boxOf(verticals[j].label)),
                qPrintable(what + " meets '" + verticals[j].label->text() + "'"));
            QVERIFY2(!meets(QLineF(x, area.top(), x, area.bottom()), box),
                qPrintable(what + " crosses the line of '" + verticals[j].label->text() + "'"));
        }
    }
    // Region labels on a dotted line: searched with margins wider than the view's, so that a place found here is one
    // the view would have taken.
    // A label is on a line that its drawn pen meets; a place off the lines keeps 2 px more from them.
    QVector<QRectF> pens, strips;
    for (const auto& vertical : verticals) {
        const double x = vertical.item->point1->pixelPosition().x();
        const double half = vertical.item->pen().widthF() / 2;
        pens << QRectF(x - half, area.top(), 2 * half, area.height());
        strips << pens.last().adjusted(-2, 0, 2, 0);
    }
    const QRectF inside = area.adjusted(3, 3, -3, -3);
    const double gap = 4 * view.displayScale();
    const double logD = std::log10(view.diagram().config().d);
    for (int r = 0; r < regions.size(); ++r) {
        const QRectF home = regions[r].boundingRect();
        auto meetsAny = [&](const QVector<QRectF>& lines, const QRectF& box) {
            return std::any_of(lines.begin(), lines.end(), [&](const QRectF& line) { return line.intersects(box); });
        };
        if (!meetsAny(pens, home))
            continue;
        for (double shift = -2 * home.width(); shift <= 2 * home.width(); shift += 1) {
            const QRectF box = home.translated(shift, 0);
            if (!inside.contains(box) || meetsAny(strips, box))
                continue;
            bool apart = true;
            for (int other = 0; other < regions.size() && apart; ++other)
                apart = other == r || !regions[other].boundingRect().adjusted(-gap, -gap, gap, gap).intersects(box);
            if (!apart)
                continue;
            const std::string phase = view.diagram().pureLabel(
                view.xAxis->pixelToCoord(box.center().x()) / logD, view.yAxis->pixelToCoord(box.center().y()) / logD);
            QVERIFY2(QString::fromStdString(phase) != names[r],
                qPrintable(context
                    + QStringLiteral(": region label '%1' at x = %2 to %3 lies on a dotted line; %4 px sideways it "
                                     "would be off every dotted line, in its region")
                          .arg(names[r])
                          .arg(home.left())
                          .arg(home.right())
                          .arg(shift)));
        }
    }
}

// The key's entries as drawn: each line without its full label on the plot has one; its sample is drawn with that
// line's pen (colour, dash pattern, width), long enough for a whole dash period, on a swatch it contrasts with, before
// its text and on its text's first line; entries lie in the key's row below the map, inside the widget and apart.
// Returns the number of entries.
int checkKey(const sl::ui::PhaseDiagramView& view, const QString& context)
{
    const auto lines = view.boundaryLines();
    const auto entries = view.lineKeyEntries();
    const QStringList onPlot = view.lineLabelTexts();
    const QRectF row = view.lineKey()->rect();
    const QRectF widget(view.viewport());
    // No two lines drawn alike: a sample names one line only.
    for (int i = 0; i < lines.size(); ++i)
        for (int j = i + 1; j < lines.size(); ++j) {
            const QPen a = lines[i].item->pen(), b = lines[j].item->pen();
            [&] {
                QVERIFY2(a.color() != b.color() || a.dashPattern() != b.dashPattern(),
                    qPrintable(context + ": " + lines[i].name + " and " + lines[j].name + " drawn alike"));
            }();
        }
    QVector<QRectF> drawn;
    for (const auto& line : lines) {
        const int count = int(
            std::count_if(entries.begin(), entries.end(), [&](const auto& entry) { return entry.name == line.name; }));
        if (onPlot.contains(line.full) || line.segment.isNull()) {
            if (count != 0) {
                QTest::qFail(
                    qPrintable(context + ": " + line.name + " both on the plot and in the key"), __FILE__, __LINE__);
                return 0;
            }
            continue;
        }
        if (count != 1) {
            QTest::qFail(qPrintable(context + QStringLiteral(": %1 key entries for %2").arg(count).arg(line.name)),
                __FILE__, __LINE__);
            return 0;
        }
        const auto& entry
            = *std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == line.name; });
        const QString what = context + " key entry " + line.name;
        const QPen pen = entry.sample->pen(), linePen = line.item->pen();
        if (!(entry.sample->realVisibility() && entry.swatch->realVisibility() && entry.text->realVisibility())) {
            QTest::qFail(qPrintable(what + " not shown"), __FILE__, __LINE__);
            return 0;
        }
        if (pen.color() != linePen.color() || pen.style() != linePen.style()
            || pen.dashPattern() != linePen.dashPattern() || pen.widthF() != linePen.widthF()) {
            QTest::qFail(qPrintable(what
                             + QStringLiteral(": sample %1 style %2 width %3, line %4 style %5 width %6")
                                   .arg(pen.color().name())
                                   .arg(int(pen.style()))
                                   .arg(pen.widthF())
                                   .arg(linePen.color().name())
                                   .arg(int(linePen.style()))
                                   .arg(linePen.widthF())),
                __FILE__, __LINE__);
            return 0;
        }
        QString text = entry.text->text();
        text.replace(QStringLiteral(":\n"), QStringLiteral(": "));
        const QPointF a = entry.sample->start->pixelPosition(), b = entry.sample->end->pixelPosition();
        const QRectF swatch = rectOf(entry.swatch);
        const QRectF box = boxOf(entry.text).boundingRect();
        const QFontMetricsF metrics(entry.text->font());
        const double lightness = std::abs(pen.color().lightness() - entry.swatch->brush().color().lightness());
        const QString where
            = QStringLiteral(": sample (%1, %2)-(%3, %4), swatch (%5, %6) %7x%8, text (%9, %10) %11x%12")
                  .arg(a.x())
                  .arg(a.y())
                  .arg(b.x())
                  .arg(b.y())
                  .arg(swatch.x())
                  .arg(swatch.y())
                  .arg(swatch.width())
                  .arg(swatch.height())
                  .arg(box.x())
                  .arg(box.y())
                  .arg(box.width())
                  .arg(box.height());
        const bool ok = text == line.full && a.y() == b.y() && std::abs(b.x() - a.x()) >= dashPeriod(pen)
            && swatch.contains(
                QRectF(std::min(a.x(), b.x()), a.y() - pen.widthF() / 2, std::abs(b.x() - a.x()), pen.widthF()))
            && entry.swatch->brush().style() == Qt::SolidPattern && lightness >= 80 && swatch.right() <= box.left()
            && a.y() > box.top() && a.y() < box.top() + metrics.height() && row.contains(swatch) && row.contains(box)
            && widget.contains(row) && swatch.top() >= view.axisRect()->rect().bottom();
        if (!ok) {
            QTest::qFail(qPrintable(what + " '" + text + "'" + where
                             + QStringLiteral(" in the key row (%1, %2) %3x%4, contrast %5")
                                   .arg(row.x())
                                   .arg(row.y())
                                   .arg(row.width())
                                   .arg(row.height())
                                   .arg(lightness)),
                __FILE__, __LINE__);
            return 0;
        }
        for (const QRectF& other : std::as_const(drawn))
            if (other.intersects(swatch) || other.intersects(box)) {
                QTest::qFail(qPrintable(what + " over another entry" + where), __FILE__, __LINE__);
                return 0;
            }
        drawn << swatch << box;
    }
    return int(entries.size());
}

// Every visible line named (its full label on the plot, or its equation in the key with at most its name on the
// plot); no label across another boundary line; labels and key inside the widget.
void checkEveryLineNamed(const sl::ui::PhaseDiagramView& view, const QString& context)
{
    const auto lines = view.boundaryLines();
    const auto labels = view.lineLabels();
    const QString key = view.lineKeyText();
    QCOMPARE(lines.size(), 3);
    // What the plot lays itself out in: the widget once shown (a hidden view's resize reaches it when shown).
    const QRectF widget(view.viewport());
    if (view.isVisible())
        QCOMPARE(view.viewport(), view.rect());
    for (const auto& line : lines) {
        QVERIFY2(!line.segment.isNull(), qPrintable(context + " " + line.name + " not on the map"));
        const auto own = std::find_if(
            labels.begin(), labels.end(), [&](const auto& l) { return l.text == line.full || l.text == line.name; });
        const bool fullOnPlot = own != labels.end() && own->text == line.full;
        QVERIFY2(fullOnPlot || key.contains(line.full),
            qPrintable(context
                + QStringLiteral(": %1 has no label (plot: %2; key: '%3')")
                      .arg(line.name, view.lineLabelTexts().join(" | "), key)));
        for (const auto& label : labels) {
            if (label.text == line.full || label.text == line.name)
                continue;
            QVERIFY2(!meets(line.segment, label.corners),
                qPrintable(context + QStringLiteral(": label '%1' crosses %2").arg(label.text, line.name)));
        }
    }
    for (const auto& label : labels)
        for (const QPointF& corner : label.corners)
            QVERIFY2(widget.contains(corner), qPrintable(context + " " + label.text + " outside the widget"));
    checkVerticalsClear(view, context);
    if (QTest::currentTestFailed())
        return;
    checkKey(view, context);
}

// The view laid out at `size`: shown (off screen), since a hidden widget's resize reaches QCustomPlot's viewport only
// once it is shown (every size of a hidden view was laid out at the default 640×480).
void showOffScreen(sl::ui::PhaseDiagramView& view, const QSize& size)
{
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.show();
    view.resize(size);
}

// The colour scale's axis label as drawn: the bounding box of the pixels that change when it is drawn transparent.
// Read in the colour scale's columns, the view's whole height.
QRect drawnScaleLabel(sl::ui::PhaseDiagramView& view)
{
    QCPAxis* axis = view.colourScale()->axis();
    const QRect strip(
        view.colourScale()->outerRect().left(), 0, view.colourScale()->outerRect().width(), view.height());
    view.replot();
    const QImage shown = view.grab(strip).toImage().convertToFormat(QImage::Format_RGB32);
    const QColor colour = axis->labelColor();
    axis->setLabelColor(Qt::transparent);
    view.replot();
    const QImage hidden = view.grab(strip).toImage().convertToFormat(QImage::Format_RGB32);
    axis->setLabelColor(colour);
    view.replot();
    QRect ink;
    for (int y = 0; y < shown.height(); ++y) {
        const auto* a = reinterpret_cast<const QRgb*>(shown.constScanLine(y));
        const auto* b = reinterpret_cast<const QRgb*>(hidden.constScanLine(y));
        for (int x = 0; x < shown.width(); ++x)
            if (a[x] != b[x])
                ink |= QRect(x, y, 1, 1);
    }
    return ink.translated(strip.topLeft());
}

}  // namespace

class TestPhaseDiagramView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { sl::tests::useFreshTestSettings("test_phase_diagram_view"); }

    void everyLineNamedInTheWindow_data() { sl::tests::addScreenRows(); }

    void everyLineNamedInTheWindow()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        sl::ui::PhaseDiagramView& view = *window.phasePlot();
        for (const double d : {24.0, 100.0, 500.0}) {
            sl::PhaseDiagramConfig config;
            config.d = d;
            view.setDiagram(config);
            view.replot();
            const QString context = QStringLiteral("d = %1, view %2x%3").arg(d).arg(view.width()).arg(view.height());
            checkLabels(view, context, false);
            if (QTest::currentTestFailed())
                return;
            checkEveryLineNamed(view, context);
            if (QTest::currentTestFailed())
                return;
            checkVerticalLabels(view, context);
            if (QTest::currentTestFailed())
                return;
        }
    }

    // Issue 16, item 6 (follow-up): the verticals' labels sat 4 % above the map's bottom whatever was there, "n_eff =
    // d" over "V" and "n_eff = 1" over "Ia". For several d and γ, at the diagram's sizes in a 1600×1000 and a 1024×768
    // window and smaller, at 100 % and 150 %: every vertical's label is shown inside the axis rect, apart from every
    // region label and the other verticals; a region label stays on a dotted line only where its region leaves it no
    // place off it; the line labels still pass their checks around both.
    // The dotted verticals' white labels were drawn on the map itself: on the light green of VIa/VIb (and the orange
    // of IV) their contrast was about 1.2:1, unreadable on a projector. Read from the drawn image: behind each shown
    // label (the median pixel of its box, the text being the minority) the background is dark enough for white text
    // at WCAG's 4.5:1.
    void verticalLabelsReadableOnEveryRegion()
    {
        // sRGB relative luminance (WCAG 2).
        auto luminance = [](QColor c) {
            auto channel = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        for (const double d : {24.0, 100.0, 500.0}) {
            sl::ui::PhaseDiagramView view;
            sl::PhaseDiagramConfig config;
            config.d = d;
            view.setDiagram(config);
            showOffScreen(view, QSize(960, 620));
            view.replot();
            const QImage image = view.toPixmap(960, 620, 1.0).toImage();
            int checked = 0;
            for (const auto& vertical : view.verticalLines()) {
                if (!vertical.label->realVisibility())
                    continue;
                const QRect box = sl::ui::textItemBox(vertical.label).boundingRect().toRect() & image.rect();
                QVector<double> values;
                for (int y = box.top(); y <= box.bottom(); ++y)
                    for (int x = box.left(); x <= box.right(); ++x)
                        values << luminance(image.pixelColor(x, y));
                QVERIFY(!values.isEmpty());
                std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
                const double background = values[values.size() / 2];
                const double contrast = 1.05 / (background + 0.05);
                QVERIFY2(contrast >= 4.5,
                    qPrintable(QStringLiteral("d = %1: '%2' on a background of luminance %3: contrast %4:1")
                                   .arg(d)
                                   .arg(vertical.label->text())
                                   .arg(background)
                                   .arg(contrast)));
                ++checked;
            }
            QVERIFY(checked >= 2);
        }
    }

    // The key says which line is which: a tiny map (a third of a 1024×768 window at 150 %) where every equation goes to
    // the key, and the 1024×768 window at 150 % itself.
    void keySamplesNameTheirLines()
    {
        sl::ui::PhaseDiagramView view;
        sl::PhaseDiagramConfig config;
        config.d = 100;
        view.setDiagram(config);
        showOffScreen(view, QSize(297, 330));
        view.setDisplayScale(1.5);
        view.replot();
        QCOMPARE(view.viewport().size(), QSize(297, 330));
        checkEveryLineNamed(view, "297x330 at 150 %");
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY2(checkKey(view, "297x330 at 150 %") >= 2, qPrintable(view.lineKeyText()));
        QVERIFY(!QTest::currentTestFailed());
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, QSize(1024, 768), 1.5);
        window.phasePlot()->replot();
        QVERIFY2(checkKey(*window.phasePlot(), "window 1024x768 at 150 %") >= 1,
            qPrintable(window.phasePlot()->lineLabelTexts().join(" | ")));
    }

    // The colour scale's label, as drawn, within the scale's height and off the title; shortened, its tooltip is the
    // whole label.
    void colourScaleLabelWithinTheScale_data() { sl::tests::addScreenRows(); }

    void colourScaleLabelWithinTheScale()
    {
        QFETCH(QSize, size);
        QFETCH(double, zoom);
        sl::ui::MainWindow window("-");
        sl::tests::showWindowAt(window, size, zoom);
        sl::ui::PhaseDiagramView& view = *window.phasePlot();
        for (const auto mode : {sl::ui::PhaseDiagramView::ColourMode::PredictedSlope,
                 sl::ui::PhaseDiagramView::ColourMode::PredictedExponent}) {
            view.setColourMode(mode);
            const QRect ink = drawnScaleLabel(view);
            const QRect scale = view.colourScale()->axis()->axisRect()->rect();
            const QRect title = view.titleTextRect();
            const QString what = QStringLiteral("label '%1' drawn at (%2, %3) %4x%5, scale from y = %6 to %7, title at "
                                                "(%8, %9) %10x%11")
                                     .arg(view.colourScale()->axis()->label())
                                     .arg(ink.x())
                                     .arg(ink.y())
                                     .arg(ink.width())
                                     .arg(ink.height())
                                     .arg(scale.top())
                                     .arg(scale.bottom())
                                     .arg(title.x())
                                     .arg(title.y())
                                     .arg(title.width())
                                     .arg(title.height());
            QVERIFY2(!ink.isEmpty(), qPrintable(what));
            QVERIFY2(ink.top() >= scale.top() && ink.bottom() <= scale.bottom(), qPrintable(what));
            QVERIFY2(!ink.intersects(title), qPrintable(what));
            QVERIFY2(view.rect().contains(ink), qPrintable(what));
            if (view.colourScale()->axis()->label() != view.colourScaleFullLabel()) {
                QHelpEvent help(QEvent::ToolTip, ink.center(), view.mapToGlobal(ink.center()));
                QCoreApplication::sendEvent(&view, &help);
                QCOMPARE(QToolTip::text(), view.colourScaleFullLabel());
                QToolTip::hideText();
            }
        }
    }

    void lineLabelsAlongTheirLinesInsideAndApart()
    {
        // From the diagram's share of a 1600×1000 window down to a third of a 1024×768 one, a wide short strip, and
        // d and γ that move the dotted verticals across the region labels. The line labels, and the verticals'
        // labels clear of the region labels.
        const QVector<QSize> sizes = {QSize(1200, 800), QSize(960, 620), QSize(760, 470), QSize(600, 560),
            QSize(520, 420), QSize(400, 330), QSize(297, 330), QSize(900, 300)};
        const QVector<QPair<double, double>> configs
            = {{24, 1.0}, {100, 1.0}, {400, 1.0}, {500, 1.0}, {100, 0.75}, {100, 1.5}, {1000, 0.6}};
        for (const auto& [d, gamma] : configs) {
            sl::ui::PhaseDiagramView view;
            sl::PhaseDiagramConfig config;
            config.d = d;
            config.gamma = gamma;
            view.setDiagram(config);
            for (const double scale : {1.0, 1.5}) {
                view.setDisplayScale(scale);
                for (const QSize size : sizes) {
                    showOffScreen(view, size);
                    view.replot();
                    QCOMPARE(view.viewport().size(), size);
                    const QString context = QStringLiteral("d = %1, γ = %2, %3x%4, scale %5")
                                                .arg(d)
                                                .arg(gamma)
                                                .arg(size.width())
                                                .arg(size.height())
                                                .arg(scale);
                    checkVerticalLabels(view, context);
                    if (QTest::currentTestFailed())
                        return;
                    checkLabels(view, context, false);
                    if (QTest::currentTestFailed())
                        return;
                    checkEveryLineNamed(view, context);
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
            showOffScreen(view, size);
            view.replot();
            QCOMPARE(view.viewport().size(), size);
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
        showOffScreen(view, QSize(1200, 800));
        view.replot();
        QCOMPARE(view.viewport().size(), QSize(1200, 800));
        const QStringList texts = view.lineLabelTexts();
        QCOMPARE(texts.size(), 3);
        QVERIFY2(texts.contains(QStringLiteral("L1: λ = √(n_eff/d)")), qPrintable(texts.join(" | ")));
        QVERIFY2(texts.contains(QStringLiteral("L2: λ = n_eff/√d")), qPrintable(texts.join(" | ")));
        QVERIFY2(texts.contains(QStringLiteral("L3: λ = n_eff/d^(γ+1/2)")), qPrintable(texts.join(" | ")));
        // Resizing places them again (after every layout), still along their lines.
        QVERIFY2(view.lineKeyText().isEmpty(), qPrintable(view.lineKeyText()));
        QCOMPARE(view.lineKey()->rect().height(), 0);  // no room taken from the map
        view.resize(400, 330);
        view.replot();
        QCOMPARE(view.viewport().size(), QSize(400, 330));
        checkLabels(view, "after resizing to 400x330", false);
        checkEveryLineNamed(view, "after resizing to 400x330");
    }
};

QTEST_MAIN(TestPhaseDiagramView)
#include "test_phase_diagram_view.moc"
