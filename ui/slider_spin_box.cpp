// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/slider_spin_box.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

namespace sl::ui {

SliderSpinBox::SliderSpinBox(double minimum, double maximum, double value, Scale scale, int decimals, QWidget* parent)
    : QWidget(parent),
      m_minimum(minimum),
      m_maximum(maximum),
      m_scale(scale),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_spin(new QDoubleSpinBox(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_slider, 3);
    layout->addWidget(m_spin, 2);
    m_slider->setRange(0, kSteps);
    m_spin->setDecimals(decimals);
    m_spin->setRange(minimum, maximum);
    m_spin->setKeyboardTracking(false);
    if (scale == Scale::Log)
        m_spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    setValue(value);

    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        if (m_updating)
            return;
        m_updating = true;
        m_spin->setValue(fromSlider(position));
        m_exact = m_spin->value();
        m_updating = false;
        emit valueChanged(m_exact);
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_updating)
            return;
        m_updating = true;
        m_slider->setValue(toSlider(v));
        m_exact = v;
        m_updating = false;
        emit valueChanged(v);
    });
}

double SliderSpinBox::value() const
{
    return m_exact;
}

void SliderSpinBox::setValue(double value)
{
    const QSignalBlocker blockSpin(m_spin);
    const QSignalBlocker blockSlider(m_slider);
    const double v = std::clamp(m_integral ? std::round(value) : value, m_minimum, m_maximum);
    m_spin->setValue(v);
    m_slider->setValue(toSlider(v));
    m_exact = std::isfinite(v) ? v : m_spin->value();
}

void SliderSpinBox::setRange(double minimum, double maximum)
{
    const double current = value();
    m_minimum = minimum;
    m_maximum = maximum;
    {
        const QSignalBlocker block(m_spin);
        m_spin->setRange(minimum, maximum);
    }
    setValue(current);
}

void SliderSpinBox::setIntegral(bool integral)
{
    m_integral = integral;
    m_spin->setDecimals(integral ? 0 : m_spin->decimals());
    if (integral)
        m_spin->setSingleStep(1);
}

int SliderSpinBox::toSlider(double value) const
{
    double t;
    if (m_scale == Scale::Log)
        t = std::log(value / m_minimum) / std::log(m_maximum / m_minimum);
    else
        t = (value - m_minimum) / (m_maximum - m_minimum);
    return int(std::lround(std::clamp(t, 0.0, 1.0) * kSteps));
}

double SliderSpinBox::fromSlider(int position) const
{
    const double t = double(position) / kSteps;
    double v = m_scale == Scale::Log ? m_minimum * std::pow(m_maximum / m_minimum, t)
                                     : m_minimum + t * (m_maximum - m_minimum);
    if (m_integral)
        v = std::round(v);
    else if (m_scale == Scale::Log) {
        // Keep three significant digits so dragged values read cleanly (0.0123, 4.56, 789).
        const double magnitude = std::pow(10.0, std::floor(std::log10(v)) - 2);
        v = std::round(v / magnitude) * magnitude;
    }
    return std::clamp(v, m_minimum, m_maximum);
}

}  // namespace sl::ui
