// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/weights_view.h"

#include "core/io/matrix_reader.h"
#include "ui/spectrum_plot.h"

#include <QAction>
#include <QCheckBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cmath>

namespace sl::ui {
namespace {

QString shapeText(const std::vector<std::uint64_t>& shape)
{
    QStringList parts;
    for (std::uint64_t d : shape)
        parts << QString::number(d);
    return parts.join(QStringLiteral("×"));
}

QString number(double value, int precision = 4)
{
    return std::isfinite(value) ? QString::number(value, 'g', precision) : QStringLiteral("–");
}

QString droppedWeightFile(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && WeightsView::isWeightFile(url.toLocalFile()))
            return url.toLocalFile();
    return {};
}

// Drops and the menu action on the main window (installed by installWeightsSupport, so MainWindow itself needs
// one line).
class WeightsDropFilter : public QObject {
public:
    explicit WeightsDropFilter(QWidget* window) : QObject(window), m_window(window) { }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_window && event->type() == QEvent::DragEnter) {
            auto* e = static_cast<QDragEnterEvent*>(event);
            if (!droppedWeightFile(e->mimeData()).isEmpty()) {
                e->acceptProposedAction();
                return true;
            }
        } else if (watched == m_window && event->type() == QEvent::Drop) {
            auto* e = static_cast<QDropEvent*>(event);
            const QString path = droppedWeightFile(e->mimeData());
            if (!path.isEmpty()) {
                e->acceptProposedAction();
                openWeightsWindow(m_window, path);
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QWidget* m_window;
};

}  // namespace

WeightsView::WeightsView(QWidget* parent)
    : QWidget(parent),
      m_table(new QTableWidget(0, 4, this)),
      m_plot(new SpectrumPlot(this)),
      m_numbers(new QLabel(this)),
      m_logAxes(new QCheckBox(tr("log-log axes"), this))
{
    setAcceptDrops(true);
    m_table->setHorizontalHeaderLabels({tr("tensor"), tr("shape"), tr("dtype"), tr("note")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_numbers->setWordWrap(true);
    m_numbers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_numbers->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_numbers->setText(tr("Open a .safetensors, .npz or .npy file, or drop one here."));

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_plot, 1);
    rightLayout->addWidget(m_logAxes);
    rightLayout->addWidget(m_numbers);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { selectTensor(row); });
    connect(m_logAxes, &QCheckBox::toggled, m_plot, &SpectrumPlot::setLogView);
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &WeightsView::showOutcome);
}

