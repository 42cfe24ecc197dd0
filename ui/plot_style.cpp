// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_style.h"

#include <QFontMetrics>
#include <QHash>
#include <algorithm>
#include <cmath>

namespace sl::ui {
namespace {

bool isDecade(double value)
{
    const double k = std::round(std::log10(value));
    return std::abs(value / std::pow(10.0, k) - 1) < 1e-9;
}

// A run of evenly spaced ticks for a range under a factor of a few: about four gaps, spaced 1, 2 or 5 · 10ⁿ.
double niceStep(double span)
{
    const double raw = span / 4;
    const double e = std::floor(std::log10(raw));
    const double f = raw / std::pow(10.0, e);
    const double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return nice * std::pow(10.0, e);
}

}  // namespace

QString LogTicker::superscript(int exponent)
{
    static const QChar digits[] = {QChar(0x2070), QChar(0x00B9), QChar(0x00B2), QChar(0x00B3), QChar(0x2074),
        QChar(0x2075), QChar(0x2076), QChar(0x2077), QChar(0x2078), QChar(0x2079)};
    QString out;
    if (exponent < 0)
        out += QChar(0x207B);
    for (const QChar c : QString::number(std::abs(exponent)))
        out += digits[c.digitValue()];
    return out;
}

QString LogTicker::label(double value, double step)
{
    if (!(value > 0) || !std::isfinite(value))
        return QString::number(value);
    const int e = int(std::floor(std::log10(value) + 1e-12));
    if (step <= 0) {
        if (isDecade(value))
            return QStringLiteral("10") + superscript(int(std::round(std::log10(value))));
        const double mantissa = value / std::pow(10.0, e);
        return QString::number(mantissa, 'g', 3) + QChar(0x00B7) + QStringLiteral("10") + superscript(e);
    }
    const int stepExponent = int(std::floor(std::log10(step) + 1e-12));
    if (value >= 1e-3 && value < 1e5)
        return QString::number(value, 'f', std::max(0, -stepExponent));
    const double mantissa = value / std::pow(10.0, e);
    return QString::number(mantissa, 'f', std::max(0, e - stepExponent)) + QChar(0x00B7) + QStringLiteral("10")
        + superscript(e);
}

LogTicker::Ticks LogTicker::ticksFor(double lo, double hi)
{
    Ticks t;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return t;
    const int kLo = int(std::ceil(std::log10(lo) - 1e-9));
    const int kHi = int(std::floor(std::log10(hi) + 1e-9));
    const int decades = kHi - kLo + 1;  // powers of ten inside [lo, hi]
    auto inside = [&](double v) { return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12); };

    if (decades >= 3) {
        const int every = (decades + kMaxDecadeLabels - 1) / kMaxDecadeLabels;
        for (int k = kLo; k <= kHi; ++k) {
            const double v = std::pow(10.0, k);
            if ((k - kLo) % every == 0) {
                t.major << v;
                t.labels << label(v);
            } else {
                t.minor << v;
            }
        }
        if (every == 1)
            for (int k = kLo - 1; k <= kHi; ++k)
                for (int m = 2; m <= 9; ++m)
                    if (inside(m * std::pow(10.0, k)))
                        t.minor << m * std::pow(10.0, k);
        return t;
    }
    // Mantissa sets, coarse to fine: the first that shows at least three labels.
    const QVector<QVector<int>> sets = {{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
    for (const QVector<int>& set : sets) {
        Ticks m;
        for (int k = kLo - 1; k <= kHi; ++k) {
            for (int mantissa = 1; mantissa <= 9; ++mantissa) {
                const double v = mantissa * std::pow(10.0, k);
                if (!inside(v))
                    continue;
                if (set.contains(mantissa)) {
                    m.major << v;
                    m.labels << label(v);
                } else {
                    m.minor << v;
                }
            }
        }
        if (m.major.size() >= 3)
            return m;
    }
    // Less than a factor of a few: evenly spaced labels.
    const double step = niceStep(hi - lo);
    for (double i = std::ceil(lo / step - 1e-9); i * step <= hi * (1 + 1e-12); i += 1) {
        const double v = i * step;
        if (v <= 0)
            continue;
        t.major << v;
        t.labels << label(v, step);
    }
    return t;
}

void LogTicker::generate(const QCPRange& range, const QLocale&, QChar, int, QVector<double>& ticks,
    QVector<double>* subTicks, QVector<QString>* tickLabels)
{
    double lo = range.lower, hi = range.upper;
    if (m_log10Coordinates) {
        lo = std::pow(10.0, lo);
        hi = std::pow(10.0, hi);
    }
    const Ticks t = ticksFor(lo, hi);
    auto coordinates = [this](const QVector<double>& values) {
        QVector<double> out = values;
        if (m_log10Coordinates)
            for (double& v : out)
                v = std::log10(v);
        return out;
    };
    ticks = coordinates(t.major);
    if (subTicks) {
        *subTicks = coordinates(t.minor);
        std::sort(subTicks->begin(), subTicks->end());
    }
    if (tickLabels)
        *tickLabels = t.labels;
}

void applyLogAxis(QCPAxis* axis)
{
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<LogTicker>::create());
    axis->setNumberFormat("g");  // the labels carry their own superscripts: no "beautiful powers" rewriting
}

void applyLog10CoordinateAxis(QCPAxis* axis)
{
    axis->setScaleType(QCPAxis::stLinear);
    auto ticker = QSharedPointer<LogTicker>::create();
    ticker->setLog10Coordinates(true);
    axis->setTicker(ticker);
    axis->setNumberFormat("g");
}

const QVector<QColor>& familyPalette()
{
    static const QVector<QColor> palette = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115),
        QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0)};
    return palette;
}

