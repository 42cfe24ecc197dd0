// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/parameter_panel.h"
#include "ui/slider_spin_box.h"

#include <QJsonDocument>
#include <QObject>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

class TestParameterPanel : public QObject {
    Q_OBJECT

private slots:
    void widgetsRoundTripThroughTheExperimentJson()
    {
        sl::ui::ParameterPanel panel;
        sl::app::ExperimentConfig config;
        config.problem.model = sl::ModelKind::Quadratic;
        config.problem.dimension = 80;
        config.problem.width = 12;
        config.problem.samples = 80 * 25;
        config.problem.weightDecay = 0.0123;
        config.problem.gamma = 1.75;
        config.problem.noise = 0.25;
        config.problem.seed = 99;
        config.solver = sl::app::Solver::Adam;
        config.train = sl::TrainConfig::defaults(sl::Optimizer::Adam);
        config.train.maxIterations = 4321;
        config.train.learningRate = 0.002;
        config.seedCount = 5;

        // Through JSON, as a preset or a session would deliver it.
        const auto parsed = sl::app::ExperimentConfig::fromJson(config.toJson());
        QVERIFY(parsed);
        panel.setExperiment(*parsed);
        const sl::app::ExperimentConfig back = panel.experiment();
        QVERIFY2(back == config, QJsonDocument(back.toJson()).toJson().constData());

        // And for the diagonal model with deterministic amplitudes and GD defaults.
        config.problem.model = sl::ModelKind::Diagonal;
        config.problem.width = 0;
        config.problem.samples = 321;
        config.problem.amplitudes = sl::TeacherAmplitudes::Deterministic;
        config.solver = sl::app::Solver::GradientDescent;
        config.train = sl::TrainConfig::defaults(sl::Optimizer::GradientDescent);
        panel.setExperiment(config);
        QVERIFY2(panel.experiment() == config, QJsonDocument(panel.experiment().toJson()).toJson().constData());
    }

    void sliderChangesAreDebouncedIntoOneRestart()
    {
        sl::ui::ParameterPanel panel;
        QSignalSpy changed(&panel, &sl::ui::ParameterPanel::parametersChanged);
        QSignalSpy edited(&panel, &sl::ui::ParameterPanel::parametersEdited);
        auto* lambda = panel.findChild<sl::ui::SliderSpinBox*>("weightDecay");
        QVERIFY(lambda);
        for (int step = 0; step < 10; ++step)
            lambda->slider()->setValue(lambda->slider()->value() + 5);
        QCOMPARE(edited.size(), 10);  // every step reaches the cheap views
        QCOMPARE(changed.size(), 0);  // but nothing restarts while dragging
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 2000);
        QTest::qWait(2 * sl::ui::ParameterPanel::kDebounceMs);
        QCOMPARE(changed.size(), 1);

        // The log slider moves λ by equal ratios: 10 steps of 5/1000 over 10 decades = 0.5 decade.
        QVERIFY(std::abs(std::log10(panel.problem().weightDecay / 1.0) - 0.5) < 0.02);
    }

    void fitWindowDoesNotRestartTheRun()
    {
        sl::ui::ParameterPanel panel;
        QSignalSpy changed(&panel, &sl::ui::ParameterPanel::parametersChanged);
        QSignalSpy fit(&panel, &sl::ui::ParameterPanel::fitWindowChanged);
        panel.setFitWindow(10, 1000);
        QCOMPARE(panel.fitFrom(), 10.0);
        QCOMPARE(panel.fitTo(), 1000.0);
        QVERIFY(fit.size() >= 1);
        QTest::qWait(2 * sl::ui::ParameterPanel::kDebounceMs);
        QCOMPARE(changed.size(), 0);
    }
};

QTEST_MAIN(TestParameterPanel)
#include "test_parameter_panel.moc"
