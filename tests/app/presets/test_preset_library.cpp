// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets/preset_library.h"
#include "core/theory/phase_diagram.h"

#include <QObject>
#include <QString>
#include <QTest>
#include <cmath>

class TestPresetLibrary : public QObject {
    Q_OBJECT

private slots:
    void everyShippedPresetParses()
    {
        const sl::app::PresetLibrary library;
        QVERIFY2(library.errors().isEmpty(), qPrintable(library.errors().join("; ")));
        QCOMPARE(library.presets().size(), 22);
        for (const auto& p : library.presets()) {
            QVERIFY(!p.description.isEmpty());
            QVERIFY(!p.differsFromPaper.isEmpty());
            p.experiment.validate();
        }
    }

    void figureThreePresetsUseThePapersLambdas()
    {
        // docs/theory/models.md §8: Figure 3 has the columns λ ∈ {1/d, 1, √d} at Δ = 0.5.
        const sl::app::PresetLibrary library;
        for (const char* model : {"diagonal", "quadratic"}) {
            const QString m(model);
            const auto* weak = library.find("fig3-" + m + "-weak");
            const auto* unit = library.find("fig3-" + m + "-unit");
            const auto* strong = library.find("fig3-" + m + "-strong");
            QVERIFY(weak && unit && strong);
            const double d = weak->experiment.problem.dimension;
            QCOMPARE(weak->experiment.problem.weightDecay, 1.0 / d);
            QCOMPARE(unit->experiment.problem.weightDecay, 1.0);
            QCOMPARE(strong->experiment.problem.weightDecay, std::sqrt(d));
            for (const auto* p : {weak, unit, strong}) {
                QCOMPARE(p->experiment.problem.noise, 0.5);
                QVERIFY(p->experiment.isSweep());
                QVERIFY(p->experiment.sampleGrid().size() >= 6);
            }
        }
    }

    // Figure 5 is Figure 3 at Δ = 0 (its λ values are unknown; Figure 3's columns are assumed).
    void figureFivePresetsAreNoiseless()
    {
        const sl::app::PresetLibrary library;
        int checked = 0;
        for (const auto& p : library.presets()) {
            if (p.figure != "5")
                continue;
            const auto* twin = library.find(QString(p.id).replace("fig5-", "fig3-"));
            QVERIFY(twin);
            QCOMPARE(p.experiment.problem.noise, 0.0);
            QCOMPARE(p.experiment.problem.weightDecay, twin->experiment.problem.weightDecay);
            QCOMPARE(p.experiment.sampleGrid(), twin->experiment.sampleGrid());
            ++checked;
        }
        QCOMPARE(checked, 6);
    }

    // Figures 2 and 4 (Δ = 0): each spectrum preset sits in the phase it is named after.
    void figureTwoPresetsSitInThePhaseTheyName()
    {
        const sl::app::PresetLibrary library;
        int checked = 0;
        for (const auto& p : library.presets()) {
            if (p.figure != "2" && p.figure != "4")
                continue;
            QCOMPARE(p.experiment.problem.noise, p.figure == "4" ? 0.0 : 0.5);
            const QString named = p.id.section('-', 2);
            const auto& problem = p.experiment.problem;
            const sl::PhaseDiagram diagram(sl::PhaseDiagramConfig::forProblem(problem));
            const sl::PhaseInfo info = diagram.classify(problem.nEff(), problem.weightDecay);
            QVERIFY2(QString::fromStdString(info.label) == named
                    || (info.label == "crossover" && QString::fromStdString(info.neighbourA) == named),
                qPrintable(p.id + " classified as " + QString::fromStdString(info.label)));
            ++checked;
        }
        QCOMPARE(checked, 9);
    }

    void malformedPresetIsRefused()
    {
        QString error;
        QVERIFY(!sl::app::PresetLibrary::parse("{", "x", &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!sl::app::PresetLibrary::parse(R"({"schema":"other"})", "x", &error));
        QVERIFY(error.contains("schema"));
        QVERIFY(!sl::app::PresetLibrary::parse(
            R"({"schema":"scalinglab.preset","version":1,"name":"n","differs_from_paper":"x",
                "experiment":{"schema":"scalinglab.experiment","version":1,"problem":{"gamma":0.3}}})",
            "x", &error));
        QVERIFY2(error.contains("gamma"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestPresetLibrary)
#include "test_preset_library.moc"
