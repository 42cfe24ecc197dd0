// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QMenu>
#include <QPolygonF>
#include <QString>
#include <QTimer>
#include <qcustomplot.h>

namespace sl::ui {

// A QCustomPlot that knows how to hand out the data it shows (for CSV/JSON export) and coalesces
// replots: however often scheduleReplot() is called, the plot redraws at most kMaxFramesPerSecond times.
class PlotView : public QCustomPlot {
    Q_OBJECT

public:
    static constexpr int kMaxFramesPerSecond = 20;

    explicit PlotView(const QString& title, QWidget* parent = nullptr);

    // The whole title; on screen it is broken into lines where the plot is narrower than it (fitTitleToWidth).
    QString title() const { return m_fullTitle; }
    void setTitle(const QString& title);
    // The title's layout element (row 0): a view that puts controls over the plot makes room for them above it.
    QCPTextElement* titleElement() const { return m_title; }
    // Where the title's text is drawn (widget pixels, as QPainter::drawText lays it out in the title's rectangle).
    QRect titleTextRect() const;

    // The data behind the plot: a CSV table (header + rows) and the same as JSON.
    virtual QString dataCsv() const = 0;
    virtual QJsonObject dataJson() const = 0;

    void scheduleReplot();
    // Not the title's full width: three plots beside the panel must fit a 1024-pixel screen (the title clips).
    QSize minimumSizeHint() const override { return {220, 160}; }
    int replotCount() const { return m_replotCount; }

    // The window's zoom (View → Zoom, presentation mode): every font (title, axis labels, tick labels, legend, text
    // items, child widgets) and every line width (graphs, bars, items, axes, grids, scatter sizes) is drawn at
    // `scale` times the size the view itself set. Views keep setting their own (1×) sizes; the scale is applied on
    // top before every replot, so items a view recreates are scaled too. Exports draw what is on screen.
    void setDisplayScale(double scale);
    double displayScale() const { return m_displayScale; }
    // --- fit to data and the context menu (issue 16, items 2) -------------------------------------------------------
    // Sets the axes to show every point, the live point and the theory curves with a small (log-aware) margin. A
    // double click does the same; the context menu offers it beside the exports. The default fits every visible
    // plottable; views with their own notion of "the data" override it.
    virtual void fitToData();
    // The context menu's entries (for tests): "Fit to data", "Export image...", "Export data...".
    QMenu* createContextMenu();

signals:
    // The context menu's export entries: the window may handle them (its dialogs); when nothing is connected the view
    // asks for a file itself and writes it with plot_export.
    void exportImageRequested();
    void exportDataRequested();

protected:
    // A text item placed with placeTextClear under a shortened wording shows its whole text as a tooltip.
    bool event(QEvent* event) override;
    // After the layout the title's rectangle is known: a title still wider than it is wrapped to it and laid out again.
    void updateLayout() override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    // Applies the display scale to every font and pen now (it runs before every replot): for an element a view puts
    // into the layout during the layout.
    void applyDisplayScale();

private:
    void exportWithDialog(bool image);
    // --- end of fit to data and the context menu ------------------------------------------------------------------

private:
    // A title wider than the plot set the layout's minimum width: at 1024×768 the spectrum's axis rect was squeezed
    // to a sliver (negative width) behind it. Before every replot the title is wrapped at spaces to the viewport.
    void fitTitleToWidth();
    QString m_fullTitle;

    double m_displayScale = 1.0;
    bool m_displayScaled = false;  // a scale other than 1 was applied once (going back to 1 must restore)
    QCPTextElement* m_title;
    QTimer m_replotTimer;
    bool m_replotPending = false;
    int m_replotCount = 0;
};

// --- text placement (issue 16) -------------------------------------------------------------------------------------
// The box a text item is drawn in: its four corner anchors in widget pixels, rotation included.
QPolygonF textItemBox(const QCPItemText* text);

// A place a text item may take: its position in widget pixels and which point of its (unrotated) box sits there.
struct TextSpot {
    QPointF pixel;
    Qt::Alignment alignment;
};

// The collision rule of the plots' annotations: `text` takes the first of its `wordings` (longest first) that has a
// spot, the first of `spots` where its box lies inside `area` and meets none of `taken`; its box is added to `taken`
// and the item shown. Where no wording has a clear spot the item is hidden and false returned, so that the caller
// shows it elsewhere: an annotation is never drawn over another. Under a shortened wording the item's tooltip is its
// whole text, `fullText` or else the first wording (PlotView::event). The item's position becomes absolute (pixels).
bool placeTextClear(QCPItemText* text, const QStringList& wordings, const QVector<TextSpot>& spots, const QRectF& area,
    QVector<QPolygonF>& taken, const QString& fullText = QString());
// The whole text of an item placed by placeTextClear, or its text.
QString fullTextOf(const QCPItemText* text);
// The whole text behind a shortened text item or text element (QCPTextElement), its tooltip (PlotView::event).
void setFullText(QObject* textItemOrElement, const QString& fullText);

}  // namespace sl::ui
