// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: CSV / whitespace matrices (sl::io::parseDelimited). Malformed text must end in ReadError and
// nothing else; a parsed table must be rectangular and finite, as the header promises.
#include "core/io/matrix_reader.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const sl::io::DelimitedTable table
            = sl::io::parseDelimited(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
        if (!table.values.allFinite())
            std::abort();
        if (!table.header.empty() && Eigen::Index(table.header.size()) != table.values.cols())
            std::abort();
    } catch (const sl::io::ReadError&) {
    }
    return 0;
}
