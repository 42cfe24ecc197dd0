// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment/experiment_config.h"

#include "app/experiment/memory_budget.h"
#include "core/common/validation.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>
#include <type_traits>

namespace sl::app {
namespace {

// Seeds travel as JSON numbers (doubles): integers above 2^53 would not survive the round trip.
constexpr double kMaxJsonInteger = 9007199254740992.0;

[[noreturn]] void invalid(const QString& key, const QString& message)
{
    throw sl::ValidationError(key.toStdString(), message.toStdString());
}

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("true/false");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("a list");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

// "weightDecay" -> "weight_decay", "adamBeta1" -> "adam_beta1": core names its parameters in camelCase,
// the JSON in snake_case.
QString snakeCase(const std::string& camel)
{
    QString out;
    for (char c : camel) {
        if (c >= 'A' && c <= 'Z') {
            out += QLatin1Char('_');
            out += QLatin1Char(char(c - 'A' + 'a'));
        } else {
            out += QLatin1Char(c);
        }
    }
    return out;
}

// Reads the fields of one JSON object, each at most once, and refuses keys nobody read.
class ObjectReader {
public:
    ObjectReader(const QJsonObject& object, QString path) : m_object(object), m_path(std::move(path)) { }

    QString key(const QString& name) const { return m_path.isEmpty() ? name : m_path + QLatin1Char('.') + name; }
    bool has(const QString& name)
    {
        m_known.insert(name);
        return m_object.contains(name);
    }
    QJsonValue value(const QString& name)
    {
        m_known.insert(name);
        return m_object.value(name);
    }

    double number(const QString& name, double fallback)
    {
        if (!has(name))
            return fallback;
        const QJsonValue v = m_object.value(name);
        if (!v.isDouble())
            invalid(key(name), QStringLiteral("expected a number, got %1").arg(typeName(v)));
        return v.toDouble();
    }
    long long integer(const QString& name, long long fallback, double minimum, double maximum)
    {
        if (!has(name))
            return fallback;
        return toInteger(key(name), m_object.value(name), minimum, maximum);
    }
    bool boolean(const QString& name, bool fallback)
    {
        if (!has(name))
            return fallback;
        const QJsonValue v = m_object.value(name);
        if (!v.isBool())
            invalid(key(name), QStringLiteral("expected true or false, got %1").arg(typeName(v)));
        return v.toBool();
    }
    QString string(const QString& name, const QString& fallback)
    {
        if (!has(name))
            return fallback;
        const QJsonValue v = m_object.value(name);
        if (!v.isString())
            invalid(key(name), QStringLiteral("expected a string, got %1").arg(typeName(v)));
        return v.toString();
    }
    QJsonObject object(const QString& name)
    {
        if (!has(name))
            return {};
        const QJsonValue v = m_object.value(name);
        if (!v.isObject())
            invalid(key(name), QStringLiteral("expected an object ({...}), got %1").arg(typeName(v)));
        return v.toObject();
    }
    void rejectUnknown() const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it)
            if (!m_known.contains(it.key()))
                invalid(key(it.key()),
                    QStringLiteral("unknown key (check its spelling; known keys here: %1)")
                        .arg(QStringList(m_known.values()).join(QStringLiteral(", "))));
    }

    static long long toInteger(const QString& key, const QJsonValue& v, double minimum, double maximum)
    {
        if (!v.isDouble())
            invalid(key, QStringLiteral("expected a whole number, got %1").arg(typeName(v)));
        const double x = v.toDouble();
        if (!std::isfinite(x) || std::floor(x) != x)
            invalid(key, QStringLiteral("expected a whole number, got %1").arg(x));
        if (x < minimum || x > maximum)
            invalid(key,
                QStringLiteral("must be between %1 and %2 (got %3)")
                    .arg(minimum, 0, 'g', 17)
                    .arg(maximum, 0, 'g', 17)
                    .arg(x, 0, 'g', 17));
        return static_cast<long long>(x);
    }

private:
    const QJsonObject m_object;
    const QString m_path;
    QSet<QString> m_known;
};

template <class Fn>
void prefixed(const QString& prefix, Fn&& fn)
{
    try {
        fn();
    } catch (const sl::ValidationError& e) {
        // Core says "weightDecay: must be >= 0 (...)"; the user wrote "problem.weight_decay".
        std::string what = e.what();
        const std::string head = e.parameter() + ": ";
        if (what.rfind(head, 0) == 0)
            what = what.substr(head.size());
        invalid(prefix + snakeCase(e.parameter()), QString::fromStdString(what));
    }
}

