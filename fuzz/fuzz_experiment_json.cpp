// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: experiment JSON and sweep plans (the CLI's sweep plan is an experiment JSON). A parsed config
// must survive its own JSON: toJson() read back gives the same configuration (the store hashes that form).
#include "app/experiment/experiment_config.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), int(size));
    sl::app::ConfigError error;
    const auto config = sl::app::ExperimentConfig::fromJsonText(text, &error);
    if (!config) {
        (void)error.text();
        return 0;
    }
    const auto again = sl::app::ExperimentConfig::fromJsonText(config->canonicalJson(), &error);
    if (!again || *again != *config) {
        std::fprintf(
            stderr, "round trip failed: %s\n%s\n", qPrintable(error.text()), config->canonicalJson().constData());
        std::abort();
    }
    (void)config->hash();
    return 0;
}
