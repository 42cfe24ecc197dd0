// SPDX-License-Identifier: GPL-3.0-or-later
// The risk plot's "Bayes-optimal" line (docs/theory/noiseless-and-lambda.md §4): the document fills it from the
// theory runner for the panel's curve, off the GUI thread, and the plot draws what the core computes.
#include "app/document/document.h"
#include "core/theory/bayes_optimal.h"
#include "core/theory/phase_diagram.h"
#include "tests/ui/window_test_guards.h"
#include "ui/main_window.h"
#include "ui/risk_plot.h"

#include <QCoreApplication>
#include <QObject>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTest>
#include <cmath>

namespace {

sl::app::ExperimentConfig config(sl::ModelKind model, int d, double lambda)
{
    sl::app::ExperimentConfig c;
    c.problem.model = model;
    c.problem.width = 0;
    c.problem.dimension = d;
    c.problem.samples = model == sl::ModelKind::Quadratic ? 2 * d * d : 4 * d;
    c.problem.weightDecay = lambda;
    c.problem.gamma = 1.0;
    c.problem.noise = 0.25;
    c.problem.seed = 3;
    c.tailFit = false;
    return c;
}

// The curve of the panel's family that has a theory line (the focus' own λ).
const sl::ui::RiskSeries* curveWithTheory(const sl::ui::RiskPlot& plot)
{
    for (const sl::ui::RiskSeries& s : plot.series())
        if (!s.theoryNEff.isEmpty() && !s.kept)
            return &s;
    return nullptr;
}

}  // namespace

class TestBayesOptimalOverlay : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ScalingLabTest");
        QCoreApplication::setApplicationName("test_bayes_optimal_overlay");
        QSettings().clear();
    }

    // Diagonal model, Gaussian and deterministic teachers: the drawn points are core's Bayes-optimal SE at those
    // n_eff, and lie below the SE curve of the same configuration everywhere (Corollary 1: R(λ) ≥ R(λ_opt) ≥ R_BO).
    void diagonalLineIsTheBayesOptimalStateEvolution_data()
    {
        QTest::addColumn<bool>("gaussian");
        QTest::newRow("Gaussian teacher") << true;
        QTest::newRow("deterministic amplitudes") << false;
    }
    void diagonalLineIsTheBayesOptimalStateEvolution()
    {
        QFETCH(bool, gaussian);
        sl::ui::MainWindow window("-");
        sl::app::ExperimentConfig c = config(sl::ModelKind::Diagonal, 60, 0.05);
        c.problem.amplitudes = gaussian ? sl::TeacherAmplitudes::Gaussian : sl::TeacherAmplitudes::Deterministic;
        window.document()->setFocus(c);
        QTRY_VERIFY_WITH_TIMEOUT(curveWithTheory(*window.riskPlot()) != nullptr, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(window.document()->pendingTheory(), 0, 30000);
        const sl::ui::RiskSeries& s = *curveWithTheory(*window.riskPlot());
        QCPGraph* bayes = window.riskPlot()->bayesGraph(s.id);
        QVERIFY(bayes);
        QVERIFY(bayes->name().contains("Bayes-optimal"));
        QVERIFY(!bayes->name().contains("rate"));
        QCOMPARE(bayes->data()->size(), s.theoryNEff.size());

        sl::StateEvolutionModel m;
        m.d = c.problem.dimension;
        m.gamma = c.problem.gamma;
        m.noise = c.problem.noise;
        if (gaussian) {
            m.lassoTeacher = sl::lassoPowerLawVariances(m.d, m.gamma);
            m.lassoMode = sl::LassoTeacherMode::VarianceProfile;
        }
        int i = 0;
        for (auto it = bayes->data()->constBegin(); it != bayes->data()->constEnd(); ++it, ++i) {
            QCOMPARE(it->key, s.theoryNEff[i]);
            const sl::BayesOptimalResult bo = sl::solveBayesOptimal(sl::bayesOptimalConfigFor(m, it->key));
            QVERIFY2(bo.ok(), bo.message.c_str());
            QVERIFY2(std::abs(it->value - bo.risk) <= 1e-12 * bo.risk,
                qPrintable(QString("n_eff %1: drawn %2, core %3").arg(it->key).arg(it->value).arg(bo.risk)));
            QVERIFY2(it->value < s.theoryRisk[i],
                qPrintable(QString("n_eff %1: R_BO %2 ≥ SE %3").arg(it->key).arg(it->value).arg(s.theoryRisk[i])));
        }
    }

    // Quadratic model: the line is the rate of Corollary 1 without constant, and says so in the legend.
    void quadraticLineIsTheRateWithoutConstant()
    {
        sl::ui::MainWindow window("-");
        const sl::app::ExperimentConfig c = config(sl::ModelKind::Quadratic, 8, 0.1);
        window.document()->setFocus(c);
        QTRY_VERIFY_WITH_TIMEOUT(curveWithTheory(*window.riskPlot()) != nullptr, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(window.document()->pendingTheory(), 0, 60000);
        const sl::ui::RiskSeries& s = *curveWithTheory(*window.riskPlot());
        QCPGraph* bayes = window.riskPlot()->bayesGraph(s.id);
        QVERIFY(bayes);
        QVERIFY(bayes->name().contains("rate (no constant)"));
        QCOMPARE(bayes->data()->size(), s.theoryNEff.size());
        const sl::PhaseDiagram diagram(sl::PhaseDiagramConfig::forProblem(c.problem));
        for (auto it = bayes->data()->constBegin(); it != bayes->data()->constEnd(); ++it)
            QCOMPARE(it->value, diagram.bayesOptimalRate(it->key));
    }
};

QTEST_MAIN(TestBayesOptimalOverlay)
#include "test_bayes_optimal_overlay.moc"
