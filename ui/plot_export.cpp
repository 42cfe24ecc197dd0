// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/plot_export.h"

#include "ui/plot_view.h"

#include "app/experiment/solver_table.h"

#include <QFileInfo>
#include <QJsonArray>
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
    // The window's zoom (PlotView::setDisplayScale) is applied to fonts and pens before each replot. A view that
    // rebuilt its items since the last one (its replot still queued) would otherwise be exported with those items
    // at 1× beside the zoomed rest: the image is drawn from a fresh replot, at the on-screen scale.
    plot.replot(QCustomPlot::rpImmediateRefresh);
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
    // The export laid the plot out at its own size (toPixmap/toPainter): the view lays itself out again at its own,
    // so what it reports (axis rect, label positions) is what it shows.
    plot.replot(QCustomPlot::rpQueuedReplot);
    if (!ok)
        return fail(error, QObject::tr("%1: could not write the image (is the folder writable?)").arg(path));
    return true;
}

ImageExportGeometry imageExportGeometry(const PlotView& plot, ImageScale scale, const QSize& pixelSize)
{
    // Not shown yet (a test, the CLI): the size exportImage assumes then.
    const QSize shown(plot.width() > 50 ? plot.width() : 900, plot.height() > 50 ? plot.height() : 600);
    const double zoom = plot.displayScale() > 0 ? plot.displayScale() : 1.0;
    double textScale = zoom;
    switch (scale) {
    case ImageScale::OnScreen: return {shown, 1.0};
    case ImageScale::PixelSize: return {pixelSize, 1.0};
    case ImageScale::Percent100: textScale = 1.0; break;
    case ImageScale::Percent150: textScale = 1.5; break;
    case ImageScale::Percent200: textScale = 2.0; break;
    }
    // The on-screen fonts are z times their own size; drawn at s/z device pixels per pixel they come out s times.
    const double ratio = textScale / zoom;
    return {QSize(qRound(shown.width() * ratio), qRound(shown.height() * ratio)), ratio};
}

bool exportImage(PlotView& plot, const QString& path, QString* error, ImageScale scale, const QSize& pixelSize)
{
    const ImageExportGeometry g = imageExportGeometry(plot, scale, pixelSize);
    if (g.pixels.width() / g.pixelRatio < 50 || g.pixels.height() / g.pixelRatio < 50)
        return fail(error,
            QObject::tr("%1 × %2 pixels is too small for the plot (at least 50 × 50 at this scale)")
                .arg(g.pixels.width())
                .arg(g.pixels.height()));
    return exportImage(plot, path, error, g.pixels.width(), g.pixels.height(), g.pixelRatio);
}

ExportParameters exportParameters(const app::ExperimentConfig& config, const QVector<qulonglong>& seeds, long long n)
{
    ProblemConfig problem = config.problem;
    if (n >= 0)
        problem.samples = n;
    ExportParameters e;
    e.model = QString::fromLatin1(sl::toString(problem.model));
    e.d = problem.dimension;
    e.p = problem.effectiveWidth();
    e.n = problem.samples;
    e.nEff = problem.nEff();
    e.lambda = problem.weightDecay;
    e.gamma = problem.gamma;
    e.noise = problem.noise;
    e.amplitudes = QString::fromLatin1(sl::toString(problem.amplitudes));
    e.solver = QString::fromLatin1(app::toString(config.solver));
    e.seeds = seeds;
    if (e.seeds.isEmpty())
        for (const std::uint64_t seed : config.seeds())
            e.seeds << qulonglong(seed);
    return e;
}

