// SPDX-License-Identifier: GPL-3.0-or-later
// scalinglab-cli analyze-weights end to end: safetensors and .npz files written here from known matrices (a
// Wishart matrix with a known Marchenko–Pastur edge, planted Pareto eigenvalues with a known α), read by the real
// executable; the JSON list, the CSV rows, the skipped tensors and the exit codes.
#include "cli_process.h"
#include "core/common/rng.h"
#include "tests/core/io/weight_files.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <cmath>

using sl::test::CliRun;
using sl::test::runCli;

namespace {

Eigen::MatrixXd orthogonal(int n, sl::Rng& rng)
{
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(rng.normalMatrix(n, n));
    return qr.householderQ();
}

QJsonArray jsonList(const CliRun& r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        qWarning("not a JSON list: %s", r.out.left(300).constData());
    return doc.array();
}

// One CSV line split into fields, honouring "quoted, fields" with "" for a quote.
QStringList csvFields(const QByteArray& line)
{
    QStringList fields{QString()};
    bool quoted = false;
    const QString text = QString::fromUtf8(line);
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted && c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
            fields.last() += c;
            ++i;
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (c == QLatin1Char(',') && !quoted) {
            fields << QString();
        } else {
            fields.last() += c;
        }
    }
    return fields;
}

QJsonObject byName(const QJsonArray& list, const QString& name)
{
    for (const QJsonValue& v : list)
        if (v.toObject().value(QStringLiteral("name")).toString() == name)
            return v.toObject();
    return {};
}

}  // namespace

class TestCliWeights : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Eigen::MatrixXd m_wishart, m_pareto;
    const int m_n = 300, m_m = 150;
    const double m_alpha = 2.5;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    void write(const QString& name, const std::string& bytes)
    {
        sl::test::writeText(path(name), QByteArray::fromStdString(bytes));
    }