GridSpec readGrid(ObjectReader& parent, const QString& name)
{
    ObjectReader r(parent.object(name), parent.key(name));
    GridSpec grid;
    if (!r.has(QStringLiteral("from")) || !r.has(QStringLiteral("to")) || !r.has(QStringLiteral("points")))
        invalid(parent.key(name), QStringLiteral("a grid needs \"from\", \"to\" and \"points\""));
    grid.from = r.number(QStringLiteral("from"), 0);
    grid.to = r.number(QStringLiteral("to"), 0);
    grid.points = int(r.integer(QStringLiteral("points"), 0, 1, 10000));
    grid.log = r.boolean(QStringLiteral("log"), true);
    r.rejectUnknown();
    return grid;
}

QJsonObject gridJson(const GridSpec& g)
{
    return QJsonObject{{"from", g.from}, {"to", g.to}, {"points", g.points}, {"log", g.log}};
}

// --- The field table of the experiment JSON's "problem" and "train" objects ------------------------------------
// One row per key: how it is read (with ObjectReader's checks and messages) and written. fromJson reads the rows in
// order, so the first bad field reported is the first in the table; toJson writes them with the same JSON types
// as always (whole numbers as JSON integers, n and the seed as doubles), so the canonical JSON and hash are stable.
template <class Struct>
struct JsonField {
    const char* key;
    std::function<void(ObjectReader&, Struct&)> read;
    std::function<QJsonValue(const Struct&)> write;
};

// A whole number in [minimum, maximum], stored as int, long long or uint64 (the latter two written as doubles).
template <class Struct, class T>
JsonField<Struct> wholeNumber(const char* key, T Struct::*member, double minimum, double maximum)
{
    return {key,
        [=](ObjectReader& r, Struct& s) {
            s.*member = T(r.integer(QLatin1String(key), (long long)(s.*member), minimum, maximum));
        },
        [=](const Struct& s) {
            return std::is_same_v<T, int> ? QJsonValue(int(s.*member)) : QJsonValue(double(s.*member));
        }};
}

// Any JSON number (the range is the core validate()'s to check, with its own message).
template <class Struct>
JsonField<Struct> number(const char* key, double Struct::*member)
{
    return {key, [=](ObjectReader& r, Struct& s) { s.*member = r.number(QLatin1String(key), s.*member); },
        [=](const Struct& s) { return QJsonValue(s.*member); }};
}

// An enum spelled by name (sl::toString / sl::fromString); `choices` names the accepted values for the message.
template <class Struct, class E>
JsonField<Struct> choice(const char* key, E Struct::*member, const char* choices)
{
    return {key,
        [=](ObjectReader& r, Struct& s) {
            const QString name = r.string(QLatin1String(key), QLatin1String(sl::toString(s.*member)));
            if (!sl::fromString(name.toStdString(), s.*member))
                invalid(r.key(QLatin1String(key)),
                    QStringLiteral("must be %1 (got \"%2\")").arg(QLatin1String(choices), name));
        },
        [=](const Struct& s) { return QJsonValue(QLatin1String(sl::toString(s.*member))); }};
}

const std::vector<JsonField<sl::ProblemConfig>>& problemFields()
{
    using P = sl::ProblemConfig;
    static const std::vector<JsonField<P>> fields = {
        choice("model", &P::model, "quadratic or diagonal"),
        wholeNumber("dimension", &P::dimension, 0, 1e6),
        wholeNumber("width", &P::width, 0, 1e6),
        wholeNumber("samples", &P::samples, 0, 1e12),
        number("weight_decay", &P::weightDecay),
        number("gamma", &P::gamma),
        number("noise", &P::noise),
        choice("amplitudes", &P::amplitudes, "gaussian or deterministic"),
        wholeNumber("seed", &P::seed, 0, kMaxJsonInteger),
    };
    return fields;
}

