// SPDX-License-Identifier: GPL-3.0-or-later
#include "scalinglab/version.h"
#include "ui/main_window.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Scaling Lab");
    QApplication::setOrganizationName("ScalingLab");
    QApplication::setApplicationVersion(sl::kVersion);
    sl::ui::MainWindow window;
    window.show();
    return app.exec();
}
