// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/matrix_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace sl::io {
namespace {

bool isSeparator(char c)
{
    return c == ',' || c == ';' || c == '\t' || c == ' ' || c == '\r';
}

std::vector<std::string> splitFields(const std::string& line)
{
    std::vector<std::string> fields;
    const bool hasExplicitSeparator = line.find_first_of(",;") != std::string::npos;
    std::string current;
    bool inField = false;
    for (char c : line) {
        const bool separates = hasExplicitSeparator ? (c == ',' || c == ';') : isSeparator(c);
        if (separates) {
            if (hasExplicitSeparator || inField)
                fields.push_back(current);
            current.clear();
            inField = false;
        } else {
            current.push_back(c);
            inField = true;
        }
    }
    if (hasExplicitSeparator || inField)
        fields.push_back(current);
    // Trim spaces around comma-separated fields.
    for (auto& f : fields) {
        const auto first = f.find_first_not_of(" \t\r");
        const auto last = f.find_last_not_of(" \t\r");
        f = first == std::string::npos ? std::string() : f.substr(first, last - first + 1);
    }
    return fields;
}

bool parseNumber(const std::string& field, double& value)
{
    if (field.empty())
        return false;
    const char* begin = field.c_str();
    char* end = nullptr;
    errno = 0;
    value = std::strtod(begin, &end);
    return end == begin + field.size() && errno != ERANGE;
}

std::string lineRef(const std::string& source, std::size_t line)
{
    return source + ":" + std::to_string(line) + ": ";
}

}  // namespace

DelimitedTable parseDelimited(const std::string& text, const std::string& sourceName)
{
    DelimitedTable table;
    std::vector<double> values;
    std::size_t columns = 0, rows = 0, lineNumber = 0;
    std::istringstream stream(text);
    std::string line;
    bool firstContentLine = true;
    while (std::getline(stream, line)) {
        ++lineNumber;
        const auto start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#')
            continue;
        const std::vector<std::string> fields = splitFields(line);
        std::vector<double> row(fields.size());
        bool numeric = true;
        for (std::size_t i = 0; i < fields.size(); ++i)
            numeric = numeric && parseNumber(fields[i], row[i]);
        if (firstContentLine && !numeric) {
            table.header = fields;
            columns = fields.size();
            firstContentLine = false;
            continue;
        }
        firstContentLine = false;
        if (!numeric) {
            for (const auto& f : fields) {
                double unused;
                if (!parseNumber(f, unused))
                    throw ReadError(lineRef(sourceName, lineNumber) + "'" + f.substr(0, 40) + "' is not a number");
            }
        }
        for (std::size_t i = 0; i < row.size(); ++i)
            if (!std::isfinite(row[i]))
                throw ReadError(lineRef(sourceName, lineNumber) + "field " + std::to_string(i + 1) + " is not finite ("
                    + fields[i] + ")");
        if (columns == 0)
            columns = row.size();
        if (row.size() != columns)
            throw ReadError(lineRef(sourceName, lineNumber) + "has " + std::to_string(row.size()) + " fields, expected "
                + std::to_string(columns));
        values.insert(values.end(), row.begin(), row.end());
        ++rows;
    }
    if (rows == 0)
        throw ReadError(sourceName + ": no numbers found");
    table.values = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        values.data(), Eigen::Index(rows), Eigen::Index(columns));
    return table;
}