const std::vector<JsonField<sl::TrainConfig>>& trainFields()
{
    using T = sl::TrainConfig;
    static const std::vector<JsonField<T>> fields = {
        wholeNumber("max_iterations", &T::maxIterations, 0, 2e9),
        number("gradient_tolerance", &T::gradientTolerance),
        number("loss_change_tolerance", &T::lossChangeTolerance),
        number("learning_rate", &T::learningRate),
        number("momentum", &T::momentum),
        wholeNumber("snapshot_interval", &T::snapshotInterval, 0, 2e9),
        number("init_scale", &T::initScale),
        wholeNumber("lbfgs_memory", &T::lbfgsMemory, 0, 1e6),
        wholeNumber("lbfgs_max_line_search", &T::lbfgsMaxLineSearch, 0, 1e6),
        number("adam_beta1", &T::adamBeta1),
        number("adam_beta2", &T::adamBeta2),
        number("adam_epsilon", &T::adamEpsilon),
        number("divergence_factor", &T::divergenceFactor),
    };
    return fields;
}

// Reads every row of `fields` from the object at `path` of `parent` into `target`, then refuses unknown keys.
template <class Struct>
void readFields(ObjectReader& parent, const QString& path, const std::vector<JsonField<Struct>>& fields, Struct& target)
{
    ObjectReader r(parent.object(path), path);
    for (const JsonField<Struct>& field : fields)
        field.read(r, target);
    r.rejectUnknown();
}

template <class Struct>
QJsonObject writeFields(const std::vector<JsonField<Struct>>& fields, const Struct& source)
{
    QJsonObject json;
    for (const JsonField<Struct>& field : fields)
        json.insert(QLatin1String(field.key), field.write(source));
    return json;
}

}  // namespace

void ExperimentConfig::validate() const
{
    prefixed(QStringLiteral("problem."), [&] { problem.validate(); });
    if (problem.seed > std::uint64_t(kMaxJsonInteger))
        invalid(QStringLiteral("problem.seed"), QStringLiteral("must be at most 2^53"));
    prefixed(QStringLiteral("train."), [&] { train.validate(); });
    if (seedList.empty()) {
        if (seedCount < 1)
            invalid(QStringLiteral("seeds"), QStringLiteral("needs at least one seed (got %1)").arg(seedCount));
        if (problem.seed + std::uint64_t(seedCount) > std::uint64_t(kMaxJsonInteger))
            invalid(QStringLiteral("seeds"), QStringLiteral("the seeds would exceed 2^53"));
    }
    for (std::size_t i = 0; i < seedList.size(); ++i) {
        if (seedList[i] > std::uint64_t(kMaxJsonInteger))
            invalid(QStringLiteral("seeds[%1]").arg(i), QStringLiteral("must be at most 2^53"));
        for (std::size_t j = 0; j < i; ++j)
            if (seedList[j] == seedList[i])
                invalid(QStringLiteral("seeds[%1]").arg(i), QStringLiteral("repeats seed %1").arg(seedList[i]));
    }
    if (sweep.axis != SweepSpec::Axis::None) {
        const QString key
            = sweep.axis == SweepSpec::Axis::Samples ? QStringLiteral("sweep.n") : QStringLiteral("sweep.n_eff");
        const GridSpec& g = sweep.grid;
        if (!std::isfinite(g.from) || !(g.from > 0))
            invalid(key + QStringLiteral(".from"), QStringLiteral("must be a number > 0 (got %1)").arg(g.from));
        if (!std::isfinite(g.to) || !(g.to >= g.from))
            invalid(key + QStringLiteral(".to"), QStringLiteral("must be >= from (got %1 < %2)").arg(g.to).arg(g.from));
        if (g.points < 1)
            invalid(key + QStringLiteral(".points"), QStringLiteral("must be at least 1 (got %1)").arg(g.points));
        if (g.points > 1 && g.from == g.to)
            invalid(
                key + QStringLiteral(".to"), QStringLiteral("equals from, but %1 points were asked for").arg(g.points));
    }
    for (std::size_t i = 0; i < sweep.weightDecays.size(); ++i) {
        const double l = sweep.weightDecays[i];
        if (!std::isfinite(l) || l < 0)
            invalid(QStringLiteral("sweep.weight_decays[%1]").arg(i),
                QStringLiteral("must be a number >= 0 (got %1)").arg(l));
    }
    // Last, once the sizes are known to be valid: refuse what would crash on allocation (issue 11, input limits).
    checkMemoryBudget(*this);
}

std::optional<ExperimentConfig> ExperimentConfig::fromJsonText(const QByteArray& text, ConfigError* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = {QString(),
                parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("not valid JSON at character %1: %2")
                          .arg(parseError.offset)
                          .arg(parseError.errorString())
                    : QStringLiteral("the experiment must be a JSON object ({...})")};
        return std::nullopt;
    }
    return fromJson(doc.object(), error);
}

