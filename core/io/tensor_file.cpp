// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/tensor_file.h"

#include "core/io/matrix_reader.h"
#include "core/io/zip_archive.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

namespace sl::io {

enum class Element { None, F64, F32, F16, BF16 };

struct TensorFile::Storage {
    std::string owned;
    const char* data = nullptr;
    std::uint64_t size = 0;
    void* map = nullptr;
    std::size_t mapLength = 0;
    std::unique_ptr<ZipArchive> zip;

    Storage() = default;
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
    ~Storage()
    {
        if (map)
            ::munmap(map, mapLength);
    }
};

struct TensorFile::Location {
    enum class Kind { View, ZipMember, Dense } kind = Kind::View;
    std::uint64_t offset = 0;  // View: where the data starts in the storage
    std::size_t member = 0;  // ZipMember: index in the archive
    std::uint64_t memberDataOffset = 0;  // ZipMember: where the array starts inside the (inflated) member
    Element element = Element::None;
    bool bigEndian = false;
    bool fortranOrder = false;
    Eigen::MatrixXd dense;  // Dense: text files are parsed to know their shape
};

const char* toString(TensorFormat format)
{
    switch (format) {
    case TensorFormat::Auto: return "auto";
    case TensorFormat::Npy: return "npy";
    case TensorFormat::Npz: return "npz";
    case TensorFormat::Safetensors: return "safetensors";
    case TensorFormat::Text: return "text";
    }
    return "unknown";
}

double halfToDouble(std::uint16_t bits)
{
    const int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
    double value;
    if (exponent == 0)
        value = std::ldexp(double(mantissa), -24);  // zero and subnormals
    else if (exponent == 31)
        value = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
    else
        value = std::ldexp(double(1024 + mantissa), exponent - 25);
    return sign ? -value : value;
}

double bfloat16ToDouble(std::uint16_t bits)
{
    const std::uint32_t wide = std::uint32_t(bits) << 16;  // bfloat16 is the upper half of a float32
    float f;
    std::memcpy(&f, &wide, 4);
    return f;
}

namespace {

int elementSize(Element e)
{
    switch (e) {
    case Element::F64: return 8;
    case Element::F32: return 4;
    case Element::F16:
    case Element::BF16: return 2;
    case Element::None: return 0;
    }
    return 0;
}

std::string shapeText(const std::vector<std::uint64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Number of elements, or nullopt on overflow of 64 bits.
std::optional<std::uint64_t> elementCount(const std::vector<std::uint64_t>& shape)
{
    std::uint64_t n = 1;
    for (std::uint64_t d : shape) {
        if (d != 0 && n > UINT64_MAX / d)
            return std::nullopt;
        n *= d;
    }
    return n;
}

std::string skipReasonFor(const std::vector<std::uint64_t>& shape, Element element, const std::string& dtype)
{
    if (element == Element::None)
        return "dtype " + dtype + " is not supported (F64, F32, F16 and BF16 are)";
    if (shape.size() != 2)
        return std::to_string(shape.size()) + "-D tensor " + shapeText(shape) + ": only 2-D matrices are analysed";
    if (shape[0] == 0 || shape[1] == 0)
        return "empty matrix " + shapeText(shape);
    return {};
}

// --- A small JSON reader for the safetensors header -------------------------------------------------------------

struct Json {
    enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    std::string text;  // a string's value, or a number's spelling (kept for exact 64-bit integers)
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;
};

class JsonParser {
public:
    JsonParser(const char* begin, const char* end, std::string source)
        : m_p(begin), m_end(end), m_source(std::move(source))
    {
    }

    Json document()
    {
        Json v = value(0);
        skipSpace();
        if (m_p != m_end)
            fail("unexpected text after the JSON object");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw ReadError(m_source + ": safetensors header is not valid JSON: " + what);
    }
    void skipSpace()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    bool literal(const char* word)
    {
        const std::size_t n = std::strlen(word);
        if (std::size_t(m_end - m_p) >= n && std::memcmp(m_p, word, n) == 0) {
            m_p += n;
            return true;
        }
        return false;
    }
    static void appendUtf8(std::string& out, std::uint32_t code)
    {
        if (code < 0x80) {
            out.push_back(char(code));
        } else if (code < 0x800) {
            out.push_back(char(0xc0 | (code >> 6)));
            out.push_back(char(0x80 | (code & 0x3f)));
        } else if (code < 0x10000) {
            out.push_back(char(0xe0 | (code >> 12)));
            out.push_back(char(0x80 | ((code >> 6) & 0x3f)));
            out.push_back(char(0x80 | (code & 0x3f)));
        } else {
            out.push_back(char(0xf0 | (code >> 18)));
            out.push_back(char(0x80 | ((code >> 12) & 0x3f)));
            out.push_back(char(0x80 | ((code >> 6) & 0x3f)));
            out.push_back(char(0x80 | (code & 0x3f)));
        }
    }
    std::uint32_t hex4()
    {
        if (m_end - m_p < 4)
            fail("truncated \\u escape");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_p++;
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= std::uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= std::uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= std::uint32_t(c - 'A' + 10);
            else
                fail("bad \\u escape");
        }
        return v;
    }
    std::string string()
    {
        ++m_p;  // opening quote
        std::string out;
        while (true) {
            if (m_p == m_end)
                fail("unterminated string");
            const char c = *m_p++;
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20)
                fail("control character in a string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (m_p == m_end)
                fail("unterminated escape");
            const char e = *m_p++;
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                std::uint32_t code = hex4();
                if (code >= 0xd800 && code < 0xdc00 && m_end - m_p >= 6 && m_p[0] == '\\' && m_p[1] == 'u') {
                    m_p += 2;
                    const std::uint32_t low = hex4();
                    if (low >= 0xdc00 && low < 0xe000)
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                    else
                        fail("unpaired surrogate");
                }
                appendUtf8(out, code);
                break;
            }
            default: fail(std::string("bad escape \\") + e);
            }
        }
    }
    Json value(int depth)
    {
        if (depth > 16)
            fail("nested too deeply");
        skipSpace();
        if (m_p == m_end)
            fail("unexpected end");
        Json v;
        const char c = *m_p;
        if (c == '{') {
            v.kind = Json::Kind::Object;
            ++m_p;
            skipSpace();
            if (m_p != m_end && *m_p == '}') {
                ++m_p;
                return v;
            }
            while (true) {
                skipSpace();
                if (m_p == m_end || *m_p != '"')
                    fail("expected a quoted key");
                std::string key = string();
                skipSpace();
                if (m_p == m_end || *m_p != ':')
                    fail("expected ':' after key \"" + key.substr(0, 60) + "\"");
                ++m_p;
                v.members.emplace_back(std::move(key), value(depth + 1));
                skipSpace();
                if (m_p != m_end && *m_p == ',') {
                    ++m_p;
                    continue;
                }
                if (m_p != m_end && *m_p == '}') {
                    ++m_p;
                    return v;
                }
                fail("expected ',' or '}' in an object");
            }
        }
        if (c == '[') {
            v.kind = Json::Kind::Array;
            ++m_p;
            skipSpace();
            if (m_p != m_end && *m_p == ']') {
                ++m_p;
                return v;
            }
            while (true) {
                v.items.push_back(value(depth + 1));
                skipSpace();
                if (m_p != m_end && *m_p == ',') {
                    ++m_p;
                    continue;
                }
                if (m_p != m_end && *m_p == ']') {
                    ++m_p;
                    return v;
                }
                fail("expected ',' or ']' in an array");
            }
        }
        if (c == '"') {
            v.kind = Json::Kind::String;
            v.text = string();
            return v;
        }
        if (literal("true") || literal("false")) {
            v.kind = Json::Kind::Bool;
            return v;
        }
        if (literal("null"))
            return v;
        if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = Json::Kind::Number;
            const char* start = m_p;
            while (m_p != m_end
                && (std::isdigit(static_cast<unsigned char>(*m_p)) || *m_p == '-' || *m_p == '+' || *m_p == '.'
                    || *m_p == 'e' || *m_p == 'E'))
                ++m_p;
            v.text.assign(start, m_p);
            return v;
        }
        fail(std::string("unexpected character '") + c + "'");
    }

    const char* m_p;
    const char* m_end;
    std::string m_source;
};

