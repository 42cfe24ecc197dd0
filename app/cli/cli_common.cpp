// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli_common.h"

#include "core/common/compute_threads.h"
#include "core/io/matrix_reader.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace sl::cli {

Options::Options(QString command, QString synopsis, QString description)
    : m_command(std::move(command)), m_synopsis(std::move(synopsis)), m_description(std::move(description))
{
    flag(QStringLiteral("help"), QStringLiteral("Show this help and exit."));
    flag(QStringLiteral("json"), QStringLiteral("Machine-readable JSON output."));
    value(QStringLiteral("output"), QStringLiteral("FILE"),
        QStringLiteral("Write the output to FILE instead of stdout."));
    value(QStringLiteral("store"), QStringLiteral("PATH"),
        QStringLiteral("Results store (SQLite file) that runs are saved to or read from."));
}

void Options::value(const QString& name, const QString& valueName, const QString& help)
{
    m_specs.append(Spec{name, valueName, help, true});
}

void Options::flag(const QString& name, const QString& help)
{
    m_specs.append(Spec{name, QString(), help, false});
}

const Options::Spec* Options::find(const QString& name) const
{
    for (const Spec& s : m_specs) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

void Options::parse(const QStringList& arguments)
{
    bool onlyPositional = false;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (onlyPositional || !arg.startsWith(QLatin1Char('-')) || arg == QLatin1String("-")) {
            m_positional.append(arg);
            continue;
        }
        if (arg == QLatin1String("--")) {
            onlyPositional = true;
            continue;
        }
        if (arg == QLatin1String("-h")) {
            m_help = true;
            continue;
        }
        if (!arg.startsWith(QLatin1String("--")))
            throw UsageError{QStringLiteral("unknown option '%1' (see %2 --help)").arg(arg, m_command)};
        QString name = arg.mid(2);
        QString value;
        bool inlineValue = false;
        const int eq = name.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            inlineValue = true;
        }
        const Spec* spec = find(name);
        if (!spec)
            throw UsageError{QStringLiteral("unknown option '--%1' (see %2 --help)").arg(name, m_command)};
        if (name == QLatin1String("help")) {
            m_help = true;
            continue;
        }
        if (!spec->takesValue) {
            if (inlineValue)
                throw UsageError{QStringLiteral("option '--%1' takes no value").arg(name)};
        } else if (!inlineValue) {
            if (i + 1 >= arguments.size())
                throw UsageError{QStringLiteral("option '--%1' needs a value (%2)").arg(name, spec->valueName)};
            value = arguments[++i];
        }
        if (m_values.contains(name))
            throw UsageError{QStringLiteral("option '--%1' is given twice").arg(name)};
        m_values.insert(name, value);
    }
}

QString Options::helpText() const
{
    QString out;
    QTextStream s(&out);
    s << "Usage: scalinglab-cli " << m_command << ' ' << m_synopsis << "\n\n" << m_description << "\n\nOptions:\n";
    int width = 0;
    QStringList left;
    for (const Spec& spec : m_specs) {
        QString l = QStringLiteral("  --") + spec.name;
        if (spec.takesValue)
            l += QLatin1Char(' ') + spec.valueName;
        left.append(l);
        width = std::max(width, int(l.size()));
    }
    for (int i = 0; i < m_specs.size(); ++i)
        s << left[i].leftJustified(width + 2) << m_specs[i].help << '\n';
    if (!m_epilogue.isEmpty())
        s << '\n' << m_epilogue << (m_epilogue.endsWith('\n') ? "" : "\n");
    s << "\nExit codes: 0 success, 1 failed run, 2 bad usage or input.\n";
    return out;
}

QString Options::text(const QString& name, const QString& fallback) const
{
    return m_values.value(name, fallback);
}

double Options::number(const QString& name, double fallback, double min, double max) const
{
    if (!has(name))
        return fallback;
    bool ok = false;
    const double x = m_values.value(name).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(x))
        throw UsageError{QStringLiteral("--%1: expected a number, got '%2'").arg(name, m_values.value(name))};
    if (x < min || x > max)
        throw UsageError{QStringLiteral("--%1: must be between %2 and %3 (got %4)")
                             .arg(name, QString::number(min), QString::number(max), QString::number(x))};
    return x;
}

