// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/document/transport.h"

namespace sl::app {

TransportTransition transition(TransportState state, TransportEvent event)
{
    using S = TransportState;
    using E = TransportEvent;
    using C = TransportCommand;
    const bool busy = isBusy(state);
    switch (event) {
    case E::Run:
    case E::LiveRestart: return {S::Running, C::Start, true};
    case E::RunSame:
        if (state == S::Paused || state == S::Stepping)
            return {S::Running, C::Resume};
        if (state == S::Running)
            return {S::Running, C::None};  // the run already computes exactly this
        return {S::Running, C::Start, true};
    case E::Pause:
        if (state == S::Running || state == S::Stepping)
            return {S::Paused, C::Pause};
        return {state, C::None};
    case E::Resume:
        if (state == S::Paused)
            return {S::Running, C::Resume};
        return {state, C::None};
    case E::Step:
        if (state == S::Paused)
            return {S::Stepping, C::Resume};
        if (state == S::Running)
            return {S::Stepping, C::None};  // pause at the next snapshot
        if (state == S::Stepping || state == S::Cancelling)
            return {state, C::None};
        return {S::Stepping, C::Start, true};
    case E::Cancel:
        if (state == S::Running || state == S::Paused || state == S::Stepping)
            return {S::Cancelling, C::Cancel};
        return {state, C::None};
    case E::Reset:
        if (state == S::Running || state == S::Paused || state == S::Stepping)
            return {S::Cancelling, C::Cancel, true};
        return {state == S::Cancelling ? S::Cancelling : S::Idle, C::None, true};
    case E::Snapshot:
        if (state == S::Stepping)
            return {S::Paused, C::Pause};
        return {state, C::None};
    case E::RunFinished: return busy ? TransportTransition{S::Finished, C::None} : TransportTransition{state, C::None};
    case E::RunFailed: return busy ? TransportTransition{S::Failed, C::None} : TransportTransition{state, C::None};
    case E::RunCancelled: return busy ? TransportTransition{S::Idle, C::None} : TransportTransition{state, C::None};
    }
    return {state, C::None};
}

TransportButtons buttonsFor(TransportState state)
{
    TransportButtons b;
    b.run = true;  // Run always does something: start, resume or restart
    b.pause = state == TransportState::Running || state == TransportState::Paused || state == TransportState::Stepping;
    b.pauseChecked = state == TransportState::Paused;
    b.step = state != TransportState::Cancelling && state != TransportState::Stepping;
    b.cancel = b.pause;
    b.reset = true;
    return b;
}

bool isBusy(TransportState state)
{
    return state == TransportState::Running || state == TransportState::Paused || state == TransportState::Stepping
        || state == TransportState::Cancelling;
}

const char* toString(TransportState state)
{
    switch (state) {
    case TransportState::Idle: return "idle";
    case TransportState::Running: return "running";
    case TransportState::Paused: return "paused";
    case TransportState::Stepping: return "stepping";
    case TransportState::Cancelling: return "cancelling";
    case TransportState::Finished: return "finished";
    case TransportState::Failed: return "failed";
    }
    return "?";
}

const char* toString(TransportEvent event)
{
    switch (event) {
    case TransportEvent::Run: return "run";
    case TransportEvent::RunSame: return "run-same";
    case TransportEvent::Pause: return "pause";
    case TransportEvent::Resume: return "resume";
    case TransportEvent::Step: return "step";
    case TransportEvent::Cancel: return "cancel";
    case TransportEvent::Reset: return "reset";
    case TransportEvent::LiveRestart: return "live-restart";
    case TransportEvent::Snapshot: return "snapshot";
    case TransportEvent::RunFinished: return "run-finished";
    case TransportEvent::RunFailed: return "run-failed";
    case TransportEvent::RunCancelled: return "run-cancelled";
    }
    return "?";
}

const char* toString(TransportCommand command)
{
    switch (command) {
    case TransportCommand::None: return "none";
    case TransportCommand::Start: return "start";
    case TransportCommand::Pause: return "pause";
    case TransportCommand::Resume: return "resume";
    case TransportCommand::Cancel: return "cancel";
    }
    return "?";
}

QString describe(TransportState state)
{
    switch (state) {
    case TransportState::Idle: return QStringLiteral("Idle");
    case TransportState::Running: return QStringLiteral("Running");
    case TransportState::Paused: return QStringLiteral("Paused");
    case TransportState::Stepping: return QStringLiteral("Stepping");
    case TransportState::Cancelling: return QStringLiteral("Cancelling…");
    case TransportState::Finished: return QStringLiteral("Finished");
    case TransportState::Failed: return QStringLiteral("Failed");
    }
    return {};
}

}  // namespace sl::app
