// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sl::io {

// The members of a ZIP archive held in memory (numpy.savez / savez_compressed write .npz files this way): the
// central directory is read (ZIP64 sizes and offsets included), each member's local header is checked, and
// members are extracted on request. Stored members are views into the archive; deflated ones are inflated by
// zlib. Every size and offset is checked against the archive before it is used, and an inflated member may not
// claim more than deflate's largest possible ratio (1032:1) over its compressed bytes, so a small malformed file
// cannot ask for a huge allocation. Failures throw ReadError naming the source and the member.
struct ZipMember {
    std::string name;
    std::uint16_t method = 0;  // 0 stored, 8 deflate; anything else is listed but cannot be extracted
    bool encrypted = false;
    std::uint32_t crc32 = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t uncompressedSize = 0;
    std::uint64_t dataOffset = 0;  // of the member's (compressed) bytes in the archive

    bool extractable() const { return !encrypted && (method == 0 || method == 8); }
};

class ZipArchive {
public:
    // `data` must outlive the archive (it is typically a memory-mapped file).
    ZipArchive(const char* data, std::uint64_t size, std::string sourceName);

    const std::vector<ZipMember>& members() const { return m_members; }

    // The first min(maxBytes, uncompressedSize) bytes of a member (a prefix is enough to read an .npy header
    // without inflating the whole array). The CRC is checked only when the whole member is extracted.
    std::string extract(const ZipMember& member, std::uint64_t maxBytes = UINT64_MAX) const;

    // A stored member's bytes without copying (nullptr for a compressed one).
    const char* storedData(const ZipMember& member) const;

    // Checks a stored member's CRC-32 (throws ReadError on a mismatch).
    void verifyStored(const ZipMember& member) const;

    const std::string& source() const { return m_source; }

private:
    std::string memberRef(const ZipMember& member) const;

    const char* m_data;
    std::uint64_t m_size;
    std::string m_source;
    std::vector<ZipMember> m_members;
};

// The magic bytes of a ZIP archive: a local file header, or the end record of an empty archive.
bool looksLikeZip(const char* data, std::uint64_t size);

}  // namespace sl::io