std::optional<ExperimentConfig> ExperimentConfig::fromJson(const QJsonObject& json, ConfigError* error)
{
    try {
        ObjectReader top(json, QString());
        const QString schema = top.string(QStringLiteral("schema"), QString());
        if (schema != QLatin1String(kSchema))
            invalid(QStringLiteral("schema"),
                QStringLiteral("must be \"%1\" (got \"%2\"); this is not a Scaling Lab "
                               "experiment")
                    .arg(QLatin1String(kSchema), schema));
        if (!top.has(QStringLiteral("version")))
            invalid(QStringLiteral("version"), QStringLiteral("is missing"));
        const long long version = top.integer(QStringLiteral("version"), 0, 1, 1e9);
        if (version > kVersion)
            invalid(QStringLiteral("version"),
                QStringLiteral("this experiment was written by a newer Scaling Lab "
                               "(format version %1; this build reads version %2). "
                               "Update Scaling Lab to run it.")
                    .arg(version)
                    .arg(kVersion));

        ExperimentConfig c;
        if (top.has(QStringLiteral("solver"))) {
            const QString name = top.string(QStringLiteral("solver"), QString());
            if (!fromString(name, c.solver))
                invalid(QStringLiteral("solver"),
                    QStringLiteral("must be %1 (got \"%2\")").arg(solverNamesInWords(), name));
        }

        readFields(top, QStringLiteral("problem"), problemFields(), c.problem);
        // Missing train fields take the defaults of the solver's optimiser (its row of the solver table).
        c.train = sl::TrainConfig::defaults(solverInfo(c.solver).trainDefaults);
        readFields(top, QStringLiteral("train"), trainFields(), c.train);

        if (top.has(QStringLiteral("seeds"))) {
            const QJsonValue seeds = top.value(QStringLiteral("seeds"));
            if (seeds.isArray()) {
                const QJsonArray list = seeds.toArray();
                if (list.isEmpty())
                    invalid(QStringLiteral("seeds"), QStringLiteral("the list is empty; give at least one seed"));
                for (int i = 0; i < list.size(); ++i)
                    c.seedList.push_back(std::uint64_t(
                        ObjectReader::toInteger(QStringLiteral("seeds[%1]").arg(i), list[i], 0, kMaxJsonInteger)));
                c.seedCount = int(c.seedList.size());
            } else if (seeds.isDouble()) {
                c.seedCount = int(ObjectReader::toInteger(QStringLiteral("seeds"), seeds, 1, 1e6));
            } else {
                invalid(QStringLiteral("seeds"),
                    QStringLiteral("expected a list of seeds or a count, got %1").arg(typeName(seeds)));
            }
        }

        if (top.has(QStringLiteral("sweep"))) {
            ObjectReader r(top.object(QStringLiteral("sweep")), QStringLiteral("sweep"));
            const bool hasN = r.has(QStringLiteral("n"));
            const bool hasNEff = r.has(QStringLiteral("n_eff"));
            if (hasN && hasNEff)
                invalid(QStringLiteral("sweep"),
                    QStringLiteral("give either an \"n\" grid or an \"n_eff\" grid, not both"));
            if (hasN || hasNEff) {
                c.sweep.axis = hasN ? SweepSpec::Axis::Samples : SweepSpec::Axis::EffectiveSamples;
                c.sweep.grid = readGrid(r, hasN ? QStringLiteral("n") : QStringLiteral("n_eff"));
            }
            if (r.has(QStringLiteral("weight_decays"))) {
                const QJsonValue v = r.value(QStringLiteral("weight_decays"));
                if (!v.isArray())
                    invalid(r.key(QStringLiteral("weight_decays")),
                        QStringLiteral("expected a list of numbers, got %1").arg(typeName(v)));
                const QJsonArray list = v.toArray();
                for (int i = 0; i < list.size(); ++i) {
                    if (!list[i].isDouble())
                        invalid(QStringLiteral("sweep.weight_decays[%1]").arg(i),
                            QStringLiteral("expected a number, got %1").arg(typeName(list[i])));
                    c.sweep.weightDecays.push_back(list[i].toDouble());
                }
            }
            r.rejectUnknown();
        }

        c.certificate = top.boolean(QStringLiteral("certificate"), c.certificate);
        c.tailFit = top.boolean(QStringLiteral("tail_fit"), c.tailFit);
        c.decompose = top.boolean(QStringLiteral("decompose"), c.decompose);
        c.prune = top.boolean(QStringLiteral("prune"), c.prune);
        top.rejectUnknown();
        c.validate();
        return c;
    } catch (const sl::ValidationError& e) {
        if (error) {
            std::string what = e.what();
            const std::string head = e.parameter() + ": ";
            if (what.rfind(head, 0) == 0)
                what = what.substr(head.size());
            *error = {QString::fromStdString(e.parameter()), QString::fromStdString(what)};
        }
        return std::nullopt;
    }
}

