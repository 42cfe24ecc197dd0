// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What a plot's text annotations look like as drawn, read back from QCustomPlot alone (its text items' corner anchors,
// its layout's text elements and legend entries), so that the same check reads any plot.

#include <QStringList>
#include <qcustomplot.h>

namespace sl::test {

inline QRectF textItemRect(const QCPItemText* text)
{
    const QPolygonF box({text->topLeft->pixelPosition(), text->topRight->pixelPosition(),
        text->bottomRight->pixelPosition(), text->bottomLeft->pixelPosition()});
    return box.boundingRect();
}

inline QString rectString(const QRectF& r)
{
    return QStringLiteral("(%1, %2) %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

// Every text the plot shows outside its axis rect but the title (row 0): notes lines, legend entries.
inline QStringList textsBesideTheAxisRect(const QCustomPlot& plot, QVector<QRectF>* rects = nullptr)
{
    QStringList texts;
    const QList<QCPLayoutElement*> elements = plot.plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            if (!text->visible() || text->text().isEmpty() || plot.plotLayout()->element(0, 0) == text)
                continue;
            texts << text->text();
            if (rects)
                *rects << QFontMetrics(text->font()).boundingRect(text->rect(), text->textFlags(), text->text());
        } else if (auto* item = qobject_cast<QCPPlottableLegendItem*>(element)) {
            texts << item->plottable()->name();
            if (rects)
                *rects << item->outerRect();
        }
    }
    return texts;
}

// What is wrong with the plot's text items as drawn (empty when nothing): each shown one lies inside the widget (and
// inside the axis rect where it is clipped to it: otherwise it is cut), meets no other shown one, no legend entry and
// no notes line; and each of `mustShow` is read somewhere: on a shown item, in a notes line or in the legend.
inline QStringList annotationProblems(const QCustomPlot& plot, const QStringList& mustShow)
{
    QStringList problems;
    const QRectF widget = plot.rect();
    QVector<QRectF> beside;
    QStringList shownTexts = textsBesideTheAxisRect(plot, &beside);
    QVector<QPair<QString, QRectF>> shown;
    for (int i = 0; i < plot.itemCount(); ++i) {
        const auto* text = qobject_cast<const QCPItemText*>(plot.item(i));
        if (!text || !text->realVisibility() || text->text().isEmpty())
            continue;
        const QRectF box = textItemRect(text);
        const QString what = QStringLiteral("\"%1\" at %2").arg(text->text(), rectString(box));
        if (!widget.contains(box))
            problems << what + QStringLiteral(": outside the widget %1").arg(rectString(widget));
        if (text->clipToAxisRect() && text->clipAxisRect() && !QRectF(text->clipAxisRect()->rect()).contains(box))
            problems << what
                    + QStringLiteral(": cut by the axis rect %1").arg(rectString(text->clipAxisRect()->rect()));
        for (const auto& [other, otherBox] : std::as_const(shown))
            if (box.intersects(otherBox))
                problems << what + QStringLiteral(": over \"%1\" at %2").arg(other, rectString(otherBox));
        for (int k = 0; k < beside.size(); ++k)
            if (box.intersects(beside[k]))
                problems << what + QStringLiteral(": over \"%1\"").arg(shownTexts[k]);
        shown.push_back({text->text(), box});
        shownTexts << text->text();
    }
    for (int k = 0; k < beside.size(); ++k)
        if (!widget.contains(beside[k]))
            problems << QStringLiteral("\"%1\" at %2: outside the widget").arg(shownTexts[k], rectString(beside[k]));
    QString all = shownTexts.join(QStringLiteral(" | "));
    all.replace(QLatin1Char('\n'), QLatin1Char(' '));
    for (const QString& fragment : mustShow)
        if (!all.contains(fragment))
            problems << QStringLiteral("\"%1\" is shown nowhere (shown: %2)").arg(fragment, all);
    return problems;
}

}  // namespace sl::test
