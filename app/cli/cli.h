// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace sl::cli {

// Exit codes shared by every sub-command.
enum ExitCode { kSuccess = 0, kRunFailed = 1, kBadUsage = 2 };

// Runs scalinglab-cli with the full argument list (argv[0] first); returns the process exit code.
int run(const QStringList& arguments);

}  // namespace sl::cli
