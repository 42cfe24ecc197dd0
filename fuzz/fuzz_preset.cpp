// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: preset documents (PresetLibrary::parse), the format of the shipped and user presets.
#include "app/presets/preset_library.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    QString error;
    (void)sl::app::PresetLibrary::parse(
        QByteArray(reinterpret_cast<const char*>(data), int(size)), QStringLiteral("fuzz"), &error);
    return 0;
}