QColor familyColour(const QString& key)
{
    static QHash<QString, int> assigned;
    auto it = assigned.constFind(key);
    if (it == assigned.constEnd())
        it = assigned.insert(key, int(assigned.size()));
    const QVector<QColor>& palette = familyPalette();
    const int index = *it;
    // Past the palette, the colours come round again darker, so no two of the first 21 families coincide.
    const QColor base = palette[index % palette.size()];
    return (index / palette.size()) % 3 == 0 ? base : base.darker(100 + 45 * ((index / palette.size()) % 3));
}

namespace {

// The entries of `legend` in order: the grid's cells past the last entry are empty (itemCount() counts them).
QVector<QCPAbstractLegendItem*> legendEntries(const QCPLegend* legend)
{
    QVector<QCPAbstractLegendItem*> items;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            items << item;
    return items;
}

// QCPAbstractPlottable::addToLegend makes a plain QCPPlottableLegendItem: each is replaced, in its place, by a
// WrappedLegendItem of the same plottable with the same fonts, colours and state. The zoom's remembered sizes
// (PlotView::applyDisplayScale) are the item's dynamic properties: they come along.
void adoptWrappedItems(QCPLegend* legend)
{
    QVector<QCPAbstractLegendItem*> items = legendEntries(legend);
    const auto isPlain = [](QCPAbstractLegendItem* item) {
        return qobject_cast<QCPPlottableLegendItem*>(item) && !dynamic_cast<WrappedLegendItem*>(item);
    };
    if (std::none_of(items.begin(), items.end(), isPlain))
        return;
    for (QCPAbstractLegendItem* item : std::as_const(items))
        legend->take(item);
    for (QCPAbstractLegendItem*& item : items) {
        if (!isPlain(item))
            continue;
        auto* plain = static_cast<QCPPlottableLegendItem*>(item);
        auto* wrapped = new WrappedLegendItem(legend, plain->plottable());
        wrapped->setFont(plain->font());
        wrapped->setTextColor(plain->textColor());
        wrapped->setSelectedFont(plain->selectedFont());
        wrapped->setSelectedTextColor(plain->selectedTextColor());
        wrapped->setSelectable(plain->selectable());
        wrapped->setSelected(plain->selected());
        wrapped->setMargins(plain->margins());
        wrapped->setVisible(plain->visible());
        for (const QByteArray& name : plain->dynamicPropertyNames())
            wrapped->setProperty(name.constData(), plain->property(name.constData()));
        delete plain;
        item = wrapped;
    }
    for (QCPAbstractLegendItem* item : std::as_const(items))
        legend->addItem(item);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);  // no empty cells left between the entries
}

