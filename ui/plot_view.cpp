// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_view.h"

#include "ui/export_dialog.h"
#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMessageBox>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace sl::ui {

PlotView::PlotView(const QString& title, QWidget* parent) : QCustomPlot(parent)
{
    plotLayout()->insertRow(0);
    m_fullTitle = title;
    m_title = new QCPTextElement(this, title, QFont("sans", 11, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    setNoAntialiasingOnDrag(true);
    connect(this, &QCustomPlot::beforeReplot, this, &PlotView::applyDisplayScale);
    connect(this, &QCustomPlot::beforeReplot, this, &PlotView::fitTitleToWidth);  // after the scale: its font
    m_replotTimer.setSingleShot(true);
    m_replotTimer.setInterval(1000 / kMaxFramesPerSecond);
    connect(&m_replotTimer, &QTimer::timeout, this, [this] {
        if (!m_replotPending)
            return;
        m_replotPending = false;
        ++m_replotCount;
        replot(rpQueuedReplot);
        m_replotTimer.start();
    });
}

void PlotView::setTitle(const QString& title)
{
    m_fullTitle = title;
    m_title->setText(title);
}

namespace {

// The least outer width the layout gives an element (what QCPLayout::getFinalMinimumOuterSize computes: its minimum
// size, margins included, where one is set, else its minimum size hint). The colour scale's bar width is a minimum
// size, not part of its hint.
int minimumOuterWidth(const QCPLayoutElement* element)
{
    int width = element->minimumSize().width();
    if (width > 0 && element->sizeConstraintRect() == QCPLayoutElement::scrInnerRect)
        width += element->margins().left() + element->margins().right();
    return width > 0 ? width : element->minimumOuterSizeHint().width();
}

int widestLine(const QString& text, const QFont& font)
{
    const QFontMetrics metrics(font);
    int widest = 0;
    for (const QString& line : text.split(QLatin1Char('\n')))
        widest = std::max(widest, metrics.horizontalAdvance(line));
    return widest;
}

}  // namespace

void PlotView::fitTitleToWidth()
{
    // The title sits in the layout's first column: the other columns (the phase diagram's colour scale) keep their
    // minimum widths beside it. An estimate before the layout; updateLayout corrects it with the rectangle it gets.
    int others = 0;
    QCPLayoutGrid* grid = plotLayout();
    for (int column = 1; column < grid->columnCount(); ++column) {
        int widest = 0;
        for (int row = 0; row < grid->rowCount(); ++row)
            if (grid->hasElement(row, column))  // element() of an empty cell logs a complaint
                widest = std::max(widest, minimumOuterWidth(grid->element(row, column)));
        others += widest + grid->columnSpacing();
    }
    const QMargins m = m_title->margins();
    const int available = viewport().width() - others - m.left() - m.right();
    if (available <= 0)
        return;
    const QString shown = wrapToWidth(m_fullTitle, m_title->font(), available);
    if (shown != m_title->text())
        m_title->setText(shown);
}

void PlotView::updateLayout()
{
    QCustomPlot::updateLayout();
    // Legend entries in more lines than the height left to them (at 1024×768 and 150 % with a dock open the risk
    // plot's entries were cut at its bottom and overlapped): one line fewer each time, laid out again.
    const auto squeezed = [this] {
        if (axisRect()->height() < 30)
            return true;
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = legend->item(i);
                item && item->outerRect().height() < item->minimumOuterSizeHint().height())
                return true;
        return false;
    };
    for (int guard = 0; guard < 8 && legend->visible() && squeezed() && shortenLegendEntries(this); ++guard)
        QCustomPlot::updateLayout();
    const int width = m_title->rect().width();
    if (width <= 0 || widestLine(m_title->text(), m_title->font()) <= width)
        return;
    const QString shown = wrapToWidth(m_fullTitle, m_title->font(), width);
    if (shown == m_title->text())
        return;
    m_title->setText(shown);
    QCustomPlot::updateLayout();  // the title's height changed with its lines
}

QRect PlotView::titleTextRect() const
{
    return QFontMetrics(m_title->font()).boundingRect(m_title->rect(), m_title->textFlags(), m_title->text());
}

void PlotView::scheduleReplot()
{
    m_replotPending = true;
    if (!m_replotTimer.isActive()) {
        // Draw the first request at once, then at most one frame per timer interval.
        m_replotPending = false;
        ++m_replotCount;
        replot(rpQueuedReplot);
        m_replotTimer.start();
    }
}

// --- fit to data and the context menu (issue 16, item 2)
// ---------------------------------------------------------------

void PlotView::fitToData()
{
    for (QCPAxis* axis : {xAxis, yAxis}) {
        const bool logarithmic = axis->scaleType() == QCPAxis::stLogarithmic;
        const QCP::SignDomain domain = logarithmic ? QCP::sdPositive : QCP::sdBoth;
        bool found = false;
        QCPRange all;
        for (int i = 0; i < plottableCount(); ++i) {
            QCPAbstractPlottable* p = plottable(i);
            if (!p->visible() || (p->keyAxis() != axis && p->valueAxis() != axis))
                continue;
            bool ok = false;
            const QCPRange r = p->keyAxis() == axis ? p->getKeyRange(ok, domain) : p->getValueRange(ok, domain);
            if (!ok)
                continue;
            if (!found)
                all = r;
            else
                all.expand(r);
            found = true;
        }
        if (found)
            axis->setRange(paddedRange(all.lower, all.upper, logarithmic));
    }
    replot(rpQueuedReplot);
}

QMenu* PlotView::createContextMenu()
{
    auto* menu = new QMenu(this);
    menu->setObjectName("plotContextMenu");
    menu->addAction(tr("Fit to data"), this, &PlotView::fitToData);
    menu->addSeparator();
    menu->addAction(tr("Export image..."), this, [this] {
        if (isSignalConnected(QMetaMethod::fromSignal(&PlotView::exportImageRequested)))
            emit exportImageRequested();
        else
            exportWithDialog(true);
    });
    menu->addAction(tr("Export data..."), this, [this] {
        if (isSignalConnected(QMetaMethod::fromSignal(&PlotView::exportDataRequested)))
            emit exportDataRequested();
        else
            exportWithDialog(false);
    });
    return menu;
}

void PlotView::mouseDoubleClickEvent(QMouseEvent* event)
{
    QCustomPlot::mouseDoubleClickEvent(event);
    if (event->button() == Qt::LeftButton)
        fitToData();
}

void PlotView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu* menu = createContextMenu();
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

void PlotView::exportWithDialog(bool image)
{
    const QString base = objectName().isEmpty() ? QStringLiteral("plot") : objectName();
    if (image) {
        // The image's scale is chosen as in the window's File → Export (ExportDialog), window-modal.
        auto* dialog = new ExportDialog(this, base + ".png", this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            QString error;
            if (!dialog->write(&error))
                QMessageBox::warning(this, tr("Export failed"), error);
        });
        dialog->open();
        return;
    }
    const QString path = image ? QFileDialog::getSaveFileName(this, tr("Export image"), base + ".png",
                             tr("PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg)"))
                               : QFileDialog::getSaveFileName(
                                   this, tr("Export data"), base + ".csv", tr("CSV data (*.csv);;JSON data (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    const bool ok = image ? exportImage(*this, path, &error) : exportData(*this, path, &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), error);
}

// --- end of fit to data and the context menu ----------------------------------------------------------------------

// --- text placement (issue 16) -------------------------------------------------------------------------------------

namespace {

constexpr const char* kFullTextProperty = "slFullText";

}  // namespace

QPolygonF textItemBox(const QCPItemText* text)
{
    return QPolygonF({text->topLeft->pixelPosition(), text->topRight->pixelPosition(),
        text->bottomRight->pixelPosition(), text->bottomLeft->pixelPosition()});
}

bool placeTextClear(QCPItemText* text, const QStringList& wordings, const QVector<TextSpot>& spots, const QRectF& area,
    QVector<QPolygonF>& taken, const QString& fullText)
{
    text->position->setType(QCPItemPosition::ptAbsolute);
    text->setProperty(kFullTextProperty, fullText.isEmpty() ? wordings.value(0) : fullText);
    for (const QString& wording : wordings) {
        text->setText(wording);
        for (const TextSpot& spot : spots) {
            text->setPositionAlignment(spot.alignment);
            text->position->setCoords(spot.pixel);
            const QPolygonF box = textItemBox(text);
            if (!std::all_of(box.begin(), box.end(), [&](const QPointF& p) { return area.contains(p); }))
                continue;
            if (std::any_of(taken.begin(), taken.end(), [&](const QPolygonF& other) { return other.intersects(box); }))
                continue;
            taken << box;
            text->setVisible(true);
            return true;
        }
    }
    text->setVisible(false);
    return false;
}

void setFullText(QObject* textItemOrElement, const QString& fullText)
{
    textItemOrElement->setProperty(kFullTextProperty, fullText);
}

QString fullTextOf(const QCPItemText* text)
{
    const QVariant full = text->property(kFullTextProperty);
    return full.isValid() ? full.toString() : text->text();
}

bool PlotView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        for (int i = itemCount() - 1; i >= 0; --i) {
            const auto* text = qobject_cast<QCPItemText*>(item(i));
            if (!text || !text->visible() || !text->property(kFullTextProperty).isValid())
                continue;
            const QString full = fullTextOf(text);
            if (full != QString(text->text()).replace('\n', ' ')
                && textItemBox(text).containsPoint(help->pos(), Qt::OddEvenFill)) {
                QToolTip::showText(help->globalPos(), full, this);
                return true;
            }
        }
        // A legend entry that lost a word to its width (WrappedLegendItem): its whole name.
        if (legend && legend->realVisibility()) {
            for (int i = 0; i < legend->itemCount(); ++i) {
                auto* entry = dynamic_cast<WrappedLegendItem*>(legend->item(i));
                if (entry && entry->plottable() && entry->elided() && entry->outerRect().contains(help->pos())) {
                    QToolTip::showText(help->globalPos(), entry->plottable()->name(), this);
                    return true;
                }
            }
        }
        const QList<QCPLayoutElement*> elements = plotLayout()->elements(true);
        for (const QCPLayoutElement* element : elements) {
            const auto* text = qobject_cast<const QCPTextElement*>(element);
            if (text && text->visible() && text->property(kFullTextProperty).isValid()
                && text->rect().contains(help->pos())) {
                QToolTip::showText(help->globalPos(), text->property(kFullTextProperty).toString(), this);
                return true;
            }
        }
    }
    return QCustomPlot::event(event);
}

