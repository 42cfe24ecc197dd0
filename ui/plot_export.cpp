// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_export.h"

#include "ui/plot_view.h"

#include "app/experiment/solver_table.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace sl::ui {

bool imageFormatFromPath(const QString& path, ImageFormat& format)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "png")
        format = ImageFormat::Png;
    else if (suffix == "pdf")
        format = ImageFormat::Pdf;
    else if (suffix == "svg")
        format = ImageFormat::Svg;
    else
        return false;
    return true;
}

bool dataFormatFromPath(const QString& path, DataFormat& format)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "csv")
        format = DataFormat::Csv;
    else if (suffix == "json")
        format = DataFormat::Json;
    else
        return false;
    return true;
}

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool writeSvg(PlotView& plot, const QString& path, int width, int height)
{
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setTitle(plot.title());
    generator.setDescription(QStringLiteral("Scaling Lab plot"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return false;
    plot.toPainter(&painter, width, height);
    return painter.end();
}

// Exactly width × height pixels. QCustomPlot's own savePng writes round(scale · round(width / scale)) pixels, one or
// two off for an odd size at scale 2; the rare rounding remainder is resampled away.
bool writePng(PlotView& plot, const QString& path, int width, int height, double scale)
{
    const QPixmap pixmap
        = plot.toPixmap(std::max(1, qRound(width / scale)), std::max(1, qRound(height / scale)), scale);
    QImage image = pixmap.toImage();
    if (image.isNull())
        return false;
    if (image.size() != QSize(width, height))
        image = image.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    image.setDevicePixelRatio(1.0);
    return image.save(path, "PNG");
}

}  // namespace

bool exportImage(PlotView& plot, const QString& path, QString* error, int width, int height, double scale)
{
    ImageFormat format;
    if (!imageFormatFromPath(path, format))
        return fail(error, QObject::tr("%1: unknown image format (use .png, .pdf or .svg)").arg(path));
    if (!(scale > 0) || !std::isfinite(scale))
        return fail(error, QObject::tr("the export scale must be a positive number (got %1)").arg(scale));
    if (width <= 0 || height <= 0) {
        width = qRound((plot.width() > 50 ? plot.width() : 900) * scale);
        height = qRound((plot.height() > 50 ? plot.height() : 600) * scale);
    }
    // The layout (fonts, lines, margins) is computed at width/scale × height/scale, the same for every format.
    const int layoutWidth = std::max(1, qRound(width / scale));
    const int layoutHeight = std::max(1, qRound(height / scale));
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return fail(error, QObject::tr("%1: the folder does not exist").arg(path));
    // Write next to the target, then rename, so a failed export never leaves a half-written file behind.
    const QString temporary = info.absoluteDir().filePath(".scalinglab-export-" + info.fileName());
    bool ok = false;
    switch (format) {
    case ImageFormat::Png: ok = writePng(plot, temporary, width, height, scale); break;
    case ImageFormat::Pdf:
        ok = plot.savePdf(temporary, layoutWidth, layoutHeight, QCP::epNoCosmetic, "Scaling Lab", plot.title());
        break;
    case ImageFormat::Svg: ok = writeSvg(plot, temporary, layoutWidth, layoutHeight); break;
    }
    if (ok && QFileInfo(temporary).size() > 0) {
        QFile::remove(path);
        ok = QFile::rename(temporary, path);
    } else {
        ok = false;
    }
    QFile::remove(temporary);
    if (!ok)
        return fail(error, QObject::tr("%1: could not write the image (is the folder writable?)").arg(path));
    return true;
}

QString parameterCsvHeader()
{
    return QStringLiteral("model,d,p,n,n_eff,lambda,gamma,noise_delta,amplitudes,solver,seeds");
}

QString parameterCsvValues(const app::ExperimentConfig& config, const QVector<qulonglong>& seeds, long long n)
{
    ProblemConfig p = config.problem;
    if (n >= 0)
        p.samples = n;
    QStringList seedText;
    for (const qulonglong seed : seeds)
        seedText << QString::number(seed);
    if (seedText.isEmpty())
        for (const std::uint64_t seed : config.seeds())
            seedText << QString::number(seed);
    return QStringList{QString::fromLatin1(sl::toString(p.model)), QString::number(p.dimension),
        QString::number(p.effectiveWidth()), QString::number(p.samples), QString::number(p.nEff(), 'g', 10),
        QString::number(p.weightDecay, 'g', 17), QString::number(p.gamma, 'g', 17), QString::number(p.noise, 'g', 17),
        QString::fromLatin1(sl::toString(p.amplitudes)), QString::fromLatin1(app::toString(config.solver)),
        seedText.join(QLatin1Char(' '))}
        .join(QLatin1Char(','));
}

bool exportData(const PlotView& plot, const QString& path, QString* error)
{
    DataFormat format;
    if (!dataFormatFromPath(path, format))
        return fail(error, QObject::tr("%1: unknown data format (use .csv or .json)").arg(path));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(error, QObject::tr("%1: %2").arg(path, file.errorString()));
    const QByteArray bytes = format == DataFormat::Csv ? plot.dataCsv().toUtf8()
                                                       : QJsonDocument(plot.dataJson()).toJson(QJsonDocument::Indented);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return fail(error, QObject::tr("%1: %2").arg(path, file.errorString()));
    return true;
}

}  // namespace sl::ui
