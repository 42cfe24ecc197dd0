// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli.h"

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/common/validation.h"
#include "core/io/matrix_reader.h"

#include "scalinglab/version.h"

#include <QTextStream>

#include <algorithm>
#include <exception>
#include <vector>

namespace sl::cli {
namespace {

struct Command {
    QString name;
    QString summary;
    CommandHandler handler;
};

std::vector<Command>& registry()
{
    static std::vector<Command> commands{
        {QStringLiteral("train"), QStringLiteral("Train one experiment (network or convex solver)."), runTrain},
        {QStringLiteral("curve"), QStringLiteral("Excess risk against n (or n_eff) over seeds, with the fitted slope."),
            runCurve},
        {QStringLiteral("theory"), QStringLiteral("Phase, rate exponents and the state-evolution prediction."),
            runTheory},
        {QStringLiteral("phase"), QStringLiteral("The phase diagram on a grid (JSON or CSV) with its boundary lines."),
            runPhase},
        {QStringLiteral("fit-tail"), QStringLiteral("Power-law tail fit of numbers or of a matrix's spectrum."),
            runFitTail},
        {QStringLiteral("analyze-weights"),
            QStringLiteral("Spectrum, tail fit and phase reading of the weight matrices in your file."),
            runAnalyzeWeights},
        {QStringLiteral("solve"), QStringLiteral("LASSO or nuclear-norm sensing on your own data."), runSolve},
        {QStringLiteral("sweep"), QStringLiteral("A grid of experiments: locally, or as jobs for GNU parallel/Slurm."),
            runSweep},
        {QStringLiteral("merge"), QStringLiteral("Load result JSON files (from sweep jobs) into the store."), runMerge},
        {QStringLiteral("exponents"),
            QStringLiteral("Exponents of R in d measured from the state evolution vs Result 1, on a grid."),
            runExponents},
        {QStringLiteral("lambda-curve"),
            QStringLiteral("Excess risk against λ at fixed n (= curve --over lambda), with the SE's optimal λ."),
            runLambdaCurve},
        {QStringLiteral("optimal-curve"),
            QStringLiteral("SE risk at the optimal λ along n_eff, against the Bayes-optimal risk."), runOptimalCurve},
        {QStringLiteral("se-phase"),
            QStringLiteral("The phase diagram from the state evolution (slope map; default Δ = 0, Result 4)."),
            runSePhase},
    };
    return commands;
}

}  // namespace

void registerCommand(const QString& name, const QString& summary, const CommandHandler& handler)
{
    for (Command& c : registry()) {
        if (c.name == name) {
            c = Command{name, summary, handler};
            return;
        }
    }
    registry().push_back(Command{name, summary, handler});
}

QString usage()
{
    QString out;
    QTextStream s(&out);
    s << "Usage: scalinglab-cli [--help] [--version] <command> [options]\n"
         "\n"
         "Scaling Lab, headless: experiments on the scaling laws and weight spectra of shallow networks\n"
         "(quadratic and diagonal) trained with weight decay.\n"
         "\n"
         "Commands:\n";
    int width = 0;
    for (const Command& c : registry())
        width = std::max(width, int(c.name.size()) + 2);
    for (const Command& c : registry())
        s << "  " << c.name.leftJustified(width) << c.summary << '\n';
    s << "\n"
         "Every command takes --help, --json (machine-readable output), --output FILE and --store PATH.\n"
         "Exit codes: 0 success, 1 failed run, 2 bad usage or input. Ctrl-C stops cleanly, keeping finished results.\n"
         "\n"
         "Options:\n"
         "  -h, --help     Show this help and exit.\n"
         "  -v, --version  Show the version and the paper it implements, and exit.\n";
    return out;
}

int run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = arguments.mid(1);
    if (args.isEmpty() || args.first() == "--help" || args.first() == "-h" || args.first() == "help") {
        if (args.size() >= 2 && args.first() == "help")
            return run({arguments.first(), args.at(1), QStringLiteral("--help")});
        (args.isEmpty() ? err : out) << usage();
        return args.isEmpty() ? kBadUsage : kSuccess;
    }
    if (args.first() == "--version" || args.first() == "-v") {
        out << "scalinglab-cli " << kVersion << "\n" << kPaperReference << "\n";
        return kSuccess;
    }
    const Command* command = nullptr;
    for (const Command& c : registry()) {
        if (c.name == args.first())
            command = &c;
    }
    if (!command) {
        err << "scalinglab-cli: unknown command '" << args.first() << "' (see --help)\n";
        return kBadUsage;
    }
    const QString prefix = QStringLiteral("scalinglab-cli ") + command->name + QStringLiteral(": ");
    installInterruptHandler();
    try {
        return command->handler(args.mid(1));
    } catch (const UsageError& e) {
        err << prefix << e.message << '\n';
        return kBadUsage;
    } catch (const RunError& e) {
        err << prefix << e.message << '\n';
        return kRunFailed;
    } catch (const sl::io::ReadError& e) {
        err << prefix << e.what() << '\n';
        return kBadUsage;
    } catch (const sl::ValidationError& e) {
        err << prefix << e.what() << '\n';
        return kBadUsage;
    } catch (const std::bad_alloc&) {
        err << prefix << "out of memory\n";
        return kRunFailed;
    } catch (const std::exception& e) {
        err << prefix << "internal error: " << e.what() << '\n';
        return kRunFailed;
    }
}

}  // namespace sl::cli
