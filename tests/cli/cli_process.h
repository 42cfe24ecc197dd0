// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs the real scalinglab-cli executable (SCALINGLAB_CLI_PATH) the way a user or a script does.

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QStringLiteral>
#include <QTest>

#include <Eigen/Dense>

namespace sl::test {

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
        if (error.error != QJsonParseError::NoError)
            qWarning("not JSON: %s\n%s", qPrintable(error.errorString()), out.left(400).constData());
        return doc.object();
    }
    // Exactly one line on stderr (the CLI's error contract).
    bool oneErrorLine() const { return err.count('\n') == 1 && err.endsWith('\n'); }
};

inline CliRun runCli(const QStringList& arguments, const QString& workingDirectory = {}, int timeoutMs = 60000)
{
    QProcess process;
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(QStringLiteral(SCALINGLAB_CLI_PATH), arguments);
    CliRun run;
    if (!process.waitForStarted(10000) || !process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

inline void writeText(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

// Exact decimal text of a double (17 significant digits round-trip).
inline QByteArray exact(double x)
{
    return QByteArray::number(x, 'g', 17);
}

inline QByteArray matrixCsv(const Eigen::MatrixXd& m)
{
    QByteArray out;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            out += (j ? "," : "") + exact(m(i, j));
        out += '\n';
    }
    return out;
}

inline Eigen::VectorXd toVector(const QJsonArray& array)
{
    Eigen::VectorXd v(array.size());
    for (int i = 0; i < array.size(); ++i)
        v[i] = array[i].toDouble();
    return v;
}

}  // namespace sl::test
