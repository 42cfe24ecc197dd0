// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli.h"

#include "scalinglab/version.h"

#include <QTextStream>

namespace sl::cli {
namespace {

QString usage()
{
    return QStringLiteral(
        "Usage: scalinglab-cli [--help] [--version] <command> [options]\n"
        "\n"
        "Scaling Lab, headless: experiments on the scaling laws and weight spectra of shallow networks\n"
        "(quadratic and diagonal) trained with weight decay.\n"
        "\n"
        "Options:\n"
        "  -h, --help     Show this help and exit.\n"
        "  -v, --version  Show the version and the paper it implements, and exit.\n");
}

}  // namespace

int run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = arguments.mid(1);
    if (args.isEmpty() || args.first() == "--help" || args.first() == "-h" || args.first() == "help") {
        out << usage();
        return args.isEmpty() ? kBadUsage : kSuccess;
    }
    if (args.first() == "--version" || args.first() == "-v") {
        out << "scalinglab-cli " << kVersion << "\n" << kPaperReference << "\n";
        return kSuccess;
    }
    err << "scalinglab-cli: unknown command '" << args.first() << "' (see --help)\n";
    return kBadUsage;
}

}  // namespace sl::cli
