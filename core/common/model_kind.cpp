// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/model_kind.h"

namespace sl {

const char* toString(ModelKind kind)
{
    switch (kind) {
    case ModelKind::Quadratic: return "quadratic";
    case ModelKind::Diagonal: return "diagonal";
    }
    return "unknown";
}

bool fromString(const std::string& name, ModelKind& out)
{
    for (ModelKind k : {ModelKind::Quadratic, ModelKind::Diagonal}) {
        if (name == toString(k)) {
            out = k;
            return true;
        }
    }
    return false;
}

}  // namespace sl
