// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"
#include "core/io/tensor_file.h"
#include "core/spectrum/weight_analysis.h"

#include <QFutureWatcher>
#include <QWidget>
#include <optional>

class QCheckBox;
class QLabel;
class QMainWindow;
class QTableWidget;

namespace sl::ui {

class SpectrumPlot;

// The weights a user trained elsewhere (.safetensors, .npz, .npy, CSV): the file's tensors in a table (name,
// shape, dtype; those that are not 2-D float matrices greyed out with the reason), and for the one picked its
// ESD in a spectrum plot (linear or log-log) with the Clauset tail fit, the Marchenko–Pastur bulk and edge, the
// numbers of `scalinglab-cli analyze-weights` and the inferred phase reading (docs/theory/weights.md). The
// analysis runs on a worker thread; picking another tensor cancels the one running. Files can be dropped on it.
class WeightsView : public QWidget {
    Q_OBJECT

public:
    explicit WeightsView(QWidget* parent = nullptr);
    ~WeightsView() override;

    // Lists the tensors of `path` and analyses the first matrix; false (and *error) when it cannot be read.
    bool openFile(const QString& path, QString* error = nullptr);
    QString filePath() const { return m_path; }

    // Analyses the tensor on table row `row` (ignored for rows that are not matrices).
    void selectTensor(int row);
    bool isBusy() const { return m_watcher.isRunning(); }
    const std::optional<sl::WeightAnalysis>& analysis() const { return m_analysis; }
    QString analysedName() const { return m_analysedName; }

    QTableWidget* tensorTable() const { return m_table; }
    SpectrumPlot* spectrumPlot() const { return m_plot; }
    QLabel* numbersLabel() const { return m_numbers; }
    QCheckBox* logAxesBox() const { return m_logAxes; }

    // By extension: .safetensors, .npz, .npy.
    static bool isWeightFile(const QString& path);

signals:
    void fileOpened(const QString& path);
    // After every analysis; `error` is empty on success.
    void analysisFinished(const QString& name, const QString& error);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Outcome {
        std::optional<sl::WeightAnalysis> analysis;
        QString error;
    };
    void showOutcome();

    QString m_path;
    std::optional<sl::io::TensorFile> m_file;
    QTableWidget* m_table;
    SpectrumPlot* m_plot;
    QLabel* m_numbers;
    QCheckBox* m_logAxes;
    QFutureWatcher<Outcome> m_watcher;
    sl::CancelToken m_cancel;
    QString m_runningName;
    std::optional<sl::WeightAnalysis> m_analysis;
    QString m_analysedName;
    int m_pendingRow = -1;
};

// A top-level window holding a WeightsView on `path` (asks with a file dialog when `path` is empty); nullptr
// when the user cancels or the file cannot be read (a message box says why).
QWidget* openWeightsWindow(QWidget* parent, const QString& path = {});

// The main window's hook: "Open weights…" in its File menu and weight files dropped on it open a weights window.
void installWeightsSupport(QMainWindow* window);

}  // namespace sl::ui
