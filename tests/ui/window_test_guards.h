// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Included once by every test that builds a MainWindow. Two guards, installed when the QApplication is made:
//
// 1. The long-run question (MainWindow::confirmLongRun) depends on the estimated run time, which divides a flop count
//    by this machine's measured GEMM rate. Measured, that rate made the question depend on the build and the load:
//    under ASan on CI the Figure 3 preset came out above 30 s and a modal box waited for an answer that never came
//    (stop 24). The rate is fixed here, so every build asks the same questions; a test that wants another rate sets
//    its own in initTestCase (which runs later).
// 2. A modal box that nobody answers would hang the test until QTest's 300 s watchdog. Any modal widget still open
//    after kModalGraceSeconds aborts the test at once with the box's text, so the failure says which question it was.

#include "app/experiment/run_estimate.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QWidget>

namespace sl::tests {

// 20 GFLOP/s: this 2-core AVX2 machine's Release GEMM rate, in round numbers.
inline constexpr double kWindowTestFlopRate = 2e10;
inline constexpr int kModalGraceSeconds = 5;

inline void installWindowTestGuards()
{
    sl::app::setMeasuredFlopRate(kWindowTestFlopRate);
    auto* watchdog = new QTimer(QCoreApplication::instance());
    QObject::connect(watchdog, &QTimer::timeout, [seen = QPointer<QWidget>(), seenFor = 0]() mutable {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal || modal != seen.data()) {
            seen = modal;
            seenFor = 0;
            return;
        }
        if (++seenFor < kModalGraceSeconds)
            return;
        QString text = modal->windowTitle();
        if (auto* box = qobject_cast<QMessageBox*>(modal))
            text += ": " + box->text();
        qFatal("A modal window stayed open for %d s with nobody to answer it (a test that starts a long run must "
               "call MainWindow::setRunConfirmation): %s",
            kModalGraceSeconds, qPrintable(text));
    });
    watchdog->start(1000);
}

}  // namespace sl::tests

// The macro pastes its argument into a function name: it takes an unqualified one.
static void installScalingLabWindowTestGuards()
{
    sl::tests::installWindowTestGuards();
}
Q_COREAPP_STARTUP_FUNCTION(installScalingLabWindowTestGuards)
