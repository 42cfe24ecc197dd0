// SPDX-License-Identifier: GPL-3.0-or-later
// The weight-file readers (core/io/tensor_file.h): safetensors and .npz built byte by byte from the formats'
// definitions (tests/core/io/weight_files.h), every refusal the issue lists, and a cross-check against Debian's
// numpy when /usr/bin/python3 has it (skipped otherwise).
#include "core/io/matrix_reader.h"
#include "core/io/tensor_file.h"
#include "tests/core/io/weight_files.h"

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringLiteral>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using sl::io::ReadError;
using sl::io::TensorFile;

namespace {

// Exactly representable in float32 (and in float16 for small r, c): quarter steps.
Eigen::MatrixXd known(Eigen::Index rows, Eigen::Index cols)
{
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < cols; ++c)
            m(r, c) = 0.25 * double(r) - 0.5 * double(c) + 1.0;
    return m;
}

std::string refusal(const std::string& bytes, const std::string& name, bool convertAll = true)
{
    try {
        const TensorFile f = TensorFile::fromBytes(bytes, name);
        if (convertAll)
            for (std::size_t i = 0; i < f.tensors().size(); ++i)
                (void)f.matrix(i);
    } catch (const ReadError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestTensorFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string write(const std::string& name, const std::string& content)
    {
        const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

private slots:
    void halfAndBfloat16Decoding()
    {
        // IEEE binary16: 1 = 0x3c00, −2 = 0xc000, 65504 (largest) = 0x7bff, 2⁻²⁴ (smallest subnormal) = 0x0001,
        // 2⁻¹⁴ (smallest normal) = 0x0400, +Inf = 0x7c00, NaN = 0x7e00.
        QCOMPARE(sl::io::halfToDouble(0x3c00), 1.0);
        QCOMPARE(sl::io::halfToDouble(0xc000), -2.0);
        QCOMPARE(sl::io::halfToDouble(0x7bff), 65504.0);
        QCOMPARE(sl::io::halfToDouble(0x0001), std::ldexp(1.0, -24));
        QCOMPARE(sl::io::halfToDouble(0x0400), std::ldexp(1.0, -14));
        QCOMPARE(sl::io::halfToDouble(0x3555), 0.25 * (1 + 0x155 / 1024.0));  // 0.333251953125
        QVERIFY(std::isinf(sl::io::halfToDouble(0x7c00)));
        QVERIFY(std::isnan(sl::io::halfToDouble(0x7e00)));
        // bfloat16 = the upper half of float32: 1 = 0x3f80, −2.25 = 0xc010, π ≈ 3.140625 = 0x4049.
        QCOMPARE(sl::io::bfloat16ToDouble(0x3f80), 1.0);
        QCOMPARE(sl::io::bfloat16ToDouble(0xc010), -2.25);
        QCOMPARE(sl::io::bfloat16ToDouble(0x4049), 3.140625);
    }

    void safetensorsByHand()
    {
        const Eigen::MatrixXd a = known(3, 4);
        const std::string f64 = sl::test::f64Bytes(a), f32 = sl::test::f32Bytes(a.transpose());
        const std::string f16 = sl::test::u16Bytes({0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0000});  // 2×3
        const std::string bf16 = sl::test::u16Bytes({0x3f80, 0xc010, 0x4049, 0x0000});  // 2×2
        const std::string i32(4 * 4, '\0'), vec = sl::test::f64Bytes(Eigen::VectorXd::Ones(5));
        const std::string cube = sl::test::f32Bytes(Eigen::MatrixXd::Zero(1, 2 * 3 * 2));
        std::string header;
        const std::string bytes = sl::test::safetensorsFile(
            {{"layer.0.weight", "F64", {3, 4}, f64}, {"layer.1.weight", "F32", {4, 3}, f32},
                {"half", "F16", {2, 3}, f16}, {"brain", "BF16", {2, 2}, bf16}, {"counts", "I32", {2, 2}, i32},
                {"bias", "F64", {5}, vec}, {"conv", "F32", {2, 3, 2}, cube}},
            &header, 5);

        // The layout, checked by hand: 8-byte length, the JSON, then the tensors back to back.
        QCOMPARE(bytes.size(), 8 + header.size() + 96 + 48 + 12 + 8 + 16 + 40 + 48);
        std::uint64_t length = 0;
        for (int i = 7; i >= 0; --i)
            length = (length << 8) | static_cast<unsigned char>(bytes[std::size_t(i)]);
        QCOMPARE(length, std::uint64_t(header.size()));
        QCOMPARE(bytes[8], '{');
        QVERIFY(header.find("\"layer.1.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],\"data_offsets\":[96,144]}")
            != std::string::npos);
        QVERIFY(header.find("\"brain\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[156,164]}")
            != std::string::npos);
        QCOMPARE(bytes.compare(8 + header.size() + 156, 8, bf16), 0);
        QVERIFY(header.back() == ' ');  // trailing spaces are allowed

        const TensorFile file = TensorFile::open(write("model.safetensors", bytes));
        QCOMPARE(file.format(), sl::io::TensorFormat::Safetensors);
        QCOMPARE(int(file.tensors().size()), 7);  // __metadata__ is not a tensor
        QCOMPARE(QString::fromStdString(file.tensors()[0].name), QStringLiteral("layer.0.weight"));
        QCOMPARE(file.matrix(0), a);
        QCOMPARE(file.matrix(1), a.transpose());
        Eigen::MatrixXd half(2, 3);
        half << 1.0, -2.0, 0.5, 65504.0, std::ldexp(1.0, -24), 0.0;
        QCOMPARE(file.matrix(*file.find("half")), half);
        Eigen::MatrixXd brain(2, 2);
        brain << 1.0, -2.25, 3.140625, 0.0;
        QCOMPARE(file.matrix(*file.find("brain")), brain);
        // Listed, not analysed, with the reason; asking for the matrix says why.
        const auto& counts = file.tensors()[*file.find("counts")];
        QVERIFY(!counts.isMatrix());
        QVERIFY(counts.skipReason.find("I32") != std::string::npos);
        QVERIFY(file.tensors()[*file.find("bias")].skipReason.find("1-D") != std::string::npos);
        QVERIFY(file.tensors()[*file.find("conv")].skipReason.find("3-D") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(ReadError, file.matrix(*file.find("conv")));
    }

    // A 1.5 GB safetensors file (sparse on disk) is listed from its header: mapped, not read (the 1 GiB guard of
    // readFileBytes would refuse it), and a matrix is converted only when asked for.
    void largeFileIsMappedNotRead()
    {
        const std::uint64_t rows = 20000, cols = 20000;  // F32: 1.6e9 bytes
        std::string header;
        std::string head = sl::test::safetensorsFile({{"big", "F32", {rows, cols}, std::string()}}, &header);
        const std::string fixed = "\"data_offsets\":[0," + std::to_string(rows * cols * 4) + "]";
        header.replace(header.find("\"data_offsets\":[0,0]"), std::strlen("\"data_offsets\":[0,0]"), fixed);
        head.clear();
        sl::test::putLE(head, header.size(), 8);
        head += header;
        const std::string path = m_dir.filePath("big.safetensors").toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out << head;
            out.seekp(std::streamoff(head.size() + rows * cols * 4 - 1));
            out.put('\0');
        }
        const TensorFile f = TensorFile::open(path);
        QCOMPARE(f.tensors()[0].rows(), rows);
        QCOMPARE(f.tensors()[0].cols(), cols);
        QVERIFY(f.tensors()[0].isMatrix());
        QVERIFY_THROWS_EXCEPTION(ReadError, sl::io::readFileBytes(path));
    }

    void safetensorsRefusals_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const std::string good = sl::test::f32Bytes(known(2, 2));
        auto file = [&](const std::string& dtype, std::vector<std::uint64_t> shape, std::string data) {
            return QByteArray::fromStdString(
                sl::test::safetensorsFile({{"w", dtype, std::move(shape), std::move(data)}}));
        };
        QByteArray beyond = file("F32", {2, 2}, good);
        beyond[0] = char(0xff);  // header length far beyond the file
        QTest::newRow("header beyond file") << beyond << "runs past the end";
        QTest::newRow("shorter than 8 bytes") << QByteArray("\x05\0\0", 3) << "too short";
        QByteArray truncated = file("F32", {2, 2}, good);
        truncated.chop(3);
        QTest::newRow("truncated data") << truncated << "run past the end of the data";
        QTest::newRow("shape vs bytes") << file("F32", {2, 3}, good) << "needs 24 bytes but data_offsets span 16";
        QTest::newRow("unknown dtype") << file("Q4_K", {2, 2}, good) << "unknown dtype Q4_K";
        QTest::newRow("integer dtype") << file("I32", {2, 2}, good) << "dtype I32 is not supported";
        QTest::newRow("overflowing shape") << file("F32", {1ull << 31, 1ull << 31}, good) << "needs more than";
        std::string nan = good;
        const float n = std::nanf("");
        std::memcpy(nan.data() + 4, &n, 4);
        QTest::newRow("NaN element") << file("F32", {2, 2}, nan) << "tensor 'w': element (0, 1) is NaN";
        std::string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},";
        std::string bad;
        sl::test::putLE(bad, header.size(), 8);
        QTest::newRow("bad JSON") << QByteArray::fromStdString(bad + header + good) << "not valid JSON";
        header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\""
                 ":[2,2],\"data_offsets\":[0,16]}}";
        bad.clear();
        sl::test::putLE(bad, header.size(), 8);
        QTest::newRow("duplicate name") << QByteArray::fromStdString(bad + header + good) << "appears twice";
        header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-2],\"data_offsets\":[0,16]}}";
        bad.clear();
        sl::test::putLE(bad, header.size(), 8);
        QTest::newRow("negative size") << QByteArray::fromStdString(bad + header + good) << "non-negative integers";
        header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,0]}}";
        bad.clear();
        sl::test::putLE(bad, header.size(), 8);
        QTest::newRow("reversed offsets") << QByteArray::fromStdString(bad + header + good) << "begin <= end";
    }
    void safetensorsRefusals()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string message = refusal(bytes.toStdString(), "bad.safetensors");
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.rfind("bad.safetensors: ", 0) == 0, message.c_str());
    }

    void npzStoredAndDeflated()
    {
        const Eigen::MatrixXd a = known(5, 3), b = known(2, 7);
        using sl::test::npyFile;
        using sl::test::npyShape;
        const std::string aNpy = npyFile("<f8", npyShape(5, 3), sl::test::f64Bytes(a));
        // Fortran order: the column-major bytes are the row-major bytes of the transpose.
        const std::string bNpy = npyFile("<f4", npyShape(2, 7), sl::test::f32Bytes(b.transpose()), true);
        const std::string vNpy = npyFile("<f8", "(4,)", sl::test::f64Bytes(Eigen::VectorXd::Ones(4)));
        for (bool deflate : {false, true}) {
            const std::string zip = sl::test::zipFile({{"a.npy", aNpy, deflate}, {"b.npy", bNpy, deflate},
                {"v.npy", vNpy, deflate}, {"README", "not an array", false}});
            const TensorFile f = TensorFile::open(write(deflate ? "c.npz" : "s.npz", zip));
            QCOMPARE(f.format(), sl::io::TensorFormat::Npz);
            QCOMPARE(int(f.tensors().size()), 4);
            QCOMPARE(QString::fromStdString(f.tensors()[0].name), QStringLiteral("a"));  // ".npy" dropped, as numpy
            QCOMPARE(QString::fromStdString(f.tensors()[1].dtype), QStringLiteral("F32"));
            QCOMPARE(f.matrix(0), a);
            QCOMPARE(f.matrix(1), b);
            QVERIFY(f.tensors()[2].skipReason.find("1-D") != std::string::npos);
            QVERIFY(f.tensors()[3].skipReason.find("not an .npy") != std::string::npos);
        }
    }

    void npzRefusals()
    {
        const std::string npy = sl::test::npyFile("<f8", sl::test::npyShape(4, 4), sl::test::f64Bytes(known(4, 4)));
        for (bool deflate : {false, true}) {
            const std::string zip = sl::test::zipFile({{"w.npy", npy, deflate}});
            // Truncated: the end record is gone.
            QVERIFY(
                refusal(zip.substr(0, zip.size() - 30), "t.npz").find("end-of-central-directory") != std::string::npos);
            // A flipped byte inside the data: CRC (stored) or deflate/CRC (compressed) catches it, on conversion.
            std::string flipped = zip;
            flipped[deflate ? 30 + 5 + 10 : 30 + 5 + 128 + 40] ^= 0x55;
            const std::string message = refusal(flipped, "f.npz");
            QVERIFY2(message.rfind("f.npz: ", 0) == 0, message.c_str());
            if (!deflate)
                QVERIFY2(message.find("CRC-32 mismatch") != std::string::npos, message.c_str());
        }
        // A member that claims a huge uncompressed size from a few compressed bytes is refused before any allocation.
        std::string zip = sl::test::zipFile({{"w.npy", npy, true}});
        const std::size_t central = zip.find(std::string("PK\x01\x02", 4));
        QVERIFY(central != std::string::npos);
        for (int i = 0; i < 4; ++i)
            zip[central + 24 + std::size_t(i)] = char(0xfe);  // uncompressed size ≈ 4 GiB
        QVERIFY(refusal(zip, "huge.npz").find("more than deflate can encode") != std::string::npos);
        // Compression methods other than stored and deflate: listed with the reason.
        zip = sl::test::zipFile({{"w.npy", npy, false}});
        zip[8] = 12;  // bzip2 in the local header...
        zip[zip.find(std::string("PK\x01\x02", 4)) + 10] = 12;  // ...and the central directory
        const TensorFile f = TensorFile::fromBytes(zip, "bz.npz");
        QVERIFY(f.tensors()[0].skipReason.find("compression method 12") != std::string::npos);
    }

    void npyAndTextThroughTheSameInterface()
    {
        const Eigen::MatrixXd a = known(3, 2);
        const TensorFile npy = TensorFile::open(write("w.npy", sl::test::npyFile(">f8", sl::test::npyShape(3, 2), [&] {
            std::string s = sl::test::f64Bytes(a);
            for (std::size_t i = 0; i < s.size(); i += 8)
                std::reverse(s.begin() + long(i), s.begin() + long(i) + 8);
            return s;
        }())));
        QCOMPARE(QString::fromStdString(npy.tensors()[0].name), QStringLiteral("w"));
        QCOMPARE(npy.matrix(0), a);
        const TensorFile half
            = TensorFile::fromBytes(sl::test::npyFile("<f2", "(1, 2)", sl::test::u16Bytes({0x3c00, 0xc000})), "h.npy");
        QCOMPARE(half.matrix(0), (Eigen::MatrixXd(1, 2) << 1.0, -2.0).finished());
        const TensorFile text = TensorFile::open(write("w.csv", "a,b\n1,2\n3,4\n"));
        QCOMPARE(text.format(), sl::io::TensorFormat::Text);
        QCOMPARE(text.matrix(0), (Eigen::MatrixXd(2, 2) << 1, 2, 3, 4).finished());
        QVERIFY_THROWS_EXCEPTION(ReadError, TensorFile::open(m_dir.path().toStdString()));
        QVERIFY_THROWS_EXCEPTION(ReadError, TensorFile::open(m_dir.filePath("missing.npz").toStdString()));
        // A truncated .npy is refused when listed, before any conversion.
        const std::string npyBytes = sl::test::npyFile("<f8", sl::test::npyShape(3, 2), sl::test::f64Bytes(a));
        QVERIFY(refusal(npyBytes.substr(0, npyBytes.size() - 1), "t.npy", false).find("shorter than its shape")
            != std::string::npos);
    }

    // numpy.save / savez / savez_compressed write the files; we read them. And numpy reads the .npz our test
    // writer builds (so the writer used by the other tests is a real zip). Skipped without Debian's numpy.
    void crossCheckWithNumpy()
    {
        QProcess probe;
        probe.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import numpy")});
        if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            QSKIP("Debian's python3-numpy is not installed");
        const QString dir = m_dir.path();
        const QString script = QStringLiteral(R"(
import numpy as np, sys
d = sys.argv[1]
r, c = np.meshgrid(np.arange(6), np.arange(4), indexing='ij')
a = 0.25 * r - 0.5 * c + 1.0
np.save(d + '/np64.npy', a)
np.save(d + '/np32f.npy', np.asfortranarray(a.astype(np.float32)))
np.save(d + '/np16be.npy', a.astype('>f2'))
np.savez(d + '/plain.npz', a=a, b=a.T.astype(np.float32), v=np.arange(3.0))
np.savez_compressed(d + '/packed.npz', a=a, big=np.tile(a, (50, 50)))
z = np.load(d + '/ours.npz')
print(repr(float(z['w'].sum())), z['w'].shape, z['w'].dtype)
)");
        const Eigen::MatrixXd w = known(7, 5);
        write("ours.npz",
            sl::test::zipFile(
                {{"w.npy", sl::test::npyFile("<f8", sl::test::npyShape(7, 5), sl::test::f64Bytes(w)), true}}));
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script, dir});
        QVERIFY(python.waitForFinished(60000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QByteArray out = python.readAllStandardOutput().trimmed();
        QCOMPARE(out, QByteArray::number(w.sum(), 'g', 17) + " (7, 5) float64");

        const Eigen::MatrixXd a = known(6, 4);
        QCOMPARE(TensorFile::open((dir + "/np64.npy").toStdString()).matrix(0), a);
        QCOMPARE(TensorFile::open((dir + "/np32f.npy").toStdString()).matrix(0), a);
        QCOMPARE(TensorFile::open((dir + "/np16be.npy").toStdString()).matrix(0), a);
        const TensorFile plain = TensorFile::open((dir + "/plain.npz").toStdString());
        QCOMPARE(plain.matrix(*plain.find("a")), a);
        QCOMPARE(plain.matrix(*plain.find("b")), Eigen::MatrixXd(a.transpose()));
        QVERIFY(!plain.tensors()[*plain.find("v")].isMatrix());
        const TensorFile packed = TensorFile::open((dir + "/packed.npz").toStdString());
        QCOMPARE(packed.matrix(*packed.find("a")), a);
        const Eigen::MatrixXd big = packed.matrix(*packed.find("big"));
        QCOMPARE(big.rows(), Eigen::Index(300));
        QCOMPARE(big.block(294, 196, 6, 4), a);
    }
};

QTEST_GUILESS_MAIN(TestTensorFile)
#include "test_tensor_file.moc"
