// SPDX-License-Identifier: GPL-3.0-or-later
// The weights window (ui/weights_view.h), offscreen: a safetensors file written here from a Wishart matrix (known
// Marchenko–Pastur edge) and a bias vector; the list, the analysis shown in the spectrum plot, the log-log toggle,
// a bad file, a dropped file, and the main window's File → Open weights… hook.
#include "core/common/rng.h"
#include "tests/core/io/weight_files.h"
#include "ui/plot_export.h"
#include "ui/spectrum_plot.h"
#include "ui/weights_view.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QFile>
#include <QIODevice>
#include <QLabel>
#include <QLatin1String>
#include <QMainWindow>
#include <QMenuBar>
#include <QMimeData>
#include <QObject>
#include <QPoint>
#include <QPointF>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <cmath>

class TestWeightsView : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Eigen::MatrixXd m_w;

    QString write(const QString& name, const std::string& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes.data(), qint64(bytes.size()));
        return path;
    }

private slots:
    void initTestCase()
    {
        sl::Rng rng(4);
        m_w = rng.normalMatrix(240, 160);
        write(QStringLiteral("net.safetensors"),
            sl::test::safetensorsFile({{"fc.bias", "F32", {4}, sl::test::f32Bytes(Eigen::MatrixXd::Ones(1, 4))},
                {"fc.weight", "F32", {240, 160}, sl::test::f32Bytes(m_w)}}));
        const std::string good
            = sl::test::safetensorsFile({{"w", "F64", {3, 3}, sl::test::f64Bytes(m_w.topLeftCorner(3, 3))}});
        write(QStringLiteral("cut.safetensors"), good.substr(0, good.size() - 8));
    }

    void listsTensorsAndShowsTheAnalysis()
    {
        sl::ui::WeightsView view;
        QSignalSpy finished(&view, &sl::ui::WeightsView::analysisFinished);
        QString error;
        QVERIFY(view.openFile(m_dir.filePath("net.safetensors"), &error));
        QCOMPARE(view.tensorTable()->rowCount(), 2);
        QCOMPARE(view.tensorTable()->item(0, 0)->text(), QStringLiteral("fc.bias"));
        QVERIFY(!(view.tensorTable()->item(0, 0)->flags() & Qt::ItemIsEnabled));  // not a matrix: greyed out
        QVERIFY(view.tensorTable()->item(0, 3)->text().contains(QLatin1String("1-D")));
        QCOMPARE(view.tensorTable()->item(1, 1)->text(), QStringLiteral("240×160"));
        QVERIFY(finished.wait(30000));  // the first matrix is analysed on opening
        QCOMPARE(finished.first().at(1).toString(), QString());
        QCOMPARE(view.analysedName(), QStringLiteral("fc.weight"));
        QVERIFY(view.analysis());
        const double q = 160.0 / 240.0, edge = 240 * std::pow(1 + std::sqrt(q), 2);
        QVERIFY(std::abs(view.analysis()->mp.edge / edge - 1) < 0.03);

        const sl::ui::SpectrumViewData& data = view.spectrumPlot()->data();
        QCOMPARE(data.eigenvalues.size(), Eigen::Index(160));
        QVERIFY(data.bulk && std::abs(data.bulk->edge - view.analysis()->mp.edge) < 1e-9);
        QVERIFY(data.predictedLabel.contains(QLatin1String("Marchenko")));
        QVERIFY(data.predicted.size() > 100);  // the MP law's quantiles
        QVERIFY(data.spectralPhase.contains(QLatin1String("random-like")));
        QVERIFY(view.numbersLabel()->text().contains(QLatin1String("stable rank")));
        QVERIFY(view.numbersLabel()->text().contains(QLatin1String("inferred")));

        view.logAxesBox()->setChecked(true);
        QVERIFY(view.spectrumPlot()->logView());
        // Picking the bias row does nothing (it is not a matrix).
        view.selectTensor(0);
        QVERIFY(!view.isBusy());
    }

    // Issue 16, item 12: the exported spectrum of a weight file names what it is of (the file, the tensor, its
    // shape, the analysis's settings) in every row, read back from the written CSV.
    void exportNamesTheFileAndTheTensor()
    {
        sl::ui::WeightsView view;
        QSignalSpy finished(&view, &sl::ui::WeightsView::analysisFinished);
        const QString path = m_dir.filePath("net.safetensors");
        QVERIFY(view.openFile(path));
        QVERIFY(finished.wait(30000));
        const QString csvPath = m_dir.filePath("spectrum.csv");
        QString error;
        QVERIFY2(sl::ui::exportData(*view.spectrumPlot(), csvPath, &error), qPrintable(error));
        QFile file(csvPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(rows.filter(QRegularExpression("^trained,")).size(), 160);  // the ESD's 160 eigenvalues
        const QStringList header = rows[0].split(',');
        for (const char* column : {"weights_file", "tensor", "rows", "cols", "normalized", "tail_min_points"})
            QVERIFY2(header.count(column) == 1, qPrintable(rows[0]));
        for (int r = 1; r < rows.size(); ++r) {  // the ESD's rows and the Marchenko–Pastur fit's
            const QStringList row = rows[r].split(',');
            QCOMPARE(row.size(), header.size());
            auto cell = [&](const char* column) { return row.value(header.indexOf(column)); };
            QCOMPARE(cell("weights_file"), path);
            QCOMPARE(cell("tensor"), QString("fc.weight"));
            QCOMPARE(cell("rows").toInt(), 240);
            QCOMPARE(cell("cols").toInt(), 160);
            QCOMPARE(cell("normalized"), QString("0"));
        }
        QCOMPARE(view.spectrumPlot()->dataJson()["source"].toObject()["tensor"].toString(), QString("fc.weight"));
    }

    void badFileIsRefusedWithTheReason()
    {
        sl::ui::WeightsView view;
        QString error;
        QVERIFY(!view.openFile(m_dir.filePath("cut.safetensors"), &error));
        QVERIFY2(error.contains(QLatin1String("run past the end")), qPrintable(error));
        QCOMPARE(view.tensorTable()->rowCount(), 0);
    }

    void droppedFileIsOpened()
    {
        sl::ui::WeightsView view;
        QSignalSpy opened(&view, &sl::ui::WeightsView::fileOpened);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_dir.filePath("net.safetensors"))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &drop);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(view.filePath(), m_dir.filePath("net.safetensors"));
        QMimeData text;
        text.setText(QStringLiteral("not a file"));
        QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        refused.setAccepted(false);
        QCoreApplication::sendEvent(&view, &refused);
        QVERIFY(!refused.isAccepted());
    }

    void mainWindowHookAddsMenuActionAndAcceptsDrops()
    {
        QMainWindow window;
        QMenu* file = window.menuBar()->addMenu(QStringLiteral("&File"));
        file->addAction(QStringLiteral("&Open session..."));
        file->addAction(QStringLiteral("&Save session..."));
        sl::ui::installWeightsSupport(&window);
        QVERIFY(window.acceptDrops());
        auto* action = window.findChild<QAction*>(QStringLiteral("openWeightsAction"));
        QVERIFY(action);
        QCOMPARE(file->actions().indexOf(action), 1);  // right after "Open session..."
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_dir.filePath("net.safetensors"))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        auto* view = window.findChild<sl::ui::WeightsView*>();
        QVERIFY(view);  // a weights window, parented to the main window
        QCOMPARE(view->filePath(), m_dir.filePath("net.safetensors"));
        QVERIFY(view->isWindow());
        QSignalSpy finished(view, &sl::ui::WeightsView::analysisFinished);
        if (view->isBusy())
            QVERIFY(finished.wait(30000));
    }
};

QTEST_MAIN(TestWeightsView)
#include "test_weights_view.moc"