// --- end of text placement ------------------------------------------------------------------------------------------

}  // namespace sl::ui

namespace sl::ui {
namespace {

// Each scaled attribute remembers, as dynamic properties of its owner, the size the view set (the base) and the
// scaled value last shown. A value that differs from the one shown was set anew by the view: it is the new base.
QFont scaledFont(QObject* owner, const char* key, const QFont& current, double scale)
{
    const QByteArray baseKey = QByteArray("slBaseFont_") + key, shownKey = QByteArray("slShownFont_") + key;
    const QVariant shown = owner->property(shownKey.constData());
    const QFont base = shown.isValid() && shown.value<QFont>() == current
        ? owner->property(baseKey.constData()).value<QFont>()
        : current;
    QFont font = base;
    if (base.pointSizeF() > 0)
        font.setPointSizeF(base.pointSizeF() * scale);
    else if (base.pixelSize() > 0)
        font.setPixelSize(std::max(1, qRound(base.pixelSize() * scale)));
    owner->setProperty(baseKey.constData(), base);
    owner->setProperty(shownKey.constData(), font);
    return font;
}

double scaledNumber(QObject* owner, const char* key, double current, double scale)
{
    const QByteArray baseKey = QByteArray("slBase_") + key, shownKey = QByteArray("slShown_") + key;
    const QVariant shown = owner->property(shownKey.constData());
    const double base
        = shown.isValid() && shown.toDouble() == current ? owner->property(baseKey.constData()).toDouble() : current;
    const double value = base * scale;
    owner->setProperty(baseKey.constData(), base);
    owner->setProperty(shownKey.constData(), value);
    return value;
}

// For integer attributes (tick lengths, bar widths, icon sizes) the value shown is the rounded one: comparing the
// attribute with an unrounded value would take every replot's rounding for a new base and grow it without end.
int scaledInt(QObject* owner, const char* key, int current, double scale)
{
    const QByteArray baseKey = QByteArray("slBase_") + key, shownKey = QByteArray("slShown_") + key;
    const QVariant shown = owner->property(shownKey.constData());
    const int base
        = shown.isValid() && shown.toInt() == current ? owner->property(baseKey.constData()).toInt() : current;
    const int value = std::max(base > 0 ? 1 : 0, qRound(base * scale));
    owner->setProperty(baseKey.constData(), base);
    owner->setProperty(shownKey.constData(), value);
    return value;
}

QPen scaledPen(QObject* owner, const char* key, QPen pen, double scale)
{
    if (pen.style() == Qt::NoPen)
        return pen;
    // Width 0 is Qt's cosmetic 1-pixel pen.
    pen.setWidthF(scaledNumber(owner, key, pen.widthF() > 0 ? pen.widthF() : 1.0, scale));
    return pen;
}

template <typename Get, typename Set>
void scaleFont(QObject* owner, const char* key, Get get, Set set, double scale)
{
    const QFont font = scaledFont(owner, key, get(), scale);
    if (!(font == get()))
        set(font);
}

template <typename Get, typename Set>
void scalePen(QObject* owner, const char* key, Get get, Set set, double scale)
{
    const QPen pen = scaledPen(owner, key, get(), scale);
    if (pen != get())
        set(pen);
}

void scaleAxis(QCPAxis* axis, double s)
{
    scaleFont(
        axis, "label", [&] { return axis->labelFont(); }, [&](const QFont& f) { axis->setLabelFont(f); }, s);
    scaleFont(
        axis, "tick", [&] { return axis->tickLabelFont(); }, [&](const QFont& f) { axis->setTickLabelFont(f); }, s);
    scaleFont(
        axis, "selLabel", [&] { return axis->selectedLabelFont(); },
        [&](const QFont& f) { axis->setSelectedLabelFont(f); }, s);
    scaleFont(
        axis, "selTick", [&] { return axis->selectedTickLabelFont(); },
        [&](const QFont& f) { axis->setSelectedTickLabelFont(f); }, s);
    scalePen(
        axis, "base", [&] { return axis->basePen(); }, [&](const QPen& p) { axis->setBasePen(p); }, s);
    scalePen(
        axis, "tickPen", [&] { return axis->tickPen(); }, [&](const QPen& p) { axis->setTickPen(p); }, s);
    scalePen(
        axis, "subTick", [&] { return axis->subTickPen(); }, [&](const QPen& p) { axis->setSubTickPen(p); }, s);
    const int tickLength = scaledInt(axis, "tickLength", axis->tickLengthIn(), s);
    if (tickLength != axis->tickLengthIn())
        axis->setTickLengthIn(tickLength);
    if (QCPGrid* grid = axis->grid()) {
        scalePen(
            grid, "grid", [&] { return grid->pen(); }, [&](const QPen& p) { grid->setPen(p); }, s);
        scalePen(
            grid, "subGrid", [&] { return grid->subGridPen(); }, [&](const QPen& p) { grid->setSubGridPen(p); }, s);
        scalePen(
            grid, "zeroLine", [&] { return grid->zeroLinePen(); }, [&](const QPen& p) { grid->setZeroLinePen(p); }, s);
    }
}

void scaleLegend(QCPLegend* legend, double s)
{
    // QCPLegend::setFont also resets every item's font: the items' scaled fonts are taken first and set after.
    // A new item takes the legend's (scaled) font: its base is the legend's base, not that font again.
    // The grid's cells past the last entry are empty (itemCount() counts them, item() is null there): the entries.
    QVector<QCPAbstractLegendItem*> items;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            items << item;
    const QVariant legendShown = legend->property("slShownFont_font");
    for (QCPAbstractLegendItem* item : items) {
        if (!item->property("slShownFont_font").isValid() && legendShown.isValid()
            && item->font() == legendShown.value<QFont>()) {
            item->setProperty("slBaseFont_font", legend->property("slBaseFont_font"));
            item->setProperty("slShownFont_font", legendShown);
        }
    }
    QVector<QFont> itemFonts;
    for (QCPAbstractLegendItem* item : items)
        itemFonts << scaledFont(item, "font", item->font(), s);
    scaleFont(
        legend, "font", [&] { return legend->font(); }, [&](const QFont& f) { legend->setFont(f); }, s);
    for (int i = 0; i < items.size(); ++i)
        if (!(items[i]->font() == itemFonts[i]))
            items[i]->setFont(itemFonts[i]);
    const QSize icon(scaledInt(legend, "iconW", legend->iconSize().width(), s),
        scaledInt(legend, "iconH", legend->iconSize().height(), s));
    if (icon != legend->iconSize())
        legend->setIconSize(icon);
}

}  // namespace

void PlotView::setDisplayScale(double scale)
{
    if (!(scale > 0) || !std::isfinite(scale) || scale == m_displayScale)
        return;
    m_displayScale = scale;
    applyDisplayScale();
    replot(rpQueuedReplot);
}

void PlotView::applyDisplayScale()
{
    if (m_displayScale == 1.0 && !m_displayScaled)
        return;  // nothing was ever scaled: the views' own sizes stand
    m_displayScaled = true;
    const double s = m_displayScale;
    QList<QCPLayoutElement*> elements = plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            scaleFont(
                text, "font", [&] { return text->font(); }, [&](const QFont& f) { text->setFont(f); }, s);
        } else if (auto* rect = qobject_cast<QCPAxisRect*>(element)) {
            for (QCPAxis* axis : rect->axes())
                scaleAxis(axis, s);  // its inset legend comes as an element of its own (elements(true))
        } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            scaleLegend(legend, s);
        } else if (auto* colourScale = qobject_cast<QCPColorScale*>(element)) {
            scaleAxis(colourScale->axis(), s);
            const int bar = scaledInt(colourScale, "barWidth", colourScale->barWidth(), s);
            if (bar != colourScale->barWidth())
                colourScale->setBarWidth(bar);
        }
    }
    for (int i = 0; i < plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = this->plottable(i);
        scalePen(
            plottable, "pen", [&] { return plottable->pen(); }, [&](const QPen& p) { plottable->setPen(p); }, s);
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            QCPScatterStyle style = graph->scatterStyle();
            if (!style.isNone()) {
                const double size = scaledNumber(graph, "scatterSize", style.size(), s);
                const QPen pen = scaledPen(graph, "scatterPen", style.pen(), s);
                if (size != style.size() || pen != style.pen()) {
                    style.setSize(size);
                    style.setPen(pen);
                    graph->setScatterStyle(style);
                }
            }
        }
    }
    for (int i = 0; i < itemCount(); ++i) {
        QCPAbstractItem* item = this->item(i);
        if (auto* text = qobject_cast<QCPItemText*>(item)) {
            scaleFont(
                text, "font", [&] { return text->font(); }, [&](const QFont& f) { text->setFont(f); }, s);
            scalePen(
                text, "pen", [&] { return text->pen(); }, [&](const QPen& p) { text->setPen(p); }, s);
        } else if (auto* line = qobject_cast<QCPItemLine*>(item)) {
            scalePen(
                line, "pen", [&] { return line->pen(); }, [&](const QPen& p) { line->setPen(p); }, s);
        } else if (auto* straight = qobject_cast<QCPItemStraightLine*>(item)) {
            scalePen(
                straight, "pen", [&] { return straight->pen(); }, [&](const QPen& p) { straight->setPen(p); }, s);
        }
    }
    // Controls over the plot (the phase diagram's mode box and button).
    for (QWidget* child : findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly))
        scaleFont(
            child, "widget", [&] { return child->font(); }, [&](const QFont& f) { child->setFont(f); }, s);
}

}  // namespace sl::ui
