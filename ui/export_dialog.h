// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/plot_export.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace sl::ui {

class PlotView;

// The export dialog of one plot: the file (its extension picks the format: .png .pdf .svg .csv .json) and, for an
// image, its size and scale (ImageScale: as on screen, 100 %, 150 %, 200 % or a pixel size), with the resulting
// pixel size shown as it will be written. Opened with open() (window-modal, not a blocking exec()); accepted, it
// writes the file (write()) and reports through `written`.
class ExportDialog : public QDialog {
    Q_OBJECT

public:
    ExportDialog(PlotView* plot, const QString& suggestedPath, QWidget* parent = nullptr);

    QString path() const;
    void setPath(const QString& path);
    ImageScale imageScale() const;
    void setImageScale(ImageScale scale);
    QSize pixelSize() const;  // the PixelSize choice's width and height
    void setPixelSize(const QSize& size);
    // What the PNG will be, for the current choice and the plot as shown now.
    ImageExportGeometry geometry() const;
    // The line under the scale ("1600 × 1000 px, text at 150 %"), as shown.
    QString sizeText() const;
    // Writes the file as chosen; false with the message in `error`.
    bool write(QString* error) const;

private:
    void browse();
    void updateControls();

    PlotView* m_plot;
    QLineEdit* m_path;
    QComboBox* m_scale;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QLabel* m_size;
};

}  // namespace sl::ui
