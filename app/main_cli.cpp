// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    return sl::cli::run(QCoreApplication::arguments());
}
