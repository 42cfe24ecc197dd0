// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Weight files built byte by byte from the formats' definitions, for the reader and CLI tests:
//   safetensors: https://github.com/huggingface/safetensors (README, "Format"): u64 little-endian header size N,
//                N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
//                byte after the header), then the data, little-endian, row-major.
//   .npy:        NumPy's format 1.0 (magic, version, u16 header length, a dict literal padded to 64 bytes).
//   .npz/.zip:   PKWARE APPNOTE 4.3.7, local file headers + central directory + end record (what zipfile writes
//                for numpy.savez), members stored or raw-deflated with zlib.

#include <zlib.h>

#include <Eigen/Dense>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sl::test {

inline void putLE(std::string& out, std::uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(char((value >> (8 * i)) & 0xff));
}

struct SafetensorsTensor {
    std::string name;
    std::string dtype;
    std::vector<std::uint64_t> shape;
    std::string data;  // raw little-endian bytes
};

// `headerOut` receives the JSON text exactly as written; `padding` spaces are appended to it (the format allows
// trailing spaces so the data can start aligned).
inline std::string safetensorsFile(
    const std::vector<SafetensorsTensor>& tensors, std::string* headerOut = nullptr, int padding = 0)
{
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        header += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
        for (std::size_t i = 0; i < t.shape.size(); ++i)
            header += (i ? "," : "") + std::to_string(t.shape[i]);
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.data.size()) + "]}";
        offset += t.data.size();
    }
    header += "}" + std::string(std::size_t(padding), ' ');
    if (headerOut)
        *headerOut = header;
    std::string out;
    putLE(out, header.size(), 8);
    out += header;
    for (const auto& t : tensors)
        out += t.data;
    return out;
}

// Row-major bytes of a matrix as float64 / float32.
inline std::string f64Bytes(const Eigen::MatrixXd& m)
{
    std::string s;
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const double v = m(r, c);
            char b[8];
            std::memcpy(b, &v, 8);
            s.append(b, 8);
        }
    return s;
}

inline std::string f32Bytes(const Eigen::MatrixXd& m)
{
    std::string s;
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const float v = float(m(r, c));
            char b[4];
            std::memcpy(b, &v, 4);
            s.append(b, 4);
        }
    return s;
}

inline std::string u16Bytes(const std::vector<std::uint16_t>& values)
{
    std::string s;
    for (std::uint16_t v : values)
        putLE(s, v, 2);
    return s;
}

// NumPy .npy, format 1.0, C order unless `fortran`.
inline std::string npyFile(
    const std::string& descr, const std::string& shape, const std::string& payload, bool fortran = false)
{
    std::string header
        = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
        header.push_back(' ');
    header.push_back('\n');
    std::string out = "\x93NUMPY";
    out.push_back(1);
    out.push_back(0);
    putLE(out, header.size(), 2);
    return out + header + payload;
}

struct ZipEntry {
    std::string name;
    std::string data;
    bool deflate = false;
};

inline std::string rawDeflate(const std::string& data)
{
    z_stream s{};
    deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&s, uLong(data.size())), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = uInt(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = uInt(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

inline std::string zipFile(const std::vector<ZipEntry>& entries)
{
    std::string out, directory;
    for (const auto& e : entries) {
        const std::string stored = e.deflate ? rawDeflate(e.data) : e.data;
        const auto crc = std::uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(e.data.data()), uInt(e.data.size())));
        const std::uint64_t offset = out.size();
        const std::uint16_t method = e.deflate ? 8 : 0;
        putLE(out, 0x04034b50, 4);
        putLE(out, 20, 2);  // version needed
        putLE(out, 0, 2);  // flags
        putLE(out, method, 2);
        putLE(out, 0, 4);  // time, date
        putLE(out, crc, 4);
        putLE(out, stored.size(), 4);
        putLE(out, e.data.size(), 4);
        putLE(out, e.name.size(), 2);
        putLE(out, 0, 2);
        out += e.name + stored;
        putLE(directory, 0x02014b50, 4);
        putLE(directory, 20, 2);  // made by
        putLE(directory, 20, 2);  // needed
        putLE(directory, 0, 2);
        putLE(directory, method, 2);
        putLE(directory, 0, 4);
        putLE(directory, crc, 4);
        putLE(directory, stored.size(), 4);
        putLE(directory, e.data.size(), 4);
        putLE(directory, e.name.size(), 2);
        putLE(directory, 0, 2);  // extra
        putLE(directory, 0, 2);  // comment
        putLE(directory, 0, 2);  // disk
        putLE(directory, 0, 2);  // internal attributes
        putLE(directory, 0, 4);  // external attributes
        putLE(directory, offset, 4);
        directory += e.name;
    }
    const std::uint64_t directoryOffset = out.size();
    out += directory;
    putLE(out, 0x06054b50, 4);
    putLE(out, 0, 2);
    putLE(out, 0, 2);
    putLE(out, entries.size(), 2);
    putLE(out, entries.size(), 2);
    putLE(out, directory.size(), 4);
    putLE(out, directoryOffset, 4);
    putLE(out, 0, 2);
    return out;
}

// A row-major "(r, c)" shape literal for .npy headers.
inline std::string npyShape(Eigen::Index rows, Eigen::Index cols)
{
    return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

}  // namespace sl::test
