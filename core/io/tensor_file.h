// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sl::io {

// Weight files from other frameworks, listed tensor by tensor and converted to a matrix only when asked:
//   .safetensors  8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, raw
//                 little-endian data (Hugging Face's format); F64, F32, F16 and BF16 are converted.
//   .npz          a ZIP archive of .npy members (numpy.savez: stored; savez_compressed: deflate, via zlib).
//   .npy          one array (float16/32/64, either byte order, C or Fortran order).
//   text          CSV or whitespace table (core/io/matrix_reader.h's rules), one matrix.
// Files are memory-mapped: opening a 1 GB safetensors file reads its header only. Malformed files (truncated data,
// a header length beyond the file, a shape that does not match the byte count, duplicate names, bad JSON) are
// refused with ReadError naming the file; a tensor that is readable but not a 2-D float matrix (1-D, 3-D, an
// integer dtype, ...) is listed with the reason and refused only when its matrix is asked for.
enum class TensorFormat { Auto, Npy, Npz, Safetensors, Text };
const char* toString(TensorFormat format);

// Tensors larger than this many elements are not converted (as doubles they would need 8 GiB).
inline constexpr std::uint64_t kMaxMatrixElements = 1ull << 30;
// The safetensors reference implementation refuses headers above 100 MB; so do we.
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

struct TensorInfo {
    std::string name;
    std::string dtype;  // F64, F32, F16, BF16 for the convertible ones; otherwise as the file spells it
    std::vector<std::uint64_t> shape;
    // Why this tensor is not a matrix that can be analysed; empty when it is one.
    std::string skipReason;
    bool isMatrix() const { return skipReason.empty(); }
    std::uint64_t rows() const { return shape.size() == 2 ? shape[0] : 0; }
    std::uint64_t cols() const { return shape.size() == 2 ? shape[1] : 0; }
};

class TensorFile {
public:
    // Memory-maps `path`. Auto picks the format from the bytes (ZIP and .npy magic; a plausible safetensors
    // header) and falls back to text.
    static TensorFile open(const std::string& path, TensorFormat format = TensorFormat::Auto);
    // The same from bytes in memory (tests and fuzzing); `sourceName` prefixes every message.
    static TensorFile fromBytes(
        std::string bytes, const std::string& sourceName, TensorFormat format = TensorFormat::Auto);

    TensorFormat format() const { return m_format; }
    const std::string& source() const { return m_source; }
    const std::vector<TensorInfo>& tensors() const { return m_info; }
    std::optional<std::size_t> find(const std::string& name) const;

    // The tensor as a rows × cols matrix of doubles (row-major order in the file unless it says Fortran order).
    // Throws ReadError when it is not a matrix (the skip reason), when it is too large, when a compressed member
    // is corrupt, or when an element is NaN or infinite (naming the tensor and the element).
    Eigen::MatrixXd matrix(std::size_t index) const;

    struct Storage;
    struct Location;

private:
    TensorFormat m_format = TensorFormat::Auto;
    std::string m_source;
    std::shared_ptr<const Storage> m_storage;
    std::vector<TensorInfo> m_info;
    std::shared_ptr<const std::vector<Location>> m_locations;
};

// Element types the converter understands (exposed for the tests of the half-precision decoders).
double halfToDouble(std::uint16_t bits);
double bfloat16ToDouble(std::uint16_t bits);

}  // namespace sl::io
