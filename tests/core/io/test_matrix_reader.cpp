// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/matrix_reader.h"

#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <fstream>

namespace {

// Builds a .npy file the way numpy.save does (format 1.0, header padded to a multiple of 64 bytes).
std::string makeNpy(
    const std::string& descr, bool fortran, const std::string& shape, const std::string& payload, int major = 1)
{
    std::string header
        = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header.push_back(' ');
    header.push_back('\n');
    std::string out = "\x93NUMPY";
    out.push_back(char(major));
    out.push_back('\0');
    const std::size_t len = header.size();
    out.push_back(char(len & 0xff));
    out.push_back(char((len >> 8) & 0xff));
    if (major != 1) {
        out.push_back(char((len >> 16) & 0xff));
        out.push_back(char((len >> 24) & 0xff));
    }
    return out + header + payload;
}

template <class T>
std::string bytesOf(const std::vector<T>& values)
{
    std::string s(values.size() * sizeof(T), '\0');
    std::memcpy(s.data(), values.data(), s.size());
    return s;
}

}  // namespace

class TestMatrixReader : public QObject {
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
    void csvWithHeaderAndComments()
    {
        const auto table = sl::io::parseDelimited("# comment\nalpha, beta\n1, 2.5\n-3e2, 4\n\n", "t.csv");
        QCOMPARE(table.header.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(table.header[1]), QString("beta"));
        QCOMPARE(table.values.rows(), Eigen::Index(2));
        QCOMPARE(table.values(1, 0), -300.0);
        QCOMPARE(table.values(0, 1), 2.5);
    }

    void whitespaceTable()
    {
        const auto table = sl::io::parseDelimited("1 2 3\n\t4   5 6\n", "t.txt");
        QVERIFY(table.header.empty());
        QCOMPARE(table.values.cols(), Eigen::Index(3));
        QCOMPARE(table.values(1, 2), 6.0);
    }

    void malformedTextIsRefusedWithLine()
    {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"1,2\n3\n", "t.csv:2: has 1 fields, expected 2"},
            {"1,2\n3,x\n", "t.csv:2: 'x' is not a number"},
            {"1,2\n3,nan\n", "not finite"},
            {"# nothing\n", "no numbers found"},
            {"1,2\n3,1e999\n", "t.csv:2"},
        };
        for (const auto& [text, expected] : cases) {
            try {
                sl::io::parseDelimited(text, "t.csv");
                QFAIL(("accepted: " + text).c_str());
            } catch (const sl::io::ReadError& e) {
                QVERIFY2(std::string(e.what()).find(expected) != std::string::npos, e.what());
            }
        }
    }

    void npyFloat64COrder()
    {
        const std::vector<double> data = {1, 2, 3, 4, 5, 6};
        const auto m = sl::io::parseNpy(makeNpy("<f8", false, "(2, 3)", bytesOf(data)), "a.npy");
        QCOMPARE(m.rows(), Eigen::Index(2));
        QCOMPARE(m(0, 2), 3.0);
        QCOMPARE(m(1, 0), 4.0);
    }

    void npyFloat32FortranOrderVersion2()
    {
        const std::vector<float> data = {1, 2, 3, 4, 5, 6};  // column-major 2x3
        const auto m = sl::io::parseNpy(makeNpy("<f4", true, "(2, 3)", bytesOf(data), 2), "a.npy");
        QCOMPARE(m(0, 1), 3.0);
        QCOMPARE(m(1, 0), 2.0);
        QCOMPARE(m(1, 2), 6.0);
    }

    void npyBigEndianAndOneDimensional()
    {
        std::vector<double> data = {0.25, -8};
        std::string payload = bytesOf(data);
        for (std::size_t i = 0; i < payload.size(); i += 8)
            std::reverse(payload.begin() + long(i), payload.begin() + long(i) + 8);
        const auto m = sl::io::parseNpy(makeNpy(">f8", false, "(2,)", payload), "b.npy");
        QCOMPARE(m.cols(), Eigen::Index(1));
        QCOMPARE(m(0, 0), 0.25);
        QCOMPARE(m(1, 0), -8.0);
    }

    void malformedNpyIsRefused()
    {
        const std::vector<double> data = {1, 2, 3};
        const std::vector<std::pair<std::string, std::string>> cases = {
            {makeNpy("<i8", false, "(3,)", bytesOf(data)), "dtype"},
            {makeNpy("<f8", false, "(2, 3)", bytesOf(data)), "shorter than its shape"},
            {makeNpy("<f8", false, "(1, 1, 3)", bytesOf(data)), "dimensions"},
            {makeNpy("<f8", false, "(0,)", ""), "empty"},
            {makeNpy("<f8", false, "(99999999999999, 99999999999999)", bytesOf(data)), "shorter"},
            {makeNpy("<f8", false, "(a,)", bytesOf(data)), "not a tuple"},
            {std::string("\x93NUMPY\x01\x00\xff\xff", 10), "truncated"},
            {"\x93NUMPY", "not a NumPy"},
        };
        for (const auto& [bytes, expected] : cases) {
            try {
                sl::io::parseNpy(bytes, "x.npy");
                QFAIL(("accepted npy expecting: " + expected).c_str());
            } catch (const sl::io::ReadError& e) {
                QVERIFY2(std::string(e.what()).find(expected) != std::string::npos, e.what());
            }
        }
    }

    void filesAndColumns()
    {
        const auto csv = write("t.csv", "x,y\n1,10\n2,20\n3,30\n");
        QCOMPARE(sl::io::readNumbersFile(csv, "y")(2), 30.0);
        QCOMPARE(sl::io::readNumbersFile(csv, "1")(1), 2.0);
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readNumbersFile(csv));
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readNumbersFile(csv, "z"));
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readNumbersFile(csv, "3"));
        const std::vector<double> data = {1, 2, 3, 4};
        const auto npy = write("m.npy", makeNpy("<f8", false, "(2, 2)", bytesOf(data)));
        QCOMPARE(sl::io::readMatrixFile(npy)(1, 1), 4.0);
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readMatrixFile(m_dir.filePath("missing").toStdString()));
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readMatrixFile(csv, 5));  // over the size limit
        QVERIFY_THROWS_EXCEPTION(sl::io::ReadError, sl::io::readMatrixFile(m_dir.path().toStdString()));
    }

    void directoryIsNamedAsSuch()
    {
        // A directory used to be reported by its stream "size" (2⁶³ − 1 bytes, over the limit).
        const std::string directory = m_dir.path().toStdString();
        for (int reader = 0; reader < 3; ++reader) {
            try {
                if (reader == 0)
                    sl::io::readFileBytes(directory);
                else if (reader == 1)
                    sl::io::readMatrixFile(directory);
                else
                    sl::io::readNumbersFile(directory);
                QFAIL("no ReadError for a directory");
            } catch (const sl::io::ReadError& e) {
                const QString message = QString::fromUtf8(e.what());
                QCOMPARE(message, QString::fromStdString(directory) + ": is a directory, not a file");
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestMatrixReader)
#include "test_matrix_reader.moc"