ExportParameters exportParameters(const StateEvolutionModel& model, double nEff, double lambda)
{
    ExportParameters e;
    e.model = QString::fromLatin1(sl::toString(model.model));
    e.d = model.d;
    e.nEff = nEff;
    if (nEff > 0 && std::isfinite(nEff))
        e.n = ProblemConfig::samplesForNEff(model.model, model.d, nEff);
    e.lambda = lambda;
    e.gamma = model.gamma;
    e.noise = model.noise;
    e.solver = QStringLiteral("state_evolution");
    const char* deterministic = sl::toString(TeacherAmplitudes::Deterministic);
    if (model.model == ModelKind::Quadratic) {
        // The SE's teacher is s_i ∝ i^(−γ) unless a spectrum is given; averaged over K GOE samples from `seed`.
        e.amplitudes = QString::fromLatin1(model.matrixSpectrum.size() == 0 ? deterministic : "explicit");
        e.seeds << qulonglong(model.seed);
        e.extra[QStringLiteral("se_goe_samples")] = model.samples;
        e.extra[QStringLiteral("se_tolerance")] = model.matrixTolerance;
    } else {
        // Averaged over θ*_i ~ N(0, v_i) (the variance profile), or the amplitudes themselves.
        e.amplitudes = model.lassoMode == LassoTeacherMode::VarianceProfile
            ? QString::fromLatin1(sl::toString(TeacherAmplitudes::Gaussian))
            : QString::fromLatin1(model.lassoTeacher.size() == 0 ? deterministic : "explicit");
        e.extra[QStringLiteral("se_tolerance")] = model.lassoTolerance;
    }
    return e;
}

QString parameterCsvHeader()
{
    return QStringLiteral("model,d,p,n,n_eff,lambda,gamma,noise_delta,amplitudes,solver,seeds");
}

namespace {

QString integerCell(long long v)
{
    return v >= 0 ? QString::number(v) : QString();
}

QString numberCell(double v, int digits)
{
    return std::isfinite(v) ? QString::number(v, 'g', digits) : QString();
}

QJsonValue integerJson(long long v)
{
    return v >= 0 ? QJsonValue(double(v)) : QJsonValue();
}

QJsonValue numberJson(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonValue textJson(const QString& text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

}  // namespace

QString parameterCsvValues(const ExportParameters& e)
{
    QStringList seedText;
    for (const qulonglong seed : e.seeds)
        seedText << QString::number(seed);
    return QStringList{e.model, integerCell(e.d), integerCell(e.p), integerCell(e.n), numberCell(e.nEff, 10),
        numberCell(e.lambda, 17), numberCell(e.gamma, 17), numberCell(e.noise, 17), e.amplitudes, e.solver,
        seedText.join(QLatin1Char(' '))}
        .join(QLatin1Char(','));
}

QString parameterCsvValues(const app::ExperimentConfig& config, const QVector<qulonglong>& seeds, long long n)
{
    return parameterCsvValues(exportParameters(config, seeds, n));
}

QJsonObject parameterJson(const ExportParameters& e)
{
    QJsonArray seeds;
    for (const qulonglong seed : e.seeds)
        seeds.append(QString::number(seed));
    QJsonObject object{{"model", textJson(e.model)}, {"d", integerJson(e.d)}, {"p", integerJson(e.p)},
        {"n", integerJson(e.n)}, {"n_eff", numberJson(e.nEff)}, {"lambda", numberJson(e.lambda)},
        {"gamma", numberJson(e.gamma)}, {"noise_delta", numberJson(e.noise)}, {"amplitudes", textJson(e.amplitudes)},
        {"solver", textJson(e.solver)}, {"seeds", seeds}};
    for (auto it = e.extra.begin(); it != e.extra.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QString sourceCsvHeader(const QJsonObject& source)
{
    QString header;
    for (const QString& key : source.keys())
        header += QLatin1Char(',') + key;
    return header;
}

QString sourceCsvValues(const QJsonObject& source)
{
    QString values;
    for (auto it = source.begin(); it != source.end(); ++it) {
        QString text = it.value().isBool() ? QString::number(int(it.value().toBool()))
            : it.value().isDouble()        ? QString::number(it.value().toDouble(), 'g', 17)
                                           : it.value().toString();
        if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')))
            text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        values += QLatin1Char(',') + text;
    }
    return values;
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
