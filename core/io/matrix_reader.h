// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sl::io {

// A file that cannot be read as numbers. The message names the file and, where it helps, the line.
class ReadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Files larger than this are refused before they are read (a guard, not a format limit).
inline constexpr std::uint64_t kDefaultMaxFileBytes = 1ull << 30;

// Text with one row per line, fields separated by commas, semicolons, tabs or spaces. Blank lines and lines
// starting with '#' are skipped; a first line with a non-numeric field is taken as a header. Every row must
// have the same number of fields, and every field must be a finite number.
struct DelimitedTable {
    Eigen::MatrixXd values;
    std::vector<std::string> header;  // empty when the text has none
};
DelimitedTable parseDelimited(const std::string& text, const std::string& sourceName);

// The header of a NumPy .npy file (format versions 1-3): checked for magic, version and length, the three keys
// read but not judged (callers decide which dtypes and ranks they take). dataOffset is where the array starts.
struct NpyHeader {
    std::string descr;  // e.g. "<f8"
    bool fortranOrder = false;
    std::vector<std::uint64_t> shape;
    std::size_t dataOffset = 0;
};
NpyHeader parseNpyHeader(const char* bytes, std::size_t size, const std::string& sourceName);

// NumPy .npy (format versions 1-3): float32 or float64, either byte order, C or Fortran order, 1-D (read as a
// column) or 2-D. Anything else is refused with the reason.
Eigen::MatrixXd parseNpy(const std::string& bytes, const std::string& sourceName);

// A matrix from a file: .npy when the file starts with NumPy's magic bytes, delimited text otherwise.
Eigen::MatrixXd readMatrixFile(const std::string& path, std::uint64_t maxBytes = kDefaultMaxFileBytes);

// Numbers from a file: one per line, or one column of a table. `column` is empty (the file must have exactly
// one column), a header name, or a 1-based column number.
Eigen::VectorXd readNumbersFile(
    const std::string& path, const std::string& column = {}, std::uint64_t maxBytes = kDefaultMaxFileBytes);

// The whole file as bytes, refusing missing, unreadable or oversized files with a clear message.
std::string readFileBytes(const std::string& path, std::uint64_t maxBytes = kDefaultMaxFileBytes);

}  // namespace sl::io
