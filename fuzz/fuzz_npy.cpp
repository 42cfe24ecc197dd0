// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: NumPy .npy files (sl::io::parseNpy). Malformed bytes must end in ReadError and nothing else.
#include "core/io/matrix_reader.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        (void)sl::io::parseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    } catch (const sl::io::ReadError&) {
    }
    return 0;
}
