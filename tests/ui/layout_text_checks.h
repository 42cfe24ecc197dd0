// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What a plot's layout texts look like as drawn, read back from QCustomPlot: the title, every other text element (a
// notes line, a key) and every legend entry. QCustomPlot shrinks every row of a layout taller than its widget by one
// factor, and QPainter::drawText clips a text to its element's rectangle, so a plot too short for its layout shows
// its title and notes cut at top and bottom (issue 16, item 7: the spectrum at 1024×768 with the decomposition dock).

#include "tests/ui/annotation_checks.h"
#include "ui/plot_view.h"

#include <QFontMetrics>
#include <QPair>
#include <QStringList>
#include <QVector>
#include <qcustomplot.h>

namespace sl::test {

// Empty when every layout text of `plot` is drawn whole: each text lies inside its element's rectangle and inside
// the widget, each legend entry has at least its minimum size and lies inside the widget, and no two of them meet.
inline QStringList layoutTextProblems(const sl::ui::PlotView& plot)
{
    QStringList problems;
    const QRect widget = plot.rect();
    QVector<QPair<QString, QRect>> drawn;
    const QList<QCPLayoutElement*> elements = plot.plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            if (!text->visible() || text->text().isEmpty())
                continue;
            const QRect box = QFontMetrics(text->font()).boundingRect(text->rect(), text->textFlags(), text->text());
            const QString what = QStringLiteral("\"%1\" at %2").arg(text->text(), rectString(box));
            if (!text->rect().contains(box))
                problems << what + QStringLiteral(": cut by its row %1").arg(rectString(text->rect()));
            if (!widget.contains(box))
                problems << what + QStringLiteral(": outside the widget %1").arg(rectString(widget));
            drawn.push_back({text->text(), box});
        } else if (auto* item = qobject_cast<QCPPlottableLegendItem*>(element)) {
            if (!item->realVisibility())
                continue;
            const QRect box = item->outerRect();
            const QString what
                = QStringLiteral("legend entry \"%1\" at %2").arg(item->plottable()->name(), rectString(box));
            const QSize least = static_cast<const QCPLayoutElement*>(item)->minimumOuterSizeHint();  // public there
            if (box.width() < least.width() || box.height() < least.height())
                problems << what
                        + QStringLiteral(": smaller than its text (%1x%2)").arg(least.width()).arg(least.height());
            if (!widget.contains(box))
                problems << what + QStringLiteral(": outside the widget %1").arg(rectString(widget));
            drawn.push_back({item->plottable()->name(), box});
        }
    }
    for (int i = 0; i < drawn.size(); ++i)
        for (int j = i + 1; j < drawn.size(); ++j)
            if (drawn[i].second.intersects(drawn[j].second))
                problems << QStringLiteral("\"%1\" at %2 over \"%3\" at %4")
                                .arg(drawn[i].first, rectString(drawn[i].second), drawn[j].first,
                                    rectString(drawn[j].second));
    return problems;
}

}  // namespace sl::test
