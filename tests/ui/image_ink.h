// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Ink measured in an exported image: how tests check that text grows with the export or zoom scale.

#include <QColor>
#include <QImage>
#include <functional>

namespace sl::tests {

// Text ink: dark in every channel (the plots' black and dark-grey text; not the Okabe–Ito curve colours).
inline bool darkInk(QColor c)
{
    return c.red() < 110 && c.green() < 110 && c.blue() < 110;
}

// The first band of rows from the top that holds pixels matching `ink`: its height in pixels (0: none).
inline int firstInkBandHeight(const QImage& image, const std::function<bool(QColor)>& ink = darkInk)
{
    auto rowHasInk = [&](int y) {
        for (int x = 0; x < image.width(); ++x)
            if (ink(image.pixelColor(x, y)))
                return true;
        return false;
    };
    int y = 0;
    while (y < image.height() && !rowHasInk(y))
        ++y;
    const int top = y;
    while (y < image.height() && rowHasInk(y))
        ++y;
    return y - top;
}

}  // namespace sl::tests