long long Options::integer(const QString& name, long long fallback, long long min, long long max) const
{
    if (!has(name))
        return fallback;
    bool ok = false;
    const QString v = m_values.value(name).trimmed();
    long long x = v.toLongLong(&ok);
    if (!ok) {
        // Accept "1e4" and "2000.0" when they are whole numbers.
        const double y = v.toDouble(&ok);
        if (!ok || !std::isfinite(y) || y != std::floor(y) || std::abs(y) > 9e15)
            throw UsageError{QStringLiteral("--%1: expected a whole number, got '%2'").arg(name, v)};
        x = (long long)y;
    }
    if (x < min || x > max)
        throw UsageError{QStringLiteral("--%1: must be between %2 and %3 (got %4)").arg(name).arg(min).arg(max).arg(x)};
    return x;
}

QString Options::choice(const QString& name, const QStringList& choices, const QString& fallback) const
{
    if (!has(name))
        return fallback;
    const QString v = m_values.value(name);
    if (!choices.contains(v))
        throw UsageError{
            QStringLiteral("--%1: must be one of %2 (got '%3')").arg(name, choices.join(QStringLiteral(", ")), v)};
    return v;
}

std::vector<double> Options::numberList(const QString& name, double min, double max) const
{
    std::vector<double> out;
    if (!has(name))
        return out;
    for (const QString& part : m_values.value(name).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double x = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(x))
            throw UsageError{
                QStringLiteral("--%1: expected comma-separated numbers, got '%2'").arg(name, m_values.value(name))};
        if (x < min || x > max)
            throw UsageError{QStringLiteral("--%1: every value must be between %2 and %3 (got %4)")
                                 .arg(name, QString::number(min), QString::number(max), QString::number(x))};
        out.push_back(x);
    }
    if (out.empty())
        throw UsageError{QStringLiteral("--%1: needs at least one number").arg(name)};
    return out;
}

void Options::requirePositional(int count, const QString& what) const
{
    if (m_positional.size() < count)
        throw UsageError{QStringLiteral("missing %1 (see %2 --help)").arg(what, m_command)};
    if (m_positional.size() > count)
        throw UsageError{
            QStringLiteral("unexpected argument '%1' (see %2 --help)").arg(m_positional.at(count), m_command)};
}

void Options::exclusive(const QStringList& names) const
{
    QStringList given;
    for (const QString& n : names) {
        if (has(n))
            given.append(QStringLiteral("--") + n);
    }
    if (given.size() > 1)
        throw UsageError{QStringLiteral("%1 cannot be used together").arg(given.join(QStringLiteral(" and ")))};
}