QJsonObject ExperimentConfig::toJson() const
{
    QJsonObject json{
        {"schema", QLatin1String(kSchema)},
        {"version", kVersion},
        {"solver", QLatin1String(toString(solver))},
        {"problem", writeFields(problemFields(), problem)},
        {"train", writeFields(trainFields(), train)},
        {"certificate", certificate},
        {"tail_fit", tailFit},
    };
    if (!seedList.empty()) {
        if (!(seedList.size() == 1 && seedList.front() == problem.seed)) {
            QJsonArray list;
            for (std::uint64_t s : seedList)
                list.append(double(s));
            json.insert(QStringLiteral("seeds"), list);
        }
    } else if (seedCount != 1) {
        json.insert(QStringLiteral("seeds"), seedCount);
    }
    if (!sweep.isEmpty()) {
        QJsonObject s;
        if (sweep.axis == SweepSpec::Axis::Samples)
            s.insert(QStringLiteral("n"), gridJson(sweep.grid));
        else if (sweep.axis == SweepSpec::Axis::EffectiveSamples)
            s.insert(QStringLiteral("n_eff"), gridJson(sweep.grid));
        if (!sweep.weightDecays.empty()) {
            QJsonArray list;
            for (double l : sweep.weightDecays)
                list.append(l);
            s.insert(QStringLiteral("weight_decays"), list);
        }
        json.insert(QStringLiteral("sweep"), s);
    }
    // Written only when on, so every configuration without them keeps the hash it had before they existed.
    if (decompose)
        json.insert(QStringLiteral("decompose"), true);
    if (prune)
        json.insert(QStringLiteral("prune"), true);
    return json;
}

QByteArray ExperimentConfig::canonicalJson() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

QString ExperimentConfig::hash() const
{
    return QString::fromLatin1(QCryptographicHash::hash(canonicalJson(), QCryptographicHash::Sha256).toHex());
}

std::vector<std::uint64_t> ExperimentConfig::seeds() const
{
    if (!seedList.empty())
        return seedList;
    std::vector<std::uint64_t> out;
    for (int k = 0; k < std::max(1, seedCount); ++k)
        out.push_back(problem.seed + std::uint64_t(k));
    return out;
}

std::vector<long long> ExperimentConfig::sampleGrid() const
{
    if (sweep.axis == SweepSpec::Axis::None)
        return {problem.samples};
    const GridSpec& g = sweep.grid;
    std::vector<long long> out;
    for (int i = 0; i < g.points; ++i) {
        const double t = g.points == 1 ? 0.0 : double(i) / double(g.points - 1);
        const double x = g.log ? std::exp(std::log(g.from) + t * (std::log(g.to) - std::log(g.from)))
                               : g.from + t * (g.to - g.from);
        out.push_back(sweep.axis == SweepSpec::Axis::Samples
                ? std::max(1LL, std::llround(x))
                : sl::ProblemConfig::samplesForNEff(problem.model, problem.dimension, x));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<double> ExperimentConfig::weightDecays() const
{
    return sweep.weightDecays.empty() ? std::vector<double>{problem.weightDecay} : sweep.weightDecays;
}

bool ExperimentConfig::isSweep() const
{
    return sampleGrid().size() * weightDecays().size() * seeds().size() > 1;
}

std::vector<ExperimentConfig> ExperimentConfig::points() const
{
    std::vector<ExperimentConfig> out;
    for (long long n : sampleGrid()) {
        for (double lambda : weightDecays()) {
            for (std::uint64_t seed : seeds()) {
                ExperimentConfig point = *this;
                point.sweep = SweepSpec{};
                point.seedList.clear();
                point.seedCount = 1;
                point.problem.samples = n;
                point.problem.weightDecay = lambda;
                point.problem.seed = seed;
                out.push_back(point);
            }
        }
    }
    return out;
}

bool ExperimentConfig::operator==(const ExperimentConfig& other) const
{
    // The JSON holds every field, so equal canonical JSON is equality.
    return canonicalJson() == other.canonicalJson();
}

}  // namespace sl::app
