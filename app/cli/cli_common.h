// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/cancel_token.h"

#include <Eigen/Dense>
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace sl::cli {

// Bad usage (unknown option, missing or out-of-range value, unreadable or malformed input): exit code 2, one line.
struct UsageError {
    QString message;
};
// A run that was started and failed: exit code 1, one line.
struct RunError {
    QString message;
};

// A sub-command's options. Values are given as `--name value` or `--name=value`; anything else not starting with
// "--" is positional. Every command gets --help, --json, --output FILE and --store PATH (CLI contract, issue 9).
class Options {
public:
    Options(QString command, QString synopsis, QString description);

    // An option with a value (valueName shown in the help), or a flag.
    void value(const QString& name, const QString& valueName, const QString& help);
    void flag(const QString& name, const QString& help);
    // A free text section appended to the help (e.g. the file formats).
    void epilogue(const QString& text) { m_epilogue = text; }

    // Throws UsageError for an unknown option, a missing value, or a repeated option.
    void parse(const QStringList& arguments);
    bool helpRequested() const { return m_help; }
    QString helpText() const;

    bool has(const QString& name) const { return m_values.contains(name); }
    QString text(const QString& name, const QString& fallback = {}) const;
    // Checked conversions; the UsageError names the option and the accepted range.
    double number(const QString& name, double fallback, double min, double max) const;
    long long integer(const QString& name, long long fallback, long long min, long long max) const;
    QString choice(const QString& name, const QStringList& choices, const QString& fallback) const;
    // A comma-separated list of numbers, e.g. "0.01,0.1,1".
    std::vector<double> numberList(const QString& name, double min, double max) const;
    const QStringList& positional() const { return m_positional; }
    // Throws UsageError unless exactly `count` positional arguments were given (`what` names them).
    void requirePositional(int count, const QString& what) const;
    // At most one of these options may be given.
    void exclusive(const QStringList& names) const;

    bool json() const { return has(QStringLiteral("json")); }
    QString outputPath() const { return text(QStringLiteral("output")); }
    QString storePath() const { return text(QStringLiteral("store")); }
    const QString& command() const { return m_command; }

private:
    struct Spec {
        QString name, valueName, help;
        bool takesValue = false;
    };
    const Spec* find(const QString& name) const;

    QString m_command, m_synopsis, m_description, m_epilogue;
    QList<Spec> m_specs;
    QMap<QString, QString> m_values;
    QStringList m_positional;
    bool m_help = false;
};

// JSON number, or null when not finite (JSON has no NaN).
QJsonValue jsonNumber(double value);
QJsonArray jsonArray(const Eigen::VectorXd& values);
QJsonArray jsonArray(const std::vector<double>& values);
QJsonArray jsonMatrix(const Eigen::MatrixXd& matrix);  // list of rows
QByteArray jsonText(const QJsonObject& object);  // indented, ending in a newline

// Short human-readable number ("-" for NaN).
QString formatNumber(double value, int precision = 6);
// Aligned columns; the first row is the header.
QString formatTable(const QList<QStringList>& rows);
// "key   value" lines, aligned.
QString formatPairs(const QList<QPair<QString, QString>>& pairs);

// The --format option of the commands that write a table three ways (json|csv|table), and its value: table by
// default, json with --json, csv for an --output *.csv; --json with another --format is a UsageError.
void addTableFormatOption(Options& options);
QString tableFormat(const Options& options);

// Writes the command's output to --output FILE or stdout; throws RunError when the file cannot be written.
void writeOutput(const Options& options, const QByteArray& text);
// The JSON on stdout/--output with --json, the human-readable text otherwise.
void present(const Options& options, const QJsonObject& json, const QString& human);

// Reads a whole file as text; throws UsageError naming the file when it cannot be read.
QByteArray readTextFile(const QString& path);
// Reads a file holding one JSON object; throws UsageError naming the file and the parse error's position, or
// "PATH: notAnObject" when the JSON is valid but not an object.
QJsonObject readJsonObjectFile(const QString& path, const QString& notAnObject);
// Matrices and numbers through core/io, with ReadError turned into UsageError.
Eigen::MatrixXd readMatrix(const QString& path);
Eigen::VectorXd readNumbers(const QString& path, const QString& column = {});

// Ctrl-C: the first SIGINT cancels this token (async-signal-safe: one atomic store) so the command stops
// cleanly and keeps finished results; a second SIGINT kills the process the default way.
const sl::CancelToken& interruptToken();
void installInterruptHandler();

// A one-line progress bar on stderr, shown only when stdout is a terminal and the output is not --json.
class ProgressBar {
public:
    ProgressBar(const Options& options, const QString& label, long long total);
    ~ProgressBar();
    void update(long long done, const QString& note = {});
    void finish();
    bool enabled() const { return m_enabled; }

private:
    bool m_enabled = false;
    QString m_label;
    long long m_total = 0;
    long long m_lastDone = -1;
    qint64 m_lastDraw = 0;
    bool m_drawn = false;
};

}  // namespace sl::cli