QJsonValue jsonNumber(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

QJsonArray jsonArray(const Eigen::VectorXd& values)
{
    QJsonArray out;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        out.append(jsonNumber(values[i]));
    return out;
}

QJsonArray jsonArray(const std::vector<double>& values)
{
    QJsonArray out;
    for (double v : values)
        out.append(jsonNumber(v));
    return out;
}

QJsonArray jsonMatrix(const Eigen::MatrixXd& matrix)
{
    QJsonArray out;
    for (Eigen::Index i = 0; i < matrix.rows(); ++i)
        out.append(jsonArray(Eigen::VectorXd(matrix.row(i).transpose())));
    return out;
}

QByteArray jsonText(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

QString formatNumber(double value, int precision)
{
    if (!std::isfinite(value))
        return std::isnan(value) ? QStringLiteral("-") : (value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf"));
    return QString::number(value, 'g', precision);
}

QString formatTable(const QList<QStringList>& rows)
{
    QVector<int> widths;
    for (const QStringList& row : rows) {
        if (widths.size() < row.size())
            widths.resize(row.size());
        for (int c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], int(row[c].size()));
    }
    QString out;
    for (const QStringList& row : rows) {
        QString line;
        for (int c = 0; c < row.size(); ++c)
            line += (c + 1 < row.size() ? row[c].leftJustified(widths[c] + 2) : row[c]);
        out += line + QLatin1Char('\n');
    }
    return out;
}

void addTableFormatOption(Options& options)
{
    options.value(QStringLiteral("format"), QStringLiteral("json|csv|table"),
        QStringLiteral("Output format (default: table, json with --json, csv for an --output *.csv)."));
}

QString tableFormat(const Options& options)
{
    QString format = QStringLiteral("table");
    if (options.json())
        format = QStringLiteral("json");
    else if (options.outputPath().endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        format = QStringLiteral("csv");
    format = options.choice(
        QStringLiteral("format"), {QStringLiteral("json"), QStringLiteral("csv"), QStringLiteral("table")}, format);
    if (options.json() && format != QLatin1String("json"))
        throw UsageError{QStringLiteral("--json and --format %1 disagree").arg(format)};
    return format;
}

QString formatPairs(const QList<QPair<QString, QString>>& pairs)
{
    int width = 0;
    for (const auto& p : pairs)
        width = std::max(width, int(p.first.size()));
    QString out;
    for (const auto& p : pairs)
        out += p.first.leftJustified(width + 2) + p.second + QLatin1Char('\n');
    return out;
}

void writeOutput(const Options& options, const QByteArray& text)
{
    const QString path = options.outputPath();
    if (path.isEmpty() || path == QLatin1String("-")) {
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        std::fflush(stdout);
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        throw RunError{QStringLiteral("cannot write '%1': %2").arg(path, file.errorString())};
}

void present(const Options& options, const QJsonObject& json, const QString& human)
{
    writeOutput(options, options.json() ? jsonText(json) : human.toUtf8());
}

// core/io names missing files and directories itself ("…: is a directory, not a file").
QByteArray readTextFile(const QString& path)
{
    try {
        return QByteArray::fromStdString(sl::io::readFileBytes(path.toStdString()));
    } catch (const sl::io::ReadError& e) {
        throw UsageError{QString::fromUtf8(e.what())};
    }
}

QJsonObject readJsonObjectFile(const QString& path, const QString& notAnObject)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(readTextFile(path), &error);
    if (error.error != QJsonParseError::NoError)
        throw UsageError{QStringLiteral("%1: not valid JSON at character %2: %3")
                             .arg(path)
                             .arg(error.offset)
                             .arg(error.errorString())};
    if (!doc.isObject())
        throw UsageError{QStringLiteral("%1: %2").arg(path, notAnObject)};
    return doc.object();
}

Eigen::MatrixXd readMatrix(const QString& path)
{
    try {
        return sl::io::readMatrixFile(path.toStdString());
    } catch (const sl::io::ReadError& e) {
        throw UsageError{QString::fromUtf8(e.what())};
    }
}

Eigen::VectorXd readNumbers(const QString& path, const QString& column)
{
    try {
        return sl::io::readNumbersFile(path.toStdString(), column.toStdString());
    } catch (const sl::io::ReadError& e) {
        throw UsageError{QString::fromUtf8(e.what())};
    }
}

namespace {

// The flag the signal handler sets. A plain pointer to the token's atomic would need CancelToken internals, so the
// handler holds a pointer to a token that lives for the whole process; cancel() is one relaxed atomic store.
const sl::CancelToken* g_interrupt = nullptr;

extern "C" void onInterrupt(int)
{
    if (g_interrupt)
        g_interrupt->cancel();
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

}  // namespace

const sl::CancelToken& interruptToken()
{
    static const sl::CancelToken token;
    return token;
}

void installInterruptHandler()
{
    g_interrupt = &interruptToken();
    std::signal(SIGINT, onInterrupt);
}

ProgressBar::ProgressBar(const Options& options, const QString& label, long long total)
    : m_enabled(!options.json() && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) && total > 0),
      m_label(label),
      m_total(total)
{
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(long long done, const QString& note)
{
    if (!m_enabled || done == m_lastDone)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (done < m_total && now - m_lastDraw < 100)
        return;  // at most 10 redraws a second
    m_lastDraw = now;
    m_lastDone = done;
    constexpr int kWidth = 30;
    const double fraction = std::clamp(double(done) / double(m_total), 0.0, 1.0);
    const int filled = int(fraction * kWidth);
    const QString bar = QString(filled, QLatin1Char('#')) + QString(kWidth - filled, QLatin1Char('.'));
    const QByteArray line
        = QStringLiteral("\r%1 [%2] %3/%4 %5\x1b[K").arg(m_label, bar).arg(done).arg(m_total).arg(note).toUtf8();
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_enabled && m_drawn) {
        std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
    }
    m_drawn = false;
}

}  // namespace sl::cli
