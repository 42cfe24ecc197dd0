// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/parameter_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

namespace sl::ui {

ParameterPanel::ParameterPanel(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    auto* model = new QComboBox(this);
    model->setObjectName("model");
    model->addItems({tr("Quadratic network"), tr("Diagonal network")});
    model->setToolTip(
        tr("Quadratic: f = (|W^T x|^2 - |W|_F^2)/sqrt(d) (DIGEST 1b). Diagonal: f = sum a_i w_i x_i/sqrt(d) "
           "(DIGEST 1a)."));
    form->addRow(tr("Model"), model);

    auto* dimension = new QSpinBox(this);
    dimension->setObjectName("dimension");
    dimension->setRange(2, 4000);
    dimension->setValue(50);
    dimension->setToolTip(tr("Input dimension d"));
    form->addRow(tr("d"), dimension);
}

}  // namespace sl::ui
