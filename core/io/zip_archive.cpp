// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/zip_archive.h"

#include "core/io/matrix_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace sl::io {
namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndRecord = 0x06054b50;
constexpr std::uint32_t kZip64EndRecord = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
// Deflate cannot compress better than about 1032:1 (a 258-byte match in at most two bits); a member that claims
// more is corrupt, and refusing it keeps a tiny file from asking for gigabytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

std::uint64_t readLE(const char* p, int bytes)
{
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

}  // namespace

bool looksLikeZip(const char* data, std::uint64_t size)
{
    return size >= 4 && (readLE(data, 4) == kLocalHeader || (size >= 22 && readLE(data, 4) == kEndRecord));
}

ZipArchive::ZipArchive(const char* data, std::uint64_t size, std::string sourceName)
    : m_data(data), m_size(size), m_source(std::move(sourceName))
{
    const std::string& src = m_source;
    if (size < 22)
        throw ReadError(src + ": not a ZIP archive (too short for its end record)");
    // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
    std::uint64_t end = UINT64_MAX;
    const std::uint64_t lowest = size - 22 > 65535 ? size - 22 - 65535 : 0;
    for (std::uint64_t pos = size - 22 + 1; pos-- > lowest;) {
        if (readLE(data + pos, 4) == kEndRecord) {
            end = pos;
            break;
        }
    }
    if (end == UINT64_MAX)
        throw ReadError(src + ": not a ZIP archive (no end-of-central-directory record; truncated?)");
    std::uint64_t entries = readLE(data + end + 10, 2);
    std::uint64_t directorySize = readLE(data + end + 12, 4);
    std::uint64_t directoryOffset = readLE(data + end + 16, 4);
    if (entries == 0xffff || directorySize == 0xffffffff || directoryOffset == 0xffffffff) {
        if (end < 20 || readLE(data + end - 20, 4) != kZip64Locator)
            throw ReadError(src + ": ZIP64 archive without its locator record");
        const std::uint64_t record = readLE(data + end - 20 + 8, 8);
        if (record > size || size - record < 56 || readLE(data + record, 4) != kZip64EndRecord)
            throw ReadError(src + ": ZIP64 end record lies outside the file");
        entries = readLE(data + record + 32, 8);
        directorySize = readLE(data + record + 40, 8);
        directoryOffset = readLE(data + record + 48, 8);
    }
    if (directoryOffset > size || directorySize > size - directoryOffset)
        throw ReadError(src + ": the ZIP central directory runs past the end of the file (truncated?)");
    if (entries > directorySize / 46)
        throw ReadError(
            src + ": the ZIP central directory is too small for its " + std::to_string(entries) + " entries");

    std::uint64_t pos = directoryOffset;
    const std::uint64_t directoryEnd = directoryOffset + directorySize;
    for (std::uint64_t i = 0; i < entries; ++i) {
        if (directoryEnd - pos < 46 || readLE(data + pos, 4) != kCentralHeader)
            throw ReadError(src + ": ZIP central directory entry " + std::to_string(i + 1) + " is malformed");
        const char* h = data + pos;
        ZipMember m;
        const auto flags = std::uint16_t(readLE(h + 8, 2));
        m.encrypted = (flags & 1) != 0;
        m.method = std::uint16_t(readLE(h + 10, 2));
        m.crc32 = std::uint32_t(readLE(h + 16, 4));
        m.compressedSize = readLE(h + 20, 4);
        m.uncompressedSize = readLE(h + 24, 4);
        const std::uint64_t nameLength = readLE(h + 28, 2), extraLength = readLE(h + 30, 2),
                            commentLength = readLE(h + 32, 2);
        std::uint64_t localOffset = readLE(h + 42, 4);
        if (directoryEnd - pos - 46 < nameLength + extraLength + commentLength)
            throw ReadError(src + ": ZIP central directory entry " + std::to_string(i + 1) + " runs past its end");
        m.name.assign(h + 46, nameLength);
        // ZIP64 extra field: the 64-bit values, in this order, of exactly those fields that read 0xffffffff.
        const char* extra = h + 46 + nameLength;
        for (std::uint64_t e = 0; e + 4 <= extraLength;) {
            const std::uint64_t id = readLE(extra + e, 2), length = readLE(extra + e + 2, 2);
            if (e + 4 + length > extraLength)
                break;
            if (id == 0x0001) {
                const char* field = extra + e + 4;
                std::uint64_t used = 0;
                auto take = [&](std::uint64_t& value) {
                    if (value != 0xffffffff)
                        return;
                    if (used + 8 > length)
                        throw ReadError(src + ": ZIP64 field of member '" + m.name + "' is too short");
                    value = readLE(field + used, 8);
                    used += 8;
                };
                take(m.uncompressedSize);
                take(m.compressedSize);
                take(localOffset);
            }
            e += 4 + length;
        }
        pos += 46 + nameLength + extraLength + commentLength;

        const std::string ref = memberRef(m);
        if (localOffset > size || size - localOffset < 30 || readLE(data + localOffset, 4) != kLocalHeader)
            throw ReadError(ref + ": local header missing or outside the file");
        const std::uint64_t localName = readLE(data + localOffset + 26, 2),
                            localExtra = readLE(data + localOffset + 28, 2);
        m.dataOffset = localOffset + 30 + localName + localExtra;
        if (m.dataOffset > size || m.compressedSize > size - m.dataOffset)
            throw ReadError(ref + ": data runs past the end of the file (" + std::to_string(m.compressedSize)
                + " bytes declared; truncated?)");
        if (m.method == 0 && m.compressedSize != m.uncompressedSize)
            throw ReadError(ref + ": stored member with different compressed and uncompressed sizes");
        if (m.method == 8 && m.uncompressedSize > kMaxDeflateRatio * m.compressedSize + 1024)
            throw ReadError(ref + ": claims " + std::to_string(m.uncompressedSize) + " bytes from "
                + std::to_string(m.compressedSize) + " compressed ones, more than deflate can encode");
        m_members.push_back(std::move(m));
    }
}