// `text` in lines of as many words as fit in `width` pixels (a line break in it stays); a word wider than that has a
// line of its own, elided. With maxLines > 0 at most that many lines: the last holds the rest, elided.
QString wrapGreedy(const QString& text, const QFont& font, int width, int maxLines)
{
    const QFontMetrics metrics(font);
    QStringList lines;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
            if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
                lines << line;
                line = word;
            } else {
                line = longer;
            }
        }
        lines << line;
    }
    if (maxLines > 0 && lines.size() > maxLines) {
        const QString rest = QStringList(lines.mid(maxLines - 1)).join(QLatin1Char(' '));
        lines = lines.mid(0, maxLines - 1);
        lines << rest;
    }
    for (QString& line : lines)
        if (metrics.horizontalAdvance(line) > width)
            line = metrics.elidedText(line, Qt::ElideRight, width);
    return lines.join(QLatin1Char('\n'));
}

}  // namespace

WrappedLegendItem::WrappedLegendItem(QCPLegend* parent, QCPAbstractPlottable* plottable)
    : QCPPlottableLegendItem(parent, plottable)
{
}

QString WrappedLegendItem::shownText() const
{
    const QString name = mPlottable ? mPlottable->name() : QString();
    // Lines fitted to an earlier name (renamed since the last replot) are not shown: fitLegendToWidth refits them.
    return m_lines.isEmpty() || m_linesOf != name ? name : m_lines;
}

QSize WrappedLegendItem::textSize(const QString& text) const
{
    // As QCPPlottableLegendItem measures and draws its text (lines stacked, each line's natural width).
    return QFontMetrics(getFont())
        .boundingRect(0, 0, 0, mParentLegend->iconSize().height(), Qt::TextDontClip, text)
        .size();
}

QRect WrappedLegendItem::textRect() const
{
    const QSize icon = mParentLegend->iconSize();
    const QSize text = textSize(shownText());
    return QRect(mRect.x() + icon.width() + mParentLegend->iconTextPadding(), mRect.y(), text.width(),
        std::max(text.height(), icon.height()));
}

QSize WrappedLegendItem::minimumOuterSizeHint() const
{
    if (!mPlottable)
        return {};
    const QSize icon = mParentLegend->iconSize();
    const QSize text = textSize(shownText());
    return QSize(icon.width() + mParentLegend->iconTextPadding() + text.width() + mMargins.left() + mMargins.right(),
        std::max(text.height(), icon.height()) + mMargins.top() + mMargins.bottom());
}

void WrappedLegendItem::fitToWidth(int outerWidth, int maxLines)
{
    m_lines.clear();
    if (!mPlottable || outerWidth <= 0)
        return;
    const int textWidth = outerWidth - mMargins.left() - mMargins.right() - mParentLegend->iconSize().width()
        - mParentLegend->iconTextPadding();
    const QString name = mPlottable->name();
    if (textSize(name).width() <= textWidth)
        return;
    // One pixel spare: the layout's line width and the advance of its characters may differ by a rounding.
    m_lines = wrapGreedy(name, getFont(), std::max(1, textWidth - 1), maxLines);
    m_linesOf = name;
}

bool WrappedLegendItem::elided() const
{
    const QString name = mPlottable ? mPlottable->name() : QString();
    return QString(shownText()).replace(QLatin1Char('\n'), QLatin1Char(' ')).simplified() != name.simplified();
}

void WrappedLegendItem::draw(QCPPainter* painter)
{
    const QString shown = shownText();
    if (!mPlottable || shown == mPlottable->name()) {
        QCPPlottableLegendItem::draw(painter);
        return;
    }
    // The base class draws the icon (QCPAbstractPlottable::drawLegendIcon is open to it alone) beside the plottable's
    // name: for this one draw the name is the lines (setName only stores it), then the name is put back.
    const QString name = mPlottable->name();
    mPlottable->setName(shown);
    QCPPlottableLegendItem::draw(painter);
    mPlottable->setName(name);
}

void placeLegendBelow(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    if (QCPLayoutInset* inset = plot->axisRect()->insetLayout(); inset->elements(false).contains(legend))
        inset->take(legend);
    QCPLayoutGrid* layout = plot->plotLayout();
    const int row = layout->rowCount();
    layout->addElement(row, 0, legend);
    layout->setRowStretchFactor(row, 0.001);
    legend->setMargins(QMargins(6, 3, 6, 3));
    legend->setRowSpacing(0);
    legend->setColumnSpacing(10);
    legend->setBorderPen(Qt::NoPen);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, false);
    QObject::connect(plot, &QCustomPlot::beforeReplot, plot, [plot] { fitLegendToWidth(plot); });
}

