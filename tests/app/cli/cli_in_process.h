// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs scalinglab-cli's commands in this process (sl::cli::run), so that a test can use in-process fault hooks
// such as ResultStore::setMaxPageCountForTesting, which a child process would not see. stderr is captured
// through a temporary file swapped in for file descriptor 2; --output FILE carries the command's output.
#include "app/cli/cli.h"
#include "tests/app/store/full_store.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>
#include <QTemporaryFile>

#include <cstdio>
#include <unistd.h>

namespace sl::test {

struct InProcessRun {
    int exitCode = -1;
    QString err;
};

inline InProcessRun runCliInProcess(const QStringList& arguments)
{
    InProcessRun out;
    QTemporaryFile capture;
    if (!capture.open())
        return out;
    std::fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    dup2(capture.handle(), STDERR_FILENO);
    out.exitCode = sl::cli::run(QStringList{QStringLiteral("scalinglab-cli")} + arguments);
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    QFile read(capture.fileName());
    if (read.open(QIODevice::ReadOnly))
        out.err = QString::fromUtf8(read.readAll());
    return out;
}

}  // namespace sl::test
