// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_view.h"

#include "ui/plot_export.h"
#include "ui/plot_style.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMessageBox>
#include <cmath>

namespace sl::ui {

PlotView::PlotView(const QString& title, QWidget* parent) : QCustomPlot(parent)
{
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, title, QFont("sans", 11, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    setNoAntialiasingOnDrag(true);
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

}  // namespace sl::ui