void fitLegendToWidth(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    adoptWrappedItems(legend);
    const QVector<QCPAbstractLegendItem*> items = legendEntries(legend);
    const int count = int(items.size());
    // The viewport: what the layout fills (the widget's size once shown, the export's size while exporting).
    const int width = plot->viewport().width();
    if (!legend->visible() || count == 0 || width <= 0)
        return;
    const QMargins m = legend->margins();
    const int available = width - m.left() - m.right();
    // Every entry in one line first: the widget may have grown since one was wrapped.
    for (QCPAbstractLegendItem* item : items)
        if (auto* wrapped = dynamic_cast<WrappedLegendItem*>(item))
            wrapped->showWholeName();
    QVector<int> w(count);
    for (int i = 0; i < count; ++i)
        w[i] = items[i]->minimumOuterSizeHint().width();
    auto totalFor = [&](int columns) {
        int total = legend->columnSpacing() * (columns - 1);
        for (int c = 0; c < columns; ++c) {
            int widest = 0;
            for (int i = c; i < count; i += columns)
                widest = std::max(widest, w[i]);
            total += widest;
        }
        return total;
    };
    int columns = count;
    while (columns > 1 && totalFor(columns) > available)
        --columns;
    // One column still too wide: the entries wider than the widget in several lines, as many as the legend's share
    // of the plot's height holds (the same most for every entry, the last line of a longer one elided).
    if (columns == 1) {
        QVector<WrappedLegendItem*> wide;
        for (int i = 0; i < count; ++i)
            if (auto* wrapped = dynamic_cast<WrappedLegendItem*>(items[i]); wrapped && w[i] > available)
                wide << wrapped;
        for (WrappedLegendItem* wrapped : std::as_const(wide))
            wrapped->fitToWidth(available);
        const auto height = [&] {
            int total = m.top() + m.bottom() + legend->rowSpacing() * (count - 1);
            for (QCPAbstractLegendItem* item : items)
                total += item->minimumOuterSizeHint().height();
            return total;
        };
        const int budget = int(plot->viewport().height() * kLegendHeightShare);
        int most = 1;
        for (const WrappedLegendItem* wrapped : std::as_const(wide))
            most = std::max(most, wrapped->lineCount());
        for (int lines = most - 1; lines >= 1 && height() > budget; --lines)
            for (WrappedLegendItem* wrapped : std::as_const(wide))
                if (wrapped->lineCount() > lines)
                    wrapped->fitToWidth(available, lines);
    }
    if (legend->wrap() != columns || legend->columnCount() != std::min(columns, count)
        || legend->elementCount() != count) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    }
}

bool shortenLegendEntries(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    QVector<WrappedLegendItem*> wrapped;
    int most = 1;
    for (QCPAbstractLegendItem* item : legendEntries(legend))
        if (auto* entry = dynamic_cast<WrappedLegendItem*>(item)) {
            wrapped << entry;
            most = std::max(most, entry->lineCount());
        }
    if (most <= 1)
        return false;
    const int available = plot->viewport().width() - legend->margins().left() - legend->margins().right();
    for (WrappedLegendItem* entry : std::as_const(wrapped))
        if (entry->lineCount() == most)
            entry->fitToWidth(available, most - 1);
    return true;
}

QCPRange paddedRange(double lo, double hi, bool logarithmic, double margin)
{
    if (logarithmic) {
        if (!(lo > 0) || !(hi > 0))
            return QCPRange(1, 10);
        if (hi <= lo * (1 + 1e-12))
            return QCPRange(lo / 2, hi * 2);
        const double factor = std::max(1.1, std::pow(hi / lo, margin));
        return QCPRange(lo / factor, hi * factor);
    }
    if (hi <= lo) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        return QCPRange(lo - pad, hi + pad);
    }
    const double pad = (hi - lo) * margin;
    return QCPRange(lo - pad, hi + pad);
}

QString wrapWords(const QString& text, int maxChars)
{
    QStringList lines;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > maxChars) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join(QLatin1Char('\n'));
}

QString wrapToWidth(const QString& text, const QFont& font, int width)
{
    const QFontMetrics metrics(font);
    const auto widest = [&](const QString& lines) {
        int w = 0;
        for (const QString& line : lines.split(QLatin1Char('\n')))
            w = std::max(w, metrics.horizontalAdvance(line));
        return w;
    };
    QString shown = text;
    for (int chars = int(text.size()) - 1; width > 0 && chars >= 10 && widest(shown) > width; chars -= 2)
        shown = wrapWords(text, chars);
    return shown;
}

}  // namespace sl::ui
