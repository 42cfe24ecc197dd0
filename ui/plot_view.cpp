// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_view.h"

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

}  // namespace sl::ui