// A JSON number that must be a non-negative integer below 2⁶⁴.
std::optional<std::uint64_t> jsonUnsigned(const Json& v)
{
    if (v.kind != Json::Kind::Number || v.text.empty() || v.text.size() > 20
        || !std::all_of(
            v.text.begin(), v.text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v.text) {
        const auto d = std::uint64_t(c - '0');
        if (n > (UINT64_MAX - d) / 10)
            return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

const Json* jsonMember(const Json& object, const std::string& key)
{
    for (const auto& [k, v] : object.members)
        if (k == key)
            return &v;
    return nullptr;
}

// Known safetensors dtypes: the converter's element type and the byte size (0 when unknown).
std::pair<Element, int> safetensorsDtype(const std::string& dtype)
{
    static const std::map<std::string, std::pair<Element, int>> known{{"F64", {Element::F64, 8}},
        {"F32", {Element::F32, 4}}, {"F16", {Element::F16, 2}}, {"BF16", {Element::BF16, 2}},
        {"I64", {Element::None, 8}}, {"U64", {Element::None, 8}}, {"I32", {Element::None, 4}},
        {"U32", {Element::None, 4}}, {"I16", {Element::None, 2}}, {"U16", {Element::None, 2}},
        {"I8", {Element::None, 1}}, {"U8", {Element::None, 1}}, {"BOOL", {Element::None, 1}},
        {"F8_E4M3", {Element::None, 1}}, {"F8_E5M2", {Element::None, 1}}, {"C64", {Element::None, 8}}};
    const auto it = known.find(dtype);
    return it == known.end() ? std::pair<Element, int>{Element::None, 0} : it->second;
}

// NumPy's descr ("<f4", ">f8", "|u1", ...): the element type (None if not a float we convert), the byte order and
// the item size (0 when the descr is not a simple scalar type).
struct NpyType {
    Element element = Element::None;
    bool bigEndian = false;
    int itemSize = 0;
};
NpyType npyType(const std::string& descr)
{
    NpyType t;
    if (descr.size() < 3 || std::string("<>=|").find(descr[0]) == std::string::npos
        || std::string("biufcmM").find(descr[1]) == std::string::npos || descr.size() > 5)
        return t;
    const std::string digits = descr.substr(2);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return t;
    t.itemSize = std::stoi(digits);
    t.bigEndian = descr[0] == '>';
    if (descr[1] == 'f')
        t.element = t.itemSize == 8 ? Element::F64
            : t.itemSize == 4       ? Element::F32
            : t.itemSize == 2       ? Element::F16
                                    : Element::None;
    return t;
}

std::string npyDtypeName(const NpyType& t, const std::string& descr)
{
    switch (t.element) {
    case Element::F64: return "F64";
    case Element::F32: return "F32";
    case Element::F16: return "F16";
    default: return descr;
    }
}

std::string stem(const std::string& path)
{
    std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    const auto dot = base.find_last_of('.');
    if (dot != std::string::npos && dot > 0)
        base.resize(dot);
    return base;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lowerCase(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::uint64_t readLE64(const char* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

TensorFormat detectFormat(const char* data, std::uint64_t size, const std::string& source)
{
    const std::string name = lowerCase(source);
    if (endsWith(name, ".safetensors"))
        return TensorFormat::Safetensors;
    if (endsWith(name, ".npz"))
        return TensorFormat::Npz;
    if (endsWith(name, ".npy"))
        return TensorFormat::Npy;
    if (looksLikeZip(data, size))
        return TensorFormat::Npz;
    if (size >= 6 && std::memcmp(data, "\x93NUMPY", 6) == 0)
        return TensorFormat::Npy;
    if (size >= 9 && data[8] == '{' && readLE64(data) <= size - 8)
        return TensorFormat::Safetensors;
    return TensorFormat::Text;
}

}  // namespace

// --- Parsers ------------------------------------------------------------------------------------------------------

namespace {

using Locations = std::vector<TensorFile::Location>;

void parseSafetensors(
    const TensorFile::Storage& s, const std::string& src, std::vector<TensorInfo>& info, Locations& locs)
{
    if (s.size < 8)
        throw ReadError(src + ": too short for a safetensors file (" + std::to_string(s.size)
            + " bytes; the header length alone is 8)");
    const std::uint64_t headerLength = readLE64(s.data);
    if (headerLength > s.size - 8)
        throw ReadError(src + ": safetensors header length " + std::to_string(headerLength)
            + " runs past the end of the " + std::to_string(s.size)
            + "-byte file (truncated, or not a safetensors file)");
    if (headerLength > kMaxSafetensorsHeader)
        throw ReadError(src + ": safetensors header length " + std::to_string(headerLength)
            + " is above the format's 100 MB limit");
    if (headerLength < 2 || s.data[8] != '{')
        throw ReadError(src + ": safetensors header does not start with '{'");
    const Json header = JsonParser(s.data + 8, s.data + 8 + headerLength, src).document();
    if (header.kind != Json::Kind::Object)
        throw ReadError(src + ": safetensors header is not a JSON object");
    const std::uint64_t dataStart = 8 + headerLength, dataSize = s.size - dataStart;
    std::set<std::string> seen;
    for (const auto& [name, entry] : header.members) {
        if (name == "__metadata__")
            continue;
        const std::string ref = src + ": tensor '" + name + "'";
        if (!seen.insert(name).second)
            throw ReadError(ref + " appears twice in the header");
        if (entry.kind != Json::Kind::Object)
            throw ReadError(ref + ": header entry is not an object");
        const Json* dtype = jsonMember(entry, "dtype");
        const Json* shape = jsonMember(entry, "shape");
        const Json* offsets = jsonMember(entry, "data_offsets");
        if (!dtype || dtype->kind != Json::Kind::String)
            throw ReadError(ref + ": no \"dtype\" string");
        if (!shape || shape->kind != Json::Kind::Array)
            throw ReadError(ref + ": no \"shape\" list");
        if (!offsets || offsets->kind != Json::Kind::Array || offsets->items.size() != 2)
            throw ReadError(ref + ": \"data_offsets\" is not a list [begin, end]");
        TensorInfo t;
        t.name = name;
        t.dtype = dtype->text;
        for (const Json& d : shape->items) {
            const auto n = jsonUnsigned(d);
            if (!n)
                throw ReadError(ref + ": shape entries must be non-negative integers");
            t.shape.push_back(*n);
        }
        const auto begin = jsonUnsigned(offsets->items[0]), end = jsonUnsigned(offsets->items[1]);
        if (!begin || !end || *end < *begin)
            throw ReadError(ref + ": data_offsets must be integers with begin <= end");
        if (*end > dataSize)
            throw ReadError(ref + ": data_offsets [" + std::to_string(*begin) + ", " + std::to_string(*end)
                + "] run past the end of the data (" + std::to_string(dataSize) + " bytes; truncated?)");
        const auto [element, size] = safetensorsDtype(t.dtype);
        const auto count = elementCount(t.shape);
        if (!count)
            throw ReadError(ref + ": shape " + shapeText(t.shape) + " overflows");
        if (size > 0 && (*count > UINT64_MAX / std::uint64_t(size) || *count * std::uint64_t(size) != *end - *begin))
            throw ReadError(ref + ": shape " + shapeText(t.shape) + " of " + t.dtype + " needs "
                + (*count > UINT64_MAX / std::uint64_t(size) ? std::string("more than 2^64")
                                                             : std::to_string(*count * std::uint64_t(size)))
                + " bytes but data_offsets span " + std::to_string(*end - *begin));
        t.skipReason = size == 0 ? "unknown dtype " + t.dtype : skipReasonFor(t.shape, element, t.dtype);
        TensorFile::Location loc;
        loc.kind = TensorFile::Location::Kind::View;
        loc.offset = dataStart + *begin;
        loc.element = element;
        info.push_back(std::move(t));
        locs.push_back(std::move(loc));
    }
}

// One .npy array in `bytes` (of which `available` bytes hold data after the header): TensorInfo and layout.
void describeNpy(
    const NpyHeader& h, std::uint64_t available, const std::string& ref, TensorInfo& t, TensorFile::Location& loc)
{
    const NpyType type = npyType(h.descr);
    t.shape = h.shape;
    t.dtype = npyDtypeName(type, h.descr);
    loc.element = type.element;
    loc.bigEndian = type.bigEndian;
    loc.fortranOrder = h.fortranOrder;
    const auto count = elementCount(h.shape);
    if (!count)
        throw ReadError(ref + ": shape " + shapeText(h.shape) + " overflows");
    if (type.itemSize > 0) {
        if (*count > available / std::uint64_t(type.itemSize))
            throw ReadError(ref + ": data is shorter than its shape " + shapeText(h.shape) + " of " + h.descr
                + " says (" + std::to_string(available) + " bytes; truncated?)");
        t.skipReason = skipReasonFor(h.shape, type.element, h.descr);
    } else {
        t.skipReason = "dtype " + h.descr + " is not supported (float16, float32 and float64 are)";
    }
}

void parseNpyFile(const TensorFile::Storage& s, const std::string& src, std::vector<TensorInfo>& info, Locations& locs)
{
    const NpyHeader h = parseNpyHeader(s.data, std::size_t(s.size), src);
    TensorInfo t;
    t.name = stem(src);
    TensorFile::Location loc;
    loc.kind = TensorFile::Location::Kind::View;
    loc.offset = h.dataOffset;
    describeNpy(h, s.size - h.dataOffset, src, t, loc);
    info.push_back(std::move(t));
    locs.push_back(std::move(loc));
}

void parseNpz(TensorFile::Storage& s, const std::string& src, std::vector<TensorInfo>& info, Locations& locs)
{
    s.zip = std::make_unique<ZipArchive>(s.data, s.size, src);
    const auto& members = s.zip->members();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < members.size(); ++i) {
        const ZipMember& m = members[i];
        if (!m.name.empty() && m.name.back() == '/')
            continue;  // a directory entry
        TensorInfo t;
        t.name = endsWith(m.name, ".npy") ? m.name.substr(0, m.name.size() - 4) : m.name;
        const std::string ref = src + ": array '" + t.name + "'";
        if (!seen.insert(t.name).second)
            throw ReadError(ref + " appears twice in the archive");
        TensorFile::Location loc;
        loc.kind = TensorFile::Location::Kind::ZipMember;
        loc.member = i;
        if (!endsWith(m.name, ".npy")) {
            t.dtype = "-";
            t.skipReason = "not an .npy member";
        } else if (!m.extractable()) {
            t.dtype = "-";
            t.skipReason = m.encrypted ? "encrypted member"
                                       : "compression method " + std::to_string(m.method) + " is not supported";
        } else {
            // Only the header is inflated here: 12 bytes give its length, then the header itself.
            std::string prefix = s.zip->extract(m, 12);
            if (prefix.size() >= 10 && std::memcmp(prefix.data(), "\x93NUMPY", 6) == 0) {
                const auto major = static_cast<unsigned char>(prefix[6]);
                std::uint64_t length = major == 1
                    ? 10 + (static_cast<unsigned char>(prefix[8]) | (static_cast<unsigned char>(prefix[9]) << 8))
                    : prefix.size() >= 12 ? 12 + std::uint64_t(readLE64(prefix.data() + 8) & 0xffffffffu)
                                          : 12;
                prefix = s.zip->extract(m, length);
            }
            const NpyHeader h = parseNpyHeader(prefix.data(), prefix.size(), ref);
            loc.memberDataOffset = h.dataOffset;
            describeNpy(h, m.uncompressedSize - std::min<std::uint64_t>(h.dataOffset, m.uncompressedSize), ref, t, loc);
        }
        info.push_back(std::move(t));
        locs.push_back(std::move(loc));
    }
}

void parseText(const TensorFile::Storage& s, const std::string& src, std::vector<TensorInfo>& info, Locations& locs)
{
    if (s.size > kDefaultMaxFileBytes)
        throw ReadError(src + ": a text file of " + std::to_string(s.size) + " bytes is more than the limit of "
            + std::to_string(kDefaultMaxFileBytes));
    TensorFile::Location loc;
    loc.kind = TensorFile::Location::Kind::Dense;
    loc.element = Element::F64;
    loc.dense = parseDelimited(std::string(s.data, std::size_t(s.size)), src).values;
    TensorInfo t;
    t.name = stem(src);
    t.dtype = "text";
    t.shape = {std::uint64_t(loc.dense.rows()), std::uint64_t(loc.dense.cols())};
    info.push_back(std::move(t));
    locs.push_back(std::move(loc));
}

Eigen::MatrixXd convert(const char* data, std::uint64_t rows, std::uint64_t cols, Element element, bool bigEndian,
    bool fortranOrder, const std::string& ref)
{
    const int size = elementSize(element);
    Eigen::MatrixXd m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    const std::uint64_t count = rows * cols;
    for (std::uint64_t k = 0; k < count; ++k) {
        unsigned char raw[8];
        std::memcpy(raw, data + k * std::uint64_t(size), std::size_t(size));
        if (bigEndian)
            std::reverse(raw, raw + size);
        double v;
        switch (element) {
        case Element::F64: std::memcpy(&v, raw, 8); break;
        case Element::F32: {
            float f;
            std::memcpy(&f, raw, 4);
            v = f;
            break;
        }
        case Element::F16: v = halfToDouble(std::uint16_t(raw[0] | (raw[1] << 8))); break;
        case Element::BF16: v = bfloat16ToDouble(std::uint16_t(raw[0] | (raw[1] << 8))); break;
        default: throw ReadError(ref + ": no converter for its dtype");
        }
        const std::uint64_t r = fortranOrder ? k % rows : k / cols, c = fortranOrder ? k / rows : k % cols;
        if (!std::isfinite(v))
            throw ReadError(ref + ": element (" + std::to_string(r) + ", " + std::to_string(c) + ") is "
                + (std::isnan(v) ? "NaN" : "infinite") + "; a matrix with NaN or Inf cannot be analysed");
        m(Eigen::Index(r), Eigen::Index(c)) = v;
    }
    return m;
}

void build(TensorFile::Storage& storage, const std::string& source, TensorFormat format, std::vector<TensorInfo>& info,
    Locations& locs)
{
    switch (format) {
    case TensorFormat::Safetensors: parseSafetensors(storage, source, info, locs); break;
    case TensorFormat::Npz: parseNpz(storage, source, info, locs); break;
    case TensorFormat::Npy: parseNpyFile(storage, source, info, locs); break;
    case TensorFormat::Text:
    case TensorFormat::Auto: parseText(storage, source, info, locs); break;
    }
}

}  // namespace

TensorFile TensorFile::fromBytes(std::string bytes, const std::string& sourceName, TensorFormat format)
{
    auto storage = std::make_shared<Storage>();
    storage->owned = std::move(bytes);
    storage->data = storage->owned.data();
    storage->size = storage->owned.size();
    TensorFile file;
    file.m_source = sourceName;
    file.m_format = format == TensorFormat::Auto ? detectFormat(storage->data, storage->size, sourceName) : format;
    auto locations = std::make_shared<std::vector<Location>>();
    build(*storage, sourceName, file.m_format, file.m_info, *locations);
    file.m_storage = std::move(storage);
    file.m_locations = std::move(locations);
    return file;
}

TensorFile TensorFile::open(const std::string& path, TensorFormat format)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw ReadError(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st { };
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        throw ReadError(path + ": cannot read (" + std::strerror(error) + ")");
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw ReadError(path + ": is a directory, not a file");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw ReadError(path + ": is not a regular file");
    }
    auto storage = std::make_shared<Storage>();
    storage->size = std::uint64_t(st.st_size);
    if (storage->size > 0) {
        void* map = ::mmap(nullptr, std::size_t(storage->size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            throw ReadError(path + ": cannot map the file (" + std::strerror(error) + ")");
        }
        storage->map = map;
        storage->mapLength = std::size_t(storage->size);
        storage->data = static_cast<const char*>(map);
    } else {
        storage->data = storage->owned.data();
    }
    ::close(fd);
    TensorFile file;
    file.m_source = path;
    file.m_format = format == TensorFormat::Auto ? detectFormat(storage->data, storage->size, path) : format;
    auto locations = std::make_shared<std::vector<Location>>();
    build(*storage, path, file.m_format, file.m_info, *locations);
    file.m_storage = std::move(storage);
    file.m_locations = std::move(locations);
    return file;
}

std::optional<std::size_t> TensorFile::find(const std::string& name) const
{
    for (std::size_t i = 0; i < m_info.size(); ++i)
        if (m_info[i].name == name)
            return i;
    return std::nullopt;
}

Eigen::MatrixXd TensorFile::matrix(std::size_t index) const
{
    if (index >= m_info.size())
        throw ReadError(m_source + ": no tensor number " + std::to_string(index + 1));
    const TensorInfo& t = m_info[index];
    const Location& loc = (*m_locations)[index];
    const std::string ref = m_source + ": tensor '" + t.name + "'";
    if (!t.isMatrix())
        throw ReadError(ref + ": " + t.skipReason);
    const std::uint64_t rows = t.rows(), cols = t.cols();
    if (rows > kMaxMatrixElements / cols)
        throw ReadError(ref + ": " + shapeText(t.shape) + " has more than " + std::to_string(kMaxMatrixElements)
            + " elements, the most this program converts");
    switch (loc.kind) {
    case Location::Kind::Dense: return loc.dense;
    case Location::Kind::View:
        return convert(m_storage->data + loc.offset, rows, cols, loc.element, loc.bigEndian, loc.fortranOrder, ref);
    case Location::Kind::ZipMember: {
        const ZipMember& member = m_storage->zip->members()[loc.member];
        if (const char* stored = m_storage->zip->storedData(member)) {
            m_storage->zip->verifyStored(member);
            return convert(
                stored + loc.memberDataOffset, rows, cols, loc.element, loc.bigEndian, loc.fortranOrder, ref);
        }
        const std::string bytes = m_storage->zip->extract(member);
        return convert(
            bytes.data() + loc.memberDataOffset, rows, cols, loc.element, loc.bigEndian, loc.fortranOrder, ref);
    }
    }
    throw ReadError(ref + ": unknown storage");
}

}  // namespace sl::io