WeightsView::~WeightsView()
{
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

bool WeightsView::isWeightFile(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("safetensors") || suffix == QLatin1String("npz") || suffix == QLatin1String("npy");
}

bool WeightsView::openFile(const QString& path, QString* error)
{
    try {
        sl::io::TensorFile file = sl::io::TensorFile::open(path.toStdString());
        m_cancel.cancel();
        m_watcher.waitForFinished();
        m_file = std::move(file);
    } catch (const sl::io::ReadError& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    m_path = path;
    m_analysis.reset();
    m_analysedName.clear();
    const QSignalBlocker block(m_table);
    m_table->setRowCount(0);
    int first = -1;
    for (const sl::io::TensorInfo& t : m_file->tensors()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QStringList cells{QString::fromStdString(t.name), shapeText(t.shape), QString::fromStdString(t.dtype),
            t.isMatrix() ? QString() : QString::fromStdString(t.skipReason)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (!t.isMatrix()) {
                item->setFlags(item->flags() & ~(Qt::ItemIsSelectable | Qt::ItemIsEnabled));
                item->setToolTip(QString::fromStdString(t.skipReason));
            }
            m_table->setItem(row, c, item);
        }
        if (first < 0 && t.isMatrix())
            first = row;
    }
    m_table->resizeColumnsToContents();
    setWindowTitle(tr("Weights: %1").arg(QFileInfo(path).fileName()));
    emit fileOpened(path);
    if (first >= 0) {
        m_table->setCurrentCell(first, 0);
        selectTensor(first);
    } else {
        m_numbers->setText(tr("%1 has no 2-D float matrix to analyse.").arg(QFileInfo(path).fileName()));
    }
    return true;
}

void WeightsView::selectTensor(int row)
{
    if (!m_file || row < 0 || row >= int(m_file->tensors().size()) || !m_file->tensors()[std::size_t(row)].isMatrix())
        return;
    if (m_watcher.isRunning()) {  // the newest pick wins: stop the running one, start this when it returns
        m_pendingRow = row;
        m_cancel.cancel();
        return;
    }
    m_pendingRow = -1;
    m_cancel = sl::CancelToken();
    m_runningName = QString::fromStdString(m_file->tensors()[std::size_t(row)].name);
    m_numbers->setText(tr("Analysing %1 …").arg(m_runningName));
    const sl::io::TensorFile file = *m_file;  // shares the mapped file
    const sl::CancelToken cancel = m_cancel;
    m_watcher.setFuture(QtConcurrent::run([file, row, cancel]() {
        Outcome out;
        try {
            out.analysis
                = sl::analyzeWeightMatrix(file.matrix(std::size_t(row)), sl::WeightAnalysisConfig{}, {}, cancel);
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
        }
        return out;
    }));
}

void WeightsView::showOutcome()
{
    const Outcome out = m_watcher.result();
    const QString name = m_runningName;
    if (m_pendingRow >= 0) {
        selectTensor(m_pendingRow);
        return;
    }
    if (!out.error.isEmpty() || !out.analysis || out.analysis->status != sl::Status::Converged) {
        const QString why
            = out.error.isEmpty() && out.analysis ? QString::fromStdString(out.analysis->message) : out.error;
        m_numbers->setText(tr("%1 not analysed: %2").arg(name, why));
        emit analysisFinished(name, why.isEmpty() ? tr("not analysed") : why);
        return;
    }
    m_analysis = out.analysis;
    m_analysedName = name;
    const sl::WeightAnalysis& a = *m_analysis;

    SpectrumViewData data;
    data.eigenvalues = a.esd;
    data.tail = a.tail;
    if (a.mp.status == sl::Status::Converged) {
        BulkEdge bulk;
        bulk.status = sl::Status::Converged;
        bulk.edge = a.mp.edge;
        bulk.nOutliers = a.mp.numSpikesBeyondFluctuations;
        data.bulk = bulk;
        // The fitted MP law drawn as its quantiles, one per bulk eigenvalue, binned like the ESD.
        const int bulkCount = int(a.m) - a.mp.numSpikesBeyondFluctuations;
        const sl::MarchenkoPastur law{a.mp.ratio, a.mp.variance};
        data.predicted.resize(std::max(bulkCount, 0));
        for (int i = 0; i < bulkCount; ++i)
            data.predicted[i] = law.quantile((i + 0.5) / bulkCount);
        data.predictedLabel = tr("Marchenko–Pastur fit σ² = %1, q = %2 (inferred fit)")
                                  .arg(number(a.mp.variance), number(a.mp.ratio, 3));
    }
    data.predictedAlpha = a.alphaPredicted;
    data.spectralPhase
        = QString::fromLatin1(sl::toString(a.phase.phase)) + tr(", phases ") + QString::fromStdString(a.paperPhases);
    // What the spectrum is of (issue 16, item 12): every exported row names the file, the tensor and the analysis.
    const sl::WeightAnalysisConfig settings;  // what selectTensor analyses with
    data.source = QJsonObject{{"weights_file", m_path}, {"tensor", name}, {"rows", double(a.rows)},
        {"cols", double(a.cols)}, {"normalized", a.normalized}, {"tail_min_points", settings.tail.minTail},
        {"bootstrap_replicates", settings.tail.bootstrapReplicates}};
    m_plot->setTitle(name);
    m_plot->setData(data);

    const bool tail = a.tail.status == sl::Status::Converged;
    QString text = tr("<b>%1</b> (%2×%3, ESD: %4 eigenvalues of WᵀW%5)<br>")
                       .arg(name.toHtmlEscaped())
                       .arg(a.rows)
                       .arg(a.cols)
                       .arg(a.m)
                       .arg(a.normalized ? tr(" / N") : QString());
    text += tail ? tr("tail: α = %1 ± %2, xmin = %3, D = %4, num_pl_spikes = %5; 1 + 1/γ = %6 (γ = %7, inferred)<br>")
                       .arg(number(a.tail.alpha), number(a.tail.sigma), number(a.tail.xmin), number(a.tail.ks, 3))
                       .arg(a.tail.nTail)
                       .arg(number(a.alphaPredicted), number(a.gammaFit, 3))
                 : tr("tail: no fit (%1)<br>").arg(QString::fromStdString(a.tail.message).toHtmlEscaped());
    text += tr("MP bulk: σ² = %1, edge = %2, num_spikes = %3 (%4 beyond 2 Tracy–Widom widths), bulk KS D = %5<br>")
                .arg(number(a.mp.variance), number(a.mp.edge))
                .arg(a.mp.numSpikes)
                .arg(a.mp.numSpikesBeyondFluctuations)
                .arg(number(a.mp.ks, 3));
    text += tr("stable rank = %1, spectral norm λ_max = %2, matrix rank = %3<br>")
                .arg(number(a.stableRank), number(a.lambdaMax))
                .arg(a.matrixRank);
    text += tr("<i>reading (inferred): %1</i>").arg(QString::fromStdString(a.phase.reason).toHtmlEscaped());
    m_numbers->setText(text);
    emit analysisFinished(name, QString());
}

void WeightsView::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedWeightFile(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void WeightsView::dropEvent(QDropEvent* event)
{
    const QString path = droppedWeightFile(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    QString error;
    if (!openFile(path, &error))
        m_numbers->setText(error.toHtmlEscaped());
}

QWidget* openWeightsWindow(QWidget* parent, const QString& givenPath)
{
    QString path = givenPath;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(parent, QObject::tr("Open weights"), QString(),
            QObject::tr("Weight files (*.safetensors *.npz *.npy *.csv *.txt);;All files (*)"));
    if (path.isEmpty())
        return nullptr;
    auto* view = new WeightsView(parent);
    view->setWindowFlag(Qt::Window);
    view->setAttribute(Qt::WA_DeleteOnClose);
    QString error;
    if (!view->openFile(path, &error)) {
        delete view;
        QMessageBox::warning(parent, QObject::tr("Open weights"), error);
        return nullptr;
    }
    view->resize(1100, 650);
    view->show();
    return view;
}

void installWeightsSupport(QMainWindow* window)
{
    window->setAcceptDrops(true);
    window->installEventFilter(new WeightsDropFilter(window));
    for (QAction* action : window->menuBar()->actions()) {
        QMenu* menu = action->menu();
        if (!menu || action->text().remove(QLatin1Char('&')) != QLatin1String("File"))
            continue;
        auto* open = new QAction(QObject::tr("Open &weights…"), window);
        open->setObjectName(QStringLiteral("openWeightsAction"));
        open->setStatusTip(QObject::tr("Spectrum, tail fit and phase reading of a .safetensors/.npz/.npy file"));
        QObject::connect(open, &QAction::triggered, window, [window] { openWeightsWindow(window); });
        const QList<QAction*> existing = menu->actions();
        menu->insertAction(existing.size() > 1 ? existing[1] : nullptr, open);
        return;
    }
}

}  // namespace sl::ui
