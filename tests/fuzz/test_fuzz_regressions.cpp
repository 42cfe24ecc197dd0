// SPDX-License-Identifier: GPL-3.0-or-later
// Every input that crashed a fuzz target (fuzz/, issue 11) is kept in fuzz/regressions/<target>/ and replayed
// here through the same parser, so the fix stays fixed in the ordinary (and the sanitizer) test run. Each replay
// must end in a refusal with a message, never in a crash, an exception of another type, or undefined behaviour
// (the ASan+UBSan build of scripts/test-sanitizers aborts on the latter).
#include "app/experiment/experiment_config.h"
#include "app/experiment/run_result.h"
#include "app/session/session.h"
#include "core/io/matrix_reader.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringLiteral>
#include <QTest>

namespace {

QString regressionDir(const QString& target)
{
    return QStringLiteral(SCALINGLAB_SOURCE_DIR "/fuzz/regressions/") + target;
}

QList<QByteArray> regressionInputs(const QString& target)
{
    QList<QByteArray> inputs;
    const QDir dir(regressionDir(target));
    for (const QString& name : dir.entryList(QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (f.open(QIODevice::ReadOnly))
            inputs << f.readAll();
    }
    return inputs;
}

QJsonObject resultJson()
{
    sl::app::RunResult r;
    r.config.problem.dimension = 6;
    r.configHash = r.config.hash();
    r.status = sl::Status::Converged;
    r.message = QStringLiteral("converged");
    r.iterations = 17;
    r.eigenvalues = {2.0, 1.0};
    r.durationMs = 1234;
    r.softwareVersion = QStringLiteral("0.1.0");
    return r.toJson();
}

}  // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void sessionInputsAreRefusedWithAMessage()
    {
        const QList<QByteArray> inputs = regressionInputs(QStringLiteral("fuzz_session"));
        QVERIFY(!inputs.isEmpty());
        for (const QByteArray& bytes : inputs) {
            const QJsonDocument doc = QJsonDocument::fromJson(bytes);
            if (!doc.isObject())
                continue;
            QString error;
            const auto session = sl::app::Session::fromJson(doc.object(), &error);
            QVERIFY2(session || !error.isEmpty(), "refused without a message");
        }
    }

    // fuzz_session's first crash: a result whose "duration_ms" key was mangled. RunResult::fromJson converted the
    // missing value (NaN) to qint64, undefined behaviour; integer fields are now checked before the conversion.
    void resultIntegerFieldsAreCheckedBeforeConversion()
    {
        const QJsonObject good = resultJson();
        const auto parsed = sl::app::RunResult::fromJson(good);
        QVERIFY(parsed);
        QCOMPARE(parsed->durationMs, qint64(1234));
        QCOMPARE(parsed->iterations, 17);
        for (const char* key : {"duration_ms", "iterations"}) {
            for (const QJsonValue& bad : {QJsonValue(QJsonValue::Undefined), QJsonValue(1e300), QJsonValue(-1.0),
                     QJsonValue(2.5), QJsonValue(QStringLiteral("12")), QJsonValue(QJsonValue::Null)}) {
                QJsonObject json = good;
                if (bad.isUndefined())
                    json.remove(QLatin1String(key));
                else
                    json.insert(QLatin1String(key), bad);
                QString error;
                QVERIFY2(!sl::app::RunResult::fromJson(json, &error), key);
                QVERIFY2(error.startsWith(QLatin1String(key)), qPrintable(error));
            }
        }
        QJsonObject withTail = good;
        withTail.insert(QStringLiteral("tail_fit"),
            QJsonObject{{"alpha", 2.0}, {"sigma", 0.1}, {"xmin", 0.5}, {"ks", 0.05}, {"n_tail", 1e19},
                {"status", "converged"}, {"message", ""}});
        QString error;
        QVERIFY(!sl::app::RunResult::fromJson(withTail, &error));
        QVERIFY2(error.startsWith(QLatin1String("n_tail")), qPrintable(error));
    }

    // fuzz_npy's first crash: a header whose 'shape' value was not a tuple (here empty) made std::string::substr
    // throw std::out_of_range out of parseNpy, which promises ReadError only.
    void npyShapeMustBeATuple()
    {
        const auto npy = [](const std::string& shape) {
            std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
            header += std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
            std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
            bytes += char(header.size() & 0xff);
            bytes += char(header.size() >> 8);
            const double one = 1.0;
            return bytes + header + std::string(reinterpret_cast<const char*>(&one), 8);
        };
        QCOMPARE(sl::io::parseNpy(npy("(1,)"), "ok.npy")(0, 0), 1.0);
        for (const std::string shape : {"", "1", "(", ")", "1)", "(1"}) {
            try {
                (void)sl::io::parseNpy(npy(shape), "bad.npy");
                QFAIL(qPrintable(QStringLiteral("shape '%1' accepted").arg(QString::fromStdString(shape))));
            } catch (const sl::io::ReadError& e) {
                QVERIFY2(std::string(e.what()).find("shape") != std::string::npos, e.what());
            }
        }
    }

    void experimentInputsAreRefusedWithAMessage()
    {
        for (const QByteArray& bytes : regressionInputs(QStringLiteral("fuzz_experiment_json"))) {
            sl::app::ConfigError error;
            const auto config = sl::app::ExperimentConfig::fromJsonText(bytes, &error);
            QVERIFY2(config || !error.message.isEmpty(), bytes.left(200).constData());
            if (config)
                QCOMPARE(*sl::app::ExperimentConfig::fromJsonText(config->canonicalJson()), *config);
        }
    }

    void matrixInputsEndInReadError()
    {
        for (const QByteArray& bytes : regressionInputs(QStringLiteral("fuzz_delimited"))) {
            try {
                const auto table = sl::io::parseDelimited(bytes.toStdString(), "regression.csv");
                QVERIFY(table.values.allFinite());
            } catch (const sl::io::ReadError& e) {
                QVERIFY(std::string(e.what()).find("regression.csv") != std::string::npos);
            }
        }
        for (const QByteArray& bytes : regressionInputs(QStringLiteral("fuzz_npy"))) {
            try {
                (void)sl::io::parseNpy(bytes.toStdString(), "regression.npy");
            } catch (const sl::io::ReadError& e) {
                QVERIFY(std::string(e.what()).find("regression.npy") != std::string::npos);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
