// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QSlider;

namespace sl::ui {

// A slider paired with a spin box for one number. With a log scale the slider moves in equal ratios, for
// quantities that span decades (λ, n_eff, d). The slider is a coarse handle; the spin box shows the value to its
// decimals. A value set programmatically (a preset, a session: λ = 1/24, √24) is kept exactly, not rounded to the
// decimals shown, until the user edits it: the configuration read back is the one that was loaded.
class SliderSpinBox : public QWidget {
    Q_OBJECT

public:
    enum class Scale { Linear, Log };

    SliderSpinBox(double minimum, double maximum, double value, Scale scale, int decimals, QWidget* parent = nullptr);

    double value() const;
    void setValue(double value);
    void setRange(double minimum, double maximum);
    double minimum() const { return m_minimum; }
    double maximum() const { return m_maximum; }
    // Integer quantities (d, p, n) show no decimals and round.
    void setIntegral(bool integral);
    QDoubleSpinBox* spinBox() const { return m_spin; }
    QSlider* slider() const { return m_slider; }

signals:
    void valueChanged(double value);

private:
    int toSlider(double value) const;
    double fromSlider(int position) const;

    static constexpr int kSteps = 1000;
    double m_minimum, m_maximum;
    Scale m_scale;
    bool m_integral = false;
    bool m_updating = false;
    double m_exact = 0;  // value(): exactly what setValue() was given, or what the user entered
    QSlider* m_slider;
    QDoubleSpinBox* m_spin;
};

}  // namespace sl::ui
