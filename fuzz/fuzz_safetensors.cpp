// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: safetensors files (8-byte header length, JSON header, raw data) read by
// sl::io::TensorFile, every listed matrix then converted. Malformed bytes must end in ReadError and nothing else,
// and no input may allocate more than its own size allows (the converted matrices are bounded by the data).
#include "core/io/matrix_reader.h"
#include "core/io/tensor_file.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const sl::io::TensorFile file
            = sl::io::TensorFile::fromBytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.safetensors",
                sl::io::TensorFormat::Safetensors);
        for (std::size_t i = 0; i < file.tensors().size(); ++i) {
            if (!file.tensors()[i].isMatrix())
                continue;
            try {
                (void)file.matrix(i);
            } catch (const sl::io::ReadError&) {
            }
        }
    } catch (const sl::io::ReadError&) {
    }
    return 0;
}
