// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace sl {

// Receives snapshots from a running solver on the solver's thread. Snapshots are values: an observer
// that hands one to another thread hands over a copy, never a pointer into the solver's state.
template <class Snapshot>
using Observer = std::function<void(const Snapshot&)>;

}  // namespace sl