namespace {

// Reads the value of `key` in NumPy's header dictionary (a Python literal), e.g. 'descr': '<f8'.
std::string headerValue(const std::string& header, const std::string& key, const std::string& source)
{
    const std::string quoted = "'" + key + "'";
    auto pos = header.find(quoted);
    if (pos == std::string::npos)
        throw ReadError(source + ": .npy header has no '" + key + "'");
    pos = header.find(':', pos + quoted.size());
    if (pos == std::string::npos)
        throw ReadError(source + ": malformed .npy header near '" + key + "'");
    ++pos;
    while (pos < header.size() && header[pos] == ' ')
        ++pos;
    if (pos >= header.size())
        throw ReadError(source + ": malformed .npy header near '" + key + "'");
    std::size_t end;
    if (header[pos] == '\'') {
        end = header.find('\'', pos + 1);
        if (end == std::string::npos)
            throw ReadError(source + ": malformed .npy header near '" + key + "'");
        return header.substr(pos + 1, end - pos - 1);
    }
    if (header[pos] == '(') {
        end = header.find(')', pos);
        if (end == std::string::npos)
            throw ReadError(source + ": malformed .npy header near '" + key + "'");
        return header.substr(pos, end - pos + 1);
    }
    end = header.find_first_of(",}", pos);
    if (end == std::string::npos)
        throw ReadError(source + ": malformed .npy header near '" + key + "'");
    std::string value = header.substr(pos, end - pos);
    value.erase(value.find_last_not_of(' ') + 1);
    return value;
}

std::vector<std::uint64_t> parseShape(const std::string& tuple, const std::string& source)
{
    std::vector<std::uint64_t> shape;
    // A value that is not "(...)" (e.g. empty, found by fuzz/fuzz_npy.cpp) made substr throw std::out_of_range.
    if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')')
        throw ReadError(source + ": .npy shape '" + tuple + "' is not a tuple of sizes");
    std::string inner = tuple.substr(1, tuple.size() - 2);
    std::istringstream stream(inner);
    std::string item;
    while (std::getline(stream, item, ',')) {
        const auto first = item.find_first_not_of(' ');
        if (first == std::string::npos)
            continue;
        item = item.substr(first, item.find_last_not_of(' ') - first + 1);
        if (item.empty() || item.size() > 18 || !std::all_of(item.begin(), item.end(), ::isdigit))
            throw ReadError(source + ": .npy shape " + tuple + " is not a tuple of sizes");
        shape.push_back(std::stoull(item));
    }
    return shape;
}

}  // namespace

NpyHeader parseNpyHeader(const char* bytes, std::size_t size, const std::string& sourceName)
{
    static const char kMagic[] = "\x93NUMPY";
    if (size < 10 || std::memcmp(bytes, kMagic, 6) != 0)
        throw ReadError(sourceName + ": not a NumPy .npy file");
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLength, headerStart;
    if (major == 1) {
        headerLength = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (size < 12)
            throw ReadError(sourceName + ": truncated .npy header");
        headerLength = 0;
        for (int i = 0; i < 4; ++i)
            headerLength |= std::size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
        headerStart = 12;
    } else {
        throw ReadError(sourceName + ": unsupported .npy format version " + std::to_string(major));
    }
    if (headerLength > size - headerStart)
        throw ReadError(sourceName + ": truncated .npy header");
    const std::string header(bytes + headerStart, headerLength);
    NpyHeader out;
    out.descr = headerValue(header, "descr", sourceName);
    const std::string fortran = headerValue(header, "fortran_order", sourceName);
    out.shape = parseShape(headerValue(header, "shape", sourceName), sourceName);
    if (fortran != "True" && fortran != "False")
        throw ReadError(sourceName + ": .npy fortran_order must be True or False");
    out.fortranOrder = fortran == "True";
    out.dataOffset = headerStart + headerLength;
    return out;
}

