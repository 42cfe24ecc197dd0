// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"
#include "core/theory/se_point.h"

#include <QJsonObject>
#include <QSize>
#include <QString>
#include <QVector>

#include <limits>

namespace sl::ui {

class PlotView;

// Image formats a plot can be written to, chosen by the file's extension.
enum class ImageFormat { Png, Pdf, Svg };
enum class DataFormat { Csv, Json };

bool imageFormatFromPath(const QString& path, ImageFormat& format);
bool dataFormatFromPath(const QString& path, DataFormat& format);

// Writes the plot as an image (PNG, PDF or SVG by extension). A PNG is exactly width × height pixels; `scale` is its
// device pixel ratio: the plot is laid out at width/scale × height/scale, so scale 2 draws text and lines twice as
// many pixels thick (sharp slides). PDF and SVG are that same layout as vector graphics. Width or height 0: the
// widget's size times `scale`. Returns false with a message in `error` when the format is unknown, the scale is
// not positive or the file cannot be written.
bool exportImage(
    PlotView& plot, const QString& path, QString* error, int width = 0, int height = 0, double scale = 2.0);

// The window's image export (issue 16): how big the image is and how big its text. The image shows the plot as laid
// out on screen (its size W × H, the window's zoom z):
//  - OnScreen: exactly what is shown, W × H pixels, text at the window's zoom;
//  - Percent100/150/200: that layout with its text at 100 %, 150 % or 200 % of its unzoomed size, so the image is
//    W·s/z × H·s/z pixels (at zoom 100 %: 1, 1.5, 2 times the on-screen size);
//  - PixelSize: exactly the given pixels, laid out at that size with the text as on screen (the window's zoom).
enum class ImageScale { OnScreen, Percent100, Percent150, Percent200, PixelSize };
struct ImageExportGeometry {
    QSize pixels;  // the PNG's size; the PDF's and SVG's layout is pixels / pixelRatio
    double pixelRatio = 1;  // exportImage's `scale`
};
ImageExportGeometry imageExportGeometry(const PlotView& plot, ImageScale scale, const QSize& pixelSize = {});
// Writes the image for that choice; false with a message (unknown format, a layout under 50 pixels, not writable).
bool exportImage(PlotView& plot, const QString& path, QString* error, ImageScale scale, const QSize& pixelSize = {});

// The parameters every exported series carries (issue 16, item 12), by the CSV columns of parameterCsvHeader(), in
// one place for every view: a trained configuration (its solver and seeds) or a state-evolution computation
// (solver "state_evolution"; the quadratic SE's GOE seed as its seed). A field a series does not have stays empty in
// the CSV and null in the JSON (the width p of the state evolution, the seeds of the closed-form diagram). The CSV
// carries what defines the problem; the JSON object adds the computation's own settings (`extra`).
struct ExportParameters {
    QString model;  // "quadratic" / "diagonal"
    long long d = -1, p = -1, n = -1;
    double nEff = std::numeric_limits<double>::quiet_NaN();
    double lambda = std::numeric_limits<double>::quiet_NaN();
    double gamma = std::numeric_limits<double>::quiet_NaN();
    double noise = std::numeric_limits<double>::quiet_NaN();  // Δ
    QString amplitudes;  // the teacher's: "gaussian", "deterministic" or "explicit" (a given teacher)
    QString solver;
    QVector<qulonglong> seeds;
    QJsonObject extra;  // JSON only: e.g. the SE's GOE sample count, the diagram's crossover margin
};

// A trained configuration; `n` is the sample size of the row (a grid point), or the configuration's own when < 0;
// `seeds` empty: the configuration's own seeds.
ExportParameters exportParameters(
    const app::ExperimentConfig& config, const QVector<qulonglong>& seeds = {}, long long n = -1);
// The state evolution of `model` at (n_eff, λ); either may be NaN where the row or series varies it. n is n_eff's
// sample size (n = n_eff·d for the quadratic model).
ExportParameters exportParameters(const StateEvolutionModel& model, double nEff, double lambda);

QString parameterCsvHeader();  // "model,d,p,n,n_eff,lambda,gamma,noise_delta,amplitudes,solver,seeds"
QString parameterCsvValues(const ExportParameters& parameters);
QString parameterCsvValues(const app::ExperimentConfig& config, const QVector<qulonglong>& seeds, long long n = -1);
// The same fields under the CSV's column names (seeds as strings: 64-bit), plus `extra`.
QJsonObject parameterJson(const ExportParameters& parameters);

// The description of a series that is not a configuration's (a weight file's tensor), as extra CSV columns in key
// order: ",key1,key2" and ",value1,value2" (text quoted where it holds a comma or a quote); empty for an empty one.
QString sourceCsvHeader(const QJsonObject& source);
QString sourceCsvValues(const QJsonObject& source);

// Writes the plot's data (CSV or JSON by extension).
bool exportData(const PlotView& plot, const QString& path, QString* error);

}  // namespace sl::ui