std::string ZipArchive::memberRef(const ZipMember& member) const
{
    return m_source + ": member '" + member.name + "'";
}

const char* ZipArchive::storedData(const ZipMember& member) const
{
    return member.method == 0 && !member.encrypted ? m_data + member.dataOffset : nullptr;
}

void ZipArchive::verifyStored(const ZipMember& member) const
{
    uLong crc = crc32(0L, Z_NULL, 0);
    const char* p = m_data + member.dataOffset;
    for (std::uint64_t done = 0; done < member.compressedSize;) {
        const auto chunk = uInt(std::min<std::uint64_t>(member.compressedSize - done, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(p + done), chunk);
        done += chunk;
    }
    if (std::uint32_t(crc) != member.crc32)
        throw ReadError(memberRef(member) + ": CRC-32 mismatch (the file is corrupted)");
}

std::string ZipArchive::extract(const ZipMember& member, std::uint64_t maxBytes) const
{
    const std::string ref = memberRef(member);
    if (member.encrypted)
        throw ReadError(ref + ": is encrypted");
    if (member.method != 0 && member.method != 8)
        throw ReadError(ref + ": compression method " + std::to_string(member.method)
            + " is not supported (only stored and deflate)");
    const std::uint64_t wanted = std::min(maxBytes, member.uncompressedSize);
    if (wanted > std::uint64_t(std::numeric_limits<std::size_t>::max() / 2))
        throw ReadError(ref + ": too large to extract");
    const bool whole = wanted == member.uncompressedSize;
    if (member.method == 0) {
        if (whole)
            verifyStored(member);
        return std::string(m_data + member.dataOffset, std::size_t(wanted));
    }
    std::string out(std::size_t(wanted), '\0');
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        throw ReadError(ref + ": zlib could not start");
    const char* in = m_data + member.dataOffset;
    std::uint64_t consumed = 0, produced = 0;
    int rc = Z_OK;
    while (produced < wanted) {
        if (stream.avail_in == 0 && consumed < member.compressedSize) {
            const auto chunk = uInt(std::min<std::uint64_t>(member.compressedSize - consumed, 1u << 30));
            stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in + consumed));
            stream.avail_in = chunk;
            consumed += chunk;
        }
        const auto room = uInt(std::min<std::uint64_t>(wanted - produced, 1u << 30));
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        stream.avail_out = room;
        rc = inflate(&stream, Z_NO_FLUSH);
        produced += room - stream.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            const std::string why = stream.msg ? stream.msg : "error " + std::to_string(rc);
            inflateEnd(&stream);
            throw ReadError(ref + ": deflate data is corrupt (" + why + ")");
        }
        if (rc == Z_BUF_ERROR && stream.avail_in == 0 && consumed >= member.compressedSize)
            break;  // input exhausted before the declared size
    }
    inflateEnd(&stream);
    if (produced < wanted)
        throw ReadError(ref + ": inflates to " + std::to_string(produced) + " bytes, fewer than the "
            + std::to_string(member.uncompressedSize) + " declared (truncated?)");
    if (whole) {
        const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data()), uInt(0));
        uLong running = crc;
        for (std::uint64_t done = 0; done < produced;) {
            const auto chunk = uInt(std::min<std::uint64_t>(produced - done, 1u << 30));
            running = crc32(running, reinterpret_cast<const Bytef*>(out.data() + done), chunk);
            done += chunk;
        }
        if (std::uint32_t(running) != member.crc32)
            throw ReadError(ref + ": CRC-32 mismatch (the file is corrupted)");
    }
    return out;
}

}  // namespace sl::io
