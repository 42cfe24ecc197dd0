// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: run result JSON, as `scalinglab-cli merge` and the store read it (RunResult::fromJson).
#include "app/experiment/run_result.h"

#include <QJsonDocument>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), int(size)));
    if (!doc.isObject())
        return 0;
    QString error;
    const auto result = sl::app::RunResult::fromJson(doc.object(), &error);
    if (result)
        (void)sl::app::RunResult::fromJson(result->toJson(), &error);
    return 0;
}
