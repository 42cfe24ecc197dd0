// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace sl::cli {

// Exit codes shared by every sub-command.
enum ExitCode { kSuccess = 0, kRunFailed = 1, kBadUsage = 2 };

// A sub-command: gets its own arguments (after the command name) and returns the exit code. It may throw
// UsageError (exit 2) or RunError (exit 1) from app/cli/cli_common.h; run() prints their one line.
using CommandHandler = std::function<int(const QStringList& arguments)>;

// Adds a sub-command (or replaces one of the same name). main_cli.cpp adds `render`, the only one that needs
// Qt Widgets (it draws the GUI's plots offscreen), so scalinglab_app itself stays free of widgets.
void registerCommand(const QString& name, const QString& summary, const CommandHandler& handler);

// Runs scalinglab-cli with the full argument list (argv[0] first); returns the process exit code.
int run(const QStringList& arguments);

// The top-level --help text (also in the README).
QString usage();

}  // namespace sl::cli
