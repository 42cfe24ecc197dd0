// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: session files, read as Session::load reads them (JSON document, then Session::fromJson).
#include "app/session/session.h"

#include <QJsonDocument>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), int(size)));
    if (!doc.isObject())
        return 0;
    QString error;
    const auto session = sl::app::Session::fromJson(doc.object(), &error);
    if (session)
        (void)session->toJson();
    return 0;
}
