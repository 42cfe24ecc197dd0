// SPDX-License-Identifier: GPL-3.0-or-later
// The one log-axis configuration (ui/plot_style): read back the tick labels every log axis of every view generates
// after a replot, at the ranges the issue saw fail (0.25–1 unlabelled, "10² 10² 10²", "3·10⁰" twice, caret notation).
#include "ui/decomposition_plot.h"
#include "ui/lambda_curve_view.h"
#include "ui/phase_diagram_view.h"
#include "ui/plot_style.h"
#include "ui/risk_plot.h"
#include "ui/se_slope_map_view.h"
#include "ui/spectrum_plot.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>
#include <QVector>
#include <cmath>
#include <set>

namespace {

// The labels the axis shows at [lo, hi] (values; the axis may be in log10 coordinates).
QStringList labelsAt(QCustomPlot& plot, QCPAxis* axis, double lo, double hi, bool log10Coordinates)
{
    axis->setRange(log10Coordinates ? std::log10(lo) : lo, log10Coordinates ? std::log10(hi) : hi);
    plot.replot();
    const QVector<QString> labels = axis->tickVectorLabels();
    return QStringList(labels.begin(), labels.end());
}

// Every label unique, none in caret or e notation, and every power of ten inside the range labelled. With less than
// a decade in view: at least three labels.
void checkAxis(QCustomPlot& plot, QCPAxis* axis, bool log10Coordinates, const QString& what)
{
    const std::pair<double, double> ranges[] = {{0.25, 1}, {2, 3}, {1, 1e6}, {95, 105}, {1e-3, 30}, {0.8, 40}};
    for (const auto& [lo, hi] : ranges) {
        const QStringList labels = labelsAt(plot, axis, lo, hi, log10Coordinates);
        const QString context = QStringLiteral("%1 [%2, %3]: %4").arg(what).arg(lo).arg(hi).arg(labels.join(" | "));
        QCOMPARE(int(std::set<QString>(labels.begin(), labels.end()).size()), labels.size());
        QVERIFY2(labels.size() >= 3, qPrintable(context));
        for (const QString& l : labels)
            QVERIFY2(!l.contains('^') && !l.contains('e'), qPrintable(context));
        for (int k = int(std::ceil(std::log10(lo) - 1e-9)); k <= int(std::floor(std::log10(hi) + 1e-9)); ++k) {
            // The decade's label: "10ᵏ", or the plain number in an evenly spaced run ("100" among 96 … 104).
            const bool found = labels.contains("10" + sl::ui::LogTicker::superscript(k))
                || labels.contains(QString::number(std::pow(10.0, k), 'f', std::max(0, -k)));
            QVERIFY2(found, qPrintable(context + QStringLiteral(" (10^%1 missing)").arg(k)));
        }
        // The labels sit on ticks inside the range, in order.
        const QVector<double> ticks = axis->tickVector();
        QCOMPARE(ticks.size(), labels.size());
        for (int i = 1; i < ticks.size(); ++i)
            QVERIFY(ticks[i] > ticks[i - 1]);
    }
}

}  // namespace

class TestPlotStyle : public QObject {
    Q_OBJECT

private slots:
    void labelsAreWrittenWithSuperscripts()
    {
        using sl::ui::LogTicker;
        QCOMPARE(LogTicker::label(100), QString("10²"));
        QCOMPARE(LogTicker::label(0.1), QString("10⁻¹"));
        QCOMPARE(LogTicker::label(3), QString("3·10⁰"));
        QCOMPARE(LogTicker::label(2e-5), QString("2·10⁻⁵"));
        QCOMPARE(LogTicker::label(2.4, 0.2), QString("2.4"));
        QCOMPARE(LogTicker::label(9.6e6, 2e5), QString("9.6·10⁶"));
        // 0.25–1: the mantissas 2…9 of 10⁻¹ and 10⁰ (it showed no label at all).
        const LogTicker::Ticks t = LogTicker::ticksFor(0.25, 1);
        QCOMPARE(t.labels.join(' '), QString("3·10⁻¹ 4·10⁻¹ 5·10⁻¹ 6·10⁻¹ 7·10⁻¹ 8·10⁻¹ 9·10⁻¹ 10⁰"));
        // Many decades: every s-th labelled, the others ticked, never more than kMaxDecadeLabels labels.
        const LogTicker::Ticks wide = LogTicker::ticksFor(1e-15, 1e3);
        QVERIFY(wide.labels.size() <= LogTicker::kMaxDecadeLabels);
        QCOMPARE(wide.major.size() + wide.minor.size(), 19);
    }

    void everyLogAxisUsesTheOneTicker()
    {
        sl::ui::RiskPlot risk;
        sl::ui::SpectrumPlot spectrum;
        spectrum.setLogView(true);
        sl::ui::DecompositionPlot decomposition;
        sl::ui::LambdaCurvePlot lambda;
        sl::ui::PhaseDiagramView phase;
        sl::ui::SeSlopeMapPlot slopeMap;
        for (QCustomPlot* p :
            std::initializer_list<QCustomPlot*>{&risk, &spectrum, &decomposition, &lambda, &phase, &slopeMap})
            p->resize(700, 500);
        checkAxis(risk, risk.xAxis, false, "risk x");
        checkAxis(risk, risk.yAxis, false, "risk y");
        checkAxis(spectrum, spectrum.xAxis, false, "spectrum x");
        checkAxis(spectrum, spectrum.yAxis, false, "spectrum y");
        checkAxis(decomposition, decomposition.xAxis, false, "decomposition x");
        checkAxis(lambda, lambda.xAxis, false, "lambda x");
        checkAxis(lambda, lambda.yAxis, false, "lambda y");
        checkAxis(phase, phase.xAxis, true, "phase x");
        checkAxis(phase, phase.yAxis, true, "phase y");
        checkAxis(slopeMap, slopeMap.xAxis, true, "slope map x");
        checkAxis(slopeMap, slopeMap.yAxis, true, "slope map y");
    }

    void familyColoursNeverMove()
    {
        const QColor a = sl::ui::familyColour("test/a"), b = sl::ui::familyColour("test/b");
        const QColor c = sl::ui::familyColour("test/c");
        QVERIFY(a != b && b != c && a != c);
        (void)sl::ui::familyColour("test/d");
        QCOMPARE(sl::ui::familyColour("test/a"), a);
        QCOMPARE(sl::ui::familyColour("test/b"), b);
        QCOMPARE(sl::ui::familyColour("test/c"), c);
    }

    void paddedRangesAreLogAware()
    {
        const QCPRange r = sl::ui::paddedRange(10, 1000, true);
        QVERIFY(r.lower < 10 && r.lower > 0 && r.upper > 1000);
        QVERIFY(std::abs(std::log(10 / r.lower) - std::log(r.upper / 1000)) < 1e-12);  // symmetric in log
        const QCPRange single = sl::ui::paddedRange(50, 50, true);
        QVERIFY(single.contains(50) && single.lower > 0);
    }
};

QTEST_MAIN(TestPlotStyle)
#include "test_plot_style.moc"