private slots:
    void initTestCase()
    {
        sl::Rng rng(17);
        m_wishart = rng.normalMatrix(m_n, m_m);  // entries N(0, 1): raw ESD edge N(1 + √(M/N))²
        Eigen::VectorXd lambda(m_n);
        for (int i = 0; i < m_n; ++i)
            lambda[i] = std::pow(rng.uniform(), -1.0 / (m_alpha - 1));
        m_pareto = orthogonal(m_n, rng) * lambda.cwiseSqrt().asDiagonal() * orthogonal(m_n, rng).transpose();

        write(QStringLiteral("model.safetensors"),
            sl::test::safetensorsFile(
                {{"encoder.wishart", "F32", {std::uint64_t(m_n), std::uint64_t(m_m)}, sl::test::f32Bytes(m_wishart)},
                    {"encoder.pareto", "F64", {std::uint64_t(m_n), std::uint64_t(m_n)}, sl::test::f64Bytes(m_pareto)},
                    {"encoder.bias", "F32", {3}, sl::test::f32Bytes(Eigen::MatrixXd::Ones(1, 3))},
                    {"conv.weight", "F32", {2, 2, 2}, sl::test::f32Bytes(Eigen::MatrixXd::Ones(1, 8))}}));
        using sl::test::npyFile;
        using sl::test::npyShape;
        write(QStringLiteral("model.npz"),
            sl::test::zipFile({{"wishart.npy", npyFile("<f8", npyShape(m_n, m_m), sl::test::f64Bytes(m_wishart)), true},
                {"bias.npy", npyFile("<f8", "(3,)", sl::test::f64Bytes(Eigen::VectorXd::Ones(3))), false}}));
        Eigen::MatrixXd withNan = Eigen::MatrixXd::Ones(4, 4);
        withNan(2, 3) = std::nan("");
        write(QStringLiteral("nan.safetensors"),
            sl::test::safetensorsFile({{"bad.layer", "F64", {4, 4}, sl::test::f64Bytes(withNan)}}));
        write(QStringLiteral("vectors.safetensors"),
            sl::test::safetensorsFile({{"only.bias", "F64", {4}, sl::test::f64Bytes(Eigen::VectorXd::Ones(4))}}));
        std::string truncated = sl::test::safetensorsFile(
            {{"w", "F64", {std::uint64_t(m_n), std::uint64_t(m_m)}, sl::test::f64Bytes(m_wishart)}});
        write(QStringLiteral("truncated.safetensors"), truncated.substr(0, truncated.size() / 2));
    }

    void safetensorsJsonList()
    {
        const CliRun r = runCli({"analyze-weights", path("model.safetensors"), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = jsonList(r);
        QCOMPARE(list.size(), 4);

        const QJsonObject w = byName(list, QStringLiteral("encoder.wishart"));
        QCOMPARE(w.value("dtype").toString(), QStringLiteral("F32"));
        QCOMPARE(w.value("shape").toArray(), (QJsonArray{m_n, m_m}));
        QVERIFY(w.value("analysed").toBool());
        const double q = double(m_m) / m_n, edge = m_n * std::pow(1 + std::sqrt(q), 2);
        QVERIFY2(std::abs(w.value("mp_edge").toDouble() / edge - 1) < 0.03,
            qPrintable(QString::number(w.value("mp_edge").toDouble())));
        QCOMPARE(w.value("bulk_max").toDouble(), w.value("mp_edge").toDouble());  // WeightWatcher's name
        QVERIFY(std::abs(w.value("mp_variance").toDouble() / m_n - 1) < 0.03);
        QVERIFY(std::abs(w.value("mp_sigma").toDouble() - std::sqrt(w.value("mp_variance").toDouble())) < 1e-9);
        QCOMPARE(w.value("num_spikes_beyond_tw").toInt(), 0);
        QVERIFY(w.value("num_spikes").isDouble());
        QCOMPARE(w.value("phase").toString(), QStringLiteral("random-like"));
        QVERIFY(w.value("phase_inferred").toBool());
        const Eigen::JacobiSVD<Eigen::MatrixXd> svd(m_wishart.cast<float>().cast<double>());
        const double top = svd.singularValues()[0];
        QVERIFY(std::abs(w.value("spectral_norm").toDouble() / (top * top) - 1) < 1e-9);
        QVERIFY(std::abs(w.value("stable_rank").toDouble()
                    - m_wishart.cast<float>().cast<double>().squaredNorm() / (top * top))
            < 1e-6);
        for (const char* key : {"alpha", "xmin", "sigma", "D", "num_pl_spikes", "R_lognormal", "p_truncated_power_law"})
            QVERIFY2(w.contains(QLatin1String(key)), key);

        const QJsonObject p = byName(list, QStringLiteral("encoder.pareto"));
        QVERIFY(p.value("analysed").toBool());
        const double alpha = p.value("alpha").toDouble(), sigma = p.value("sigma").toDouble();
        QVERIFY2(std::abs(alpha - m_alpha) < 3 * sigma, qPrintable(QStringLiteral("%1 ± %2").arg(alpha).arg(sigma)));
        QCOMPARE(p.value("phase").toString(), QStringLiteral("heavy-tailed"));
        QVERIFY(p.value("num_pl_spikes").toInt() >= 50);
        QVERIFY(p.value("alpha_predicted").isDouble());

        const QJsonObject b = byName(list, QStringLiteral("encoder.bias"));
        QVERIFY(!b.value("analysed").toBool());
        QVERIFY(b.value("reason").toString().contains(QLatin1String("1-D")));
        QVERIFY(b.value("alpha").isNull());
        QVERIFY(byName(list, QStringLiteral("conv.weight")).value("reason").toString().contains(QLatin1String("3-D")));
    }

    void npzCsvAndTableAgree()
    {
        CliRun r = runCli({"analyze-weights", path("model.npz"), "--csv"});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);  // header + wishart + bias
        const QStringList header = csvFields(lines[0]);
        for (const char* key : {"name", "shape", "dtype", "alpha", "xmin", "sigma", "D", "num_pl_spikes", "mp_sigma",
                 "mp_edge", "num_spikes", "stable_rank"})
            QVERIFY2(header.contains(QLatin1String(key)), key);
        QVERIFY(lines[1].startsWith("wishart,300x150,F64,true,"));
        QVERIFY(lines[2].startsWith("bias,3,F64,false,"));
        // The .npz (float64) and the safetensors (float32) copies of the Wishart matrix have the same edge to ~1e-6.
        const int edgeColumn = int(header.indexOf(QStringLiteral("mp_edge")));
        const QStringList wishart = csvFields(lines[1]);
        QCOMPARE(wishart.size(), header.size());
        QCOMPARE(csvFields(lines[2]).size(), header.size());
        const double npzEdge = wishart[edgeColumn].toDouble();
        r = runCli({"analyze-weights", path("model.safetensors"), "--tensor", "encoder.wishart", "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(jsonList(r).size(), 1);
        const double stEdge = jsonList(r)[0].toObject().value("mp_edge").toDouble();
        QVERIFY2(
            std::abs(stEdge / npzEdge - 1) < 1e-5, qPrintable(QStringLiteral("%1 vs %2").arg(stEdge).arg(npzEdge)));

        r = runCli({"analyze-weights", path("model.npz")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("wishart"));
        QVERIFY(r.out.contains("not analysed: 1-D"));
    }

    void badFilesExitTwoWithOneLine()
    {
        CliRun r = runCli({"analyze-weights", path("nan.safetensors"), "--json"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        QVERIFY2(r.err.contains("tensor 'bad.layer': element (2, 3) is NaN"), r.err.constData());
        r = runCli({"analyze-weights", path("truncated.safetensors")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        QVERIFY2(r.err.contains("run past the end of the data"), r.err.constData());
        r = runCli({"analyze-weights", path("vectors.safetensors")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("no 2-D float matrix"));
        r = runCli({"analyze-weights", path("missing.safetensors")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.oneErrorLine());
        r = runCli({"analyze-weights", path("model.safetensors"), "--tensor", "nope"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("encoder.wishart"));  // the names it has
        QCOMPARE(runCli({"analyze-weights", path("model.npz"), "--json", "--csv"}).exitCode, 2);
        r = runCli({"analyze-weights", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("docs/theory/weights.md"));
    }
};

QTEST_GUILESS_MAIN(TestCliWeights)
#include "test_cli_weights.moc"
