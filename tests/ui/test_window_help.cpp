// SPDX-License-Identifier: GPL-3.0-or-later
// Help, tooltips, the first screen and the long-run question (issue 16, items 8, 9 and 11).
#include "app/experiment/run_estimate.h"
#include "core/theory/phase_diagram.h"
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/parameter_panel.h"
#include "ui/phase_diagram_view.h"
#include "ui/slider_spin_box.h"
#include "ui/spectrum_plot.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QMenuBar>
#include <QObject>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>

#include <cmath>

class TestWindowHelp : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_window_help");
        QSettings().clear();
        qRegisterMetaType<sl::app::ExperimentConfig>();
        sl::app::setMeasuredFlopRate(2e9);  // the question's threshold does not depend on this machine's load
    }

    void shortcutsDialogListsEveryActionWithAShortcut()
    {
        sl::ui::MainWindow window("-");
        QDialog* dialog = window.showShortcuts();
        auto* table = dialog->findChild<QTableWidget*>("shortcutsTable");
        QVERIFY(table);
        QSet<QString> listed;
        for (int r = 0; r < table->rowCount(); ++r)
            listed << table->item(r, 0)->text() + "\t" + table->item(r, 1)->text();
        int withShortcut = 0;
        for (QAction* a : window.findChildren<QAction*>()) {
            if (a->shortcut().isEmpty())
                continue;
            ++withShortcut;
            const QString key = a->shortcut().toString(QKeySequence::NativeText);
            bool found = false;
            for (const QString& row : listed)
                found = found || (row.startsWith(a->text().remove('&') + "\t") && row.contains(key));
            QVERIFY2(found, qPrintable(a->text() + " " + key));
        }
        QVERIFY(withShortcut >= 12);  // File, Run, View and Help all have some
        QCOMPARE(table->rowCount(), int(listed.size()));
        dialog->close();
    }

    void helpMenuHasGettingStartedThePaperAndAbout()
    {
        sl::ui::MainWindow window("-");
        QStringList items;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->text().remove('&') == "Help")
                for (QAction* a : menu->menu()->actions())
                    items << a->text().remove('&');
        for (const char* item : {"Getting started", "Keyboard shortcuts", "About Scaling Lab"})
            QVERIFY2(items.contains(item), item);
        QVERIFY(items.filter("arXiv:2509.24882").size() == 1);
        QDialog* start = window.showGettingStarted();
        const QString text = start->findChild<QTextBrowser*>("gettingStartedText")->toPlainText();
        for (const char* words : {"Risk plot", "Spectrum", "Phase diagram", "Presets", "Restart on every change",
                 "Figure 3, diagonal network, λ = 1"})
            QVERIFY2(text.contains(QString::fromUtf8(words)), words);
        start->close();
    }

    // No tooltip, status tip or What's This text cites the internal digest or its [S…] tags.
    void noHelpTextCitesInternalDocuments()
    {
        sl::ui::MainWindow window("-");
        QStringList bad;
        auto check = [&](const QString& where, const QString& text) {
            if (text.contains("DIGEST") || text.contains("[S") || text.contains("shared/"))
                bad << where + ": " + text;
        };
        for (QWidget* w : window.findChildren<QWidget*>()) {
            check(w->objectName(), w->toolTip());
            check(w->objectName(), w->statusTip());
            check(w->objectName(), w->whatsThis());
        }
        for (QAction* a : window.findChildren<QAction*>()) {
            check(a->text(), a->toolTip());
            check(a->text(), a->statusTip());
            check(a->text(), a->whatsThis());
        }
        for (auto* combo : window.findChildren<QComboBox*>())
            for (int i = 0; i < combo->count(); ++i)
                check(combo->itemText(i), combo->itemData(i, Qt::ToolTipRole).toString());
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join('\n')));
    }

    void learningRateZeroReadsDefault()
    {
        sl::ui::MainWindow window("-");
        auto* rate = window.parameterPanel()->findChild<sl::ui::SliderSpinBox*>("learningRate");
        QVERIFY(rate);
        rate->setValue(0.0);
        QCOMPARE(rate->spinBox()->text(), QStringLiteral("default"));
        rate->setValue(0.01);
        QVERIFY(rate->spinBox()->text() != QStringLiteral("default"));
    }

    // A fresh window (no saved parameters) shows a point whose predicted slope is not 0 and says what to do.
    void firstScreenHasASlopeAndAHint()
    {
        QSettings().clear();
        sl::ui::MainWindow window("-");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.spectrumPlot()->title().contains("press F5"));
        window.spectrumPlot()->replot();
        QVERIFY(window.statusBar()->currentMessage().contains("F5"));
        const sl::ProblemConfig p = window.parameterPanel()->problem();
        const sl::PhaseInfo info
            = sl::PhaseDiagram(sl::PhaseDiagramConfig::forProblem(p)).classify(p.nEff(), p.weightDecay);
        QVERIFY2(std::abs(info.exponentN) > 0.1, info.label.c_str());
        // It is a short run: pressing F5 does not ask.
        QVERIFY(sl::app::estimateRun(window.parameterPanel()->experiment()).seconds < sl::app::kLongRunSeconds);
    }

    // The click in phase VIa at d = 200 (n = 824 585): asked, declined, nothing starts.
    void longRunAsksAndDeclinedStartsNothing()
    {
        sl::ui::MainWindow window("-");
        sl::app::ExperimentConfig config = window.parameterPanel()->experiment();
        config.problem.model = sl::ModelKind::Quadratic;
        config.problem.dimension = 200;
        config.problem.width = 0;
        window.parameterPanel()->setExperiment(config);
        window.parameterPanel()->discardPendingChange();
        const double nEff = 824585.0 / 200.0;
        const sl::PhaseDiagram diagram(sl::PhaseDiagramConfig::forProblem(window.parameterPanel()->problem()));
        double lambda = 0;
        for (double l = 1e-3; l < 1e4 && lambda == 0; l *= 1.1)
            if (diagram.classify(nEff, l).label == "VIa")
                lambda = l;
        QVERIFY(lambda > 0);
        QStringList asked;
        window.setRunConfirmation([&](const QString& text) {
            asked << text;
            return false;
        });
        QSignalSpy launched(&window, &sl::ui::MainWindow::experimentLaunched);
        emit window.phasePlot()->pointActivated(nEff, lambda, false);
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked[0].contains("GiB"));
        QVERIFY(asked[0].contains("estimate"));
        QCOMPARE(window.parameterPanel()->problem().samples, 824585LL);
        QTest::qWait(ParameterPanel_debounce());
        QCOMPARE(launched.count(), 0);
        QVERIFY(window.document()->liveConfig() == std::nullopt);
        // The Run button asks again, and a sweep through the point too.
        window.startLiveRun();
        window.startSweep();
        QCOMPARE(asked.size(), 3);
        QCOMPARE(launched.count(), 0);
        // A slider move (live restart on) asks too, and declined restarts nothing.
        sl::app::ExperimentConfig moved = window.parameterPanel()->experiment();
        moved.problem.seed = 2;
        window.parameterPanel()->setExperiment(moved);
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 4, 5000);
        QCOMPARE(launched.count(), 0);
    }

    void shortRunDoesNotAsk()
    {
        sl::ui::MainWindow window("-");
        sl::app::ExperimentConfig config = window.parameterPanel()->experiment();
        config.problem.model = sl::ModelKind::Diagonal;
        config.problem.dimension = 20;
        config.problem.samples = 40;
        config.train.maxIterations = 50;
        window.parameterPanel()->setExperiment(config);
        window.parameterPanel()->discardPendingChange();
        int asked = 0;
        window.setRunConfirmation([&](const QString&) {
            ++asked;
            return false;
        });
        QSignalSpy launched(&window, &sl::ui::MainWindow::experimentLaunched);
        QVERIFY(window.startLiveRun());
        QCOMPARE(asked, 0);
        QCOMPARE(launched.count(), 1);
        window.document()->cancel();
        QVERIFY(QTest::qWaitFor([&] { return !sl::app::isBusy(window.document()->transportState()); }, 10000));
    }

private:
    static int ParameterPanel_debounce() { return sl::ui::ParameterPanel::kDebounceMs * 2; }
};

QTEST_MAIN(TestWindowHelp)
#include "test_window_help.moc"
