// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QString>
#include <QVector>
#include <qcustomplot.h>

namespace sl::ui {

// The one tick configuration of every log axis in the application (docs/theory/spectra.md §9 describes the rule).
// Labels are written with superscripts ("10²", "3·10⁻¹"), never in caret or e notation, and never repeat:
//  - a range of several decades gets one label per decade (every s-th decade past kMaxDecadeLabels decades, the
//    others as unlabelled ticks);
//  - a narrower range adds the mantissas 2 and 5, then 2…9, until at least three labels are visible;
//  - less than that (2–3, 95–105) gets evenly spaced labels with as many digits as their spacing needs.
// The axis may be logarithmic (QCPAxis::stLogarithmic), or linear in log10 of the value (a colour map drawn on a
// log grid): setLog10Coordinates(true) then reads the range and places the ticks in exponents.
class LogTicker : public QCPAxisTicker {
public:
    static constexpr int kMaxDecadeLabels = 9;

    void setLog10Coordinates(bool log10Coordinates) { m_log10Coordinates = log10Coordinates; }
    bool log10Coordinates() const { return m_log10Coordinates; }

    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision, QVector<double>& ticks,
        QVector<double>* subTicks, QVector<QString>* tickLabels) override;

    // The tick values (not coordinates) and labels for the value range [lo, hi] (0 < lo < hi).
    struct Ticks {
        QVector<double> major, minor;
        QVector<QString> labels;
    };
    static Ticks ticksFor(double lo, double hi);
    // "10²", "3·10⁻¹", "0.25": the label of a value on a log axis; `step` > 0 is the spacing of a linear run of
    // labels (its digits decide the precision), 0 for a mantissa·10ⁿ label.
    static QString label(double value, double step = 0);
    // "⁻¹²" for -12.
    static QString superscript(int exponent);

private:
    bool m_log10Coordinates = false;
};

// Makes `axis` a log axis with the LogTicker (labels as above).
void applyLogAxis(QCPAxis* axis);
// Makes `axis` a linear axis over log10 of the value, ticked and labelled by the LogTicker as if it were a log axis.
void applyLog10CoordinateAxis(QCPAxis* axis);

// The colour-blind-safe palette (Okabe & Ito 2008): blue, vermillion, bluish green, reddish purple, orange, sky blue,
// black; yellow is left out (unreadable on white).
const QVector<QColor>& familyPalette();
// The colour of a curve family for the whole session: the first key seen gets the first colour, the next new key
// the next one, and a key keeps its colour when other keys are added or removed. The one mapping from curves to
// colours in the application.
QColor familyColour(const QString& key);

// Legends outside the data: the legend moves from the axis rect's inset to a row of its own below the axis rect, and
// before every replot its items are wrapped into as many columns as the widget's width holds (one column at least).
// In one column an entry wider than the widget has its text broken into lines at spaces (a word wider than the line
// is elided, the whole name then being the entry's tooltip, PlotView::event). Where the lines would make the legend
// taller than kLegendHeightShare of the plot (a short plot at 150 %), each entry keeps as many lines as fit, the last
// one elided. Nothing of the legend is then clipped by the widget nor drawn over the data. At 1024×768 the risk plot's
// "λ = 10: slope … ; predicted …" ran past the widget's edge even at the 6 pt the font used to be reduced to, and 6 pt
// cannot be read on a projector.
inline constexpr double kLegendHeightShare = 0.5;
void placeLegendBelow(QCustomPlot* plot);
void fitLegendToWidth(QCustomPlot* plot);
// After a layout that left the legend's entries less height than their lines need (the title, labels and key took
// the rest): the entries with the most lines lose one, the last elided. False when every entry has one line.
bool shortenLegendEntries(QCustomPlot* plot);

// A plottable's legend entry whose text may be shown in several lines (fitLegendToWidth puts one in place of every
// QCPPlottableLegendItem of a legend placed below). The plottable's name stays whole: exports and tests read it.
class WrappedLegendItem : public QCPPlottableLegendItem {
public:
    WrappedLegendItem(QCPLegend* parent, QCPAbstractPlottable* plottable);

    // The text drawn: the plottable's name, or the lines it was fitted into.
    QString shownText() const;
    // Where the text is drawn, in widget pixels (as draw() lays it out, from the item's rectangle).
    QRect textRect() const;
    // Breaks the name into lines at spaces so that the entry, margins and icon included, is at most `outerWidth`
    // pixels wide; a word wider than a line is elided. ≤ 0, or a name that fits: the name in one line. With
    // `maxLines` > 0 the text takes at most that many lines, the last one elided.
    void fitToWidth(int outerWidth, int maxLines = 0);
    int lineCount() const { return int(shownText().count(QLatin1Char('\n'))) + 1; }
    // Back to the name in one line.
    void showWholeName() { m_lines.clear(); }
    // True when a word had to be elided: the entry does not show every word (the name is its tooltip).
    bool elided() const;

    QSize minimumOuterSizeHint() const override;

protected:
    void draw(QCPPainter* painter) override;

private:
    QSize textSize(const QString& text) const;
    QString m_lines;  // empty: the name as it is
    QString m_linesOf;  // the name m_lines were fitted to
};

// Ranges with a small margin: on a log axis the margin is a factor (lo / f, hi · f), on a linear one a fraction.
QCPRange paddedRange(double lo, double hi, bool logarithmic, double margin = 0.08);

// `text` broken into lines of at most `maxChars` characters at spaces (a word longer than that keeps its own line): a
// QCPItemText does not wrap, and a long note in a narrow plot ran off its left edge.
QString wrapWords(const QString& text, int maxChars);
// `text` wrapped at spaces so that no line is wider than `width` pixels in `font` (as far as its words allow);
// unchanged when it fits or when width ≤ 0 (no layout yet).
QString wrapToWidth(const QString& text, const QFont& font, int width);

}  // namespace sl::ui
