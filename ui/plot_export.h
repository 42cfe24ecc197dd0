// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/experiment/experiment_config.h"

#include <QString>
#include <QVector>

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

// The parameters every exported series carries (issue 16, item 12): the CSV columns and their values for one
// configuration. `n` is the sample size of the row (the grid point), or the configuration's own when < 0.
QString parameterCsvHeader();  // "model,d,p,n,n_eff,lambda,gamma,noise_delta,amplitudes,solver,seeds"
QString parameterCsvValues(const app::ExperimentConfig& config, const QVector<qulonglong>& seeds, long long n = -1);

// Writes the plot's data (CSV or JSON by extension).
bool exportData(const PlotView& plot, const QString& path, QString* error);

}  // namespace sl::ui
