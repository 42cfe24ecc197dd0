// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/export_dialog.h"

#include "ui/plot_view.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace sl::ui {

ExportDialog::ExportDialog(PlotView* plot, const QString& suggestedPath, QWidget* parent)
    : QDialog(parent), m_plot(plot)
{
    setObjectName("exportDialog");
    setWindowTitle(tr("Export %1").arg(plot->title().section(',', 0, 0)));
    m_path = new QLineEdit(suggestedPath, this);
    m_path->setObjectName("exportPath");
    auto* browseButton = new QPushButton(tr("Browse..."), this);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);

    m_scale = new QComboBox(this);
    m_scale->setObjectName("exportScale");
    const int zoomPercent = qRound(100 * plot->displayScale());
    m_scale->addItem(tr("as on screen (zoom %1 %)").arg(zoomPercent), int(ImageScale::OnScreen));
    m_scale->addItem(tr("text at 100 %"), int(ImageScale::Percent100));
    m_scale->addItem(tr("text at 150 %"), int(ImageScale::Percent150));
    m_scale->addItem(tr("text at 200 %"), int(ImageScale::Percent200));
    m_scale->addItem(tr("pixel size"), int(ImageScale::PixelSize));
    m_scale->setToolTip(tr("The image shows the plot as laid out on screen. 'As on screen' writes exactly what is "
                           "shown; 100/150/200 % draw that layout with its text at that share of its unzoomed size "
                           "(the image grows with it); 'pixel size' lays the plot out at the given size with the "
                           "text as on screen."));
    m_width = new QSpinBox(this);
    m_width->setObjectName("exportWidth");
    m_height = new QSpinBox(this);
    m_height->setObjectName("exportHeight");
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(50, 20000);
        box->setSuffix(tr(" px"));
    }
    m_width->setValue(1920);
    m_height->setValue(1080);
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(m_height);
    sizeRow->addStretch(1);
    m_size = new QLabel(this);
    m_size->setObjectName("exportSize");

    auto* form = new QFormLayout;
    form->addRow(tr("File:"), pathRow);
    form->addRow(tr("Image scale:"), m_scale);
    form->addRow(tr("Pixel size:"), sizeRow);
    form->addRow(QString(), m_size);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::updateControls);
    connect(m_scale, &QComboBox::currentIndexChanged, this, &ExportDialog::updateControls);
    connect(m_width, &QSpinBox::valueChanged, this, &ExportDialog::updateControls);
    connect(m_height, &QSpinBox::valueChanged, this, &ExportDialog::updateControls);
    updateControls();
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setPath(const QString& path)
{
    m_path->setText(path);
}

ImageScale ExportDialog::imageScale() const
{
    return ImageScale(m_scale->currentData().toInt());
}

void ExportDialog::setImageScale(ImageScale scale)
{
    m_scale->setCurrentIndex(m_scale->findData(int(scale)));
}

QSize ExportDialog::pixelSize() const
{
    return {m_width->value(), m_height->value()};
}

void ExportDialog::setPixelSize(const QSize& size)
{
    m_width->setValue(size.width());
    m_height->setValue(size.height());
}

ImageExportGeometry ExportDialog::geometry() const
{
    return imageExportGeometry(*m_plot, imageScale(), pixelSize());
}

QString ExportDialog::sizeText() const
{
    return m_size->text();
}

bool ExportDialog::write(QString* error) const
{
    ImageFormat format;
    if (imageFormatFromPath(path(), format))
        return exportImage(*m_plot, path(), error, imageScale(), pixelSize());
    return exportData(*m_plot, path(), error);
}

void ExportDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, windowTitle(), path(),
        tr("PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg);;CSV data (*.csv);;JSON data (*.json)"));
    if (!chosen.isEmpty())
        setPath(chosen);
}

void ExportDialog::updateControls()
{
    ImageFormat format;
    const bool image = imageFormatFromPath(path(), format);
    m_scale->setEnabled(image);
    const bool pixels = imageScale() == ImageScale::PixelSize;
    m_width->setEnabled(image && pixels);
    m_height->setEnabled(image && pixels);
    if (!image) {
        m_size->setText(tr("data: every series with its parameters"));
        return;
    }
    const ImageExportGeometry g = geometry();
    const double textPercent = 100 * g.pixelRatio * m_plot->displayScale();
    const QString size
        = tr("%1 × %2 px, text at %3 %").arg(g.pixels.width()).arg(g.pixels.height()).arg(qRound(textPercent));
    m_size->setText(format == ImageFormat::Png ? size : size + tr(" (vector: that layout)"));
}

}  // namespace sl::ui