Eigen::MatrixXd parseNpy(const std::string& bytes, const std::string& sourceName)
{
    const NpyHeader parsed = parseNpyHeader(bytes.data(), bytes.size(), sourceName);
    const std::string& descr = parsed.descr;
    const std::vector<std::uint64_t>& shape = parsed.shape;
    const std::size_t headerStart = 0, headerLength = parsed.dataOffset;
    const std::string fortran = parsed.fortranOrder ? "True" : "False";

    if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '>' && descr[0] != '=') || descr[1] != 'f'
        || (descr[2] != '4' && descr[2] != '8'))
        throw ReadError(sourceName + ": .npy dtype '" + descr + "' is not supported (need float32 or float64)");
    if (shape.empty() || shape.size() > 2)
        throw ReadError(sourceName + ": .npy array has " + std::to_string(shape.size()) + " dimensions (need 1 or 2)");
    const std::uint64_t rows = shape[0];
    const std::uint64_t cols = shape.size() == 2 ? shape[1] : 1;
    const std::size_t itemSize = descr[2] == '4' ? 4 : 8;
    const std::uint64_t maxIndex = std::uint64_t(std::numeric_limits<Eigen::Index>::max());
    if (rows == 0 || cols == 0)
        throw ReadError(sourceName + ": .npy array is empty");
    if (rows > maxIndex / cols || rows * cols > (bytes.size() - headerStart - headerLength) / itemSize)
        throw ReadError(sourceName + ": .npy data is shorter than its shape says");
    const std::uint64_t count = rows * cols;
    const bool swap = descr[0] == '>';
    const char* data = bytes.data() + headerStart + headerLength;

    std::vector<double> flat(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        unsigned char raw[8];
        std::memcpy(raw, data + i * itemSize, itemSize);
        if (swap)
            std::reverse(raw, raw + itemSize);
        if (itemSize == 4) {
            float f;
            std::memcpy(&f, raw, 4);
            flat[i] = f;
        } else {
            std::memcpy(&flat[i], raw, 8);
        }
        if (!std::isfinite(flat[i]))
            throw ReadError(sourceName + ": .npy element " + std::to_string(i) + " is not finite");
    }
    Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < cols; ++c)
            matrix(Eigen::Index(r), Eigen::Index(c)) = fortran == "True" ? flat[c * rows + r] : flat[r * cols + c];
    return matrix;
}

std::string readFileBytes(const std::string& path, std::uint64_t maxBytes)
{
    // On Linux a directory opens as a stream whose end is at 2⁶³ − 1, which read as "file is 9223372036854775807
    // bytes"; say what it is instead.
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw ReadError(path + ": is a directory, not a file");
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file)
        throw ReadError(path + ": cannot open (" + std::strerror(errno) + ")");
    const std::streamoff size = file.tellg();
    if (size < 0)
        throw ReadError(path + ": cannot read");
    if (std::uint64_t(size) > maxBytes)
        throw ReadError(
            path + ": file is " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(maxBytes));
    std::string bytes(std::size_t(size), '\0');
    file.seekg(0);
    if (size > 0 && !file.read(bytes.data(), size))
        throw ReadError(path + ": read failed");
    return bytes;
}

Eigen::MatrixXd readMatrixFile(const std::string& path, std::uint64_t maxBytes)
{
    const std::string bytes = readFileBytes(path, maxBytes);
    if (bytes.size() >= 6 && bytes.compare(0, 6, "\x93NUMPY", 6) == 0)
        return parseNpy(bytes, path);
    return parseDelimited(bytes, path).values;
}

Eigen::VectorXd readNumbersFile(const std::string& path, const std::string& column, std::uint64_t maxBytes)
{
    const std::string bytes = readFileBytes(path, maxBytes);
    Eigen::MatrixXd values;
    std::vector<std::string> header;
    if (bytes.size() >= 6 && bytes.compare(0, 6, "\x93NUMPY", 6) == 0) {
        values = parseNpy(bytes, path);
    } else {
        DelimitedTable table = parseDelimited(bytes, path);
        values = std::move(table.values);
        header = std::move(table.header);
    }
    if (column.empty()) {
        if (values.cols() != 1)
            throw ReadError(
                path + ": has " + std::to_string(values.cols()) + " columns; choose one with a column name or number");
        return values.col(0);
    }
    const auto named = std::find(header.begin(), header.end(), column);
    Eigen::Index index = -1;
    if (named != header.end()) {
        index = Eigen::Index(named - header.begin());
    } else if (!column.empty() && column.size() < 10 && std::all_of(column.begin(), column.end(), ::isdigit)) {
        index = Eigen::Index(std::stol(column)) - 1;
    }
    if (index < 0 || index >= values.cols())
        throw ReadError(path + ": no column '" + column + "' (the file has " + std::to_string(values.cols())
            + " columns" + (header.empty() ? "" : ", named in its header") + ")");
    return values.col(index);
}

}  // namespace sl::io
