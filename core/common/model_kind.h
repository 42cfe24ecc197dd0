// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace sl {

// The two teacher-student models of docs/theory/models.md §1: the quadratic network (§3) and the diagonal linear
// network (§2). Lives in core/common so that core/theory (which may depend on common only) names the models with the
// same type as core/model and the app.
enum class ModelKind { Quadratic, Diagonal };

// "quadratic" / "diagonal".
const char* toString(ModelKind kind);
// Inverse of toString; false for an unknown name (case and spaces matter).
bool fromString(const std::string& name, ModelKind& out);

}  // namespace sl
