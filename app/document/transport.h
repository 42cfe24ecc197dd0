// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace sl::app {

// The live run's transport as an explicit state machine. Every button, every runner event and every live restart
// is an event; transition() is the whole table (tests/app/document/test_transport.cpp checks every cell).
//
//   Idle ──Run/Step──► Running/Stepping ──Pause──► Paused ──Resume/Run(same config)──► Running
//   Running/Paused/Stepping ──Cancel──► Cancelling ──RunCancelled──► Idle ("Cancelled")
//   Running/Stepping/Paused ──RunFinished──► Finished, ──RunFailed──► Failed
//   Stepping ──Snapshot──► Paused (one snapshot's worth of iterations, then the worker holds)
//
// Run while paused: with the paused run's own configuration it resumes that run; with another configuration
// (the panel changed since) it starts the new one, and the runner drops the paused run (it never keeps a paused
// worker behind a new request). A live restart (a parameter changed with "Restart on every change" on) always
// starts a running run, also from Paused. Every start clears the status bar's live fields.
enum class TransportState { Idle, Running, Paused, Stepping, Cancelling, Finished, Failed };
inline constexpr int kTransportStateCount = 7;

enum class TransportEvent {
    Run,  // the Run button with the panel's configuration, different from the paused/running one (or none)
    RunSame,  // the Run button with the configuration the live run already has
    Pause,  // the Pause button checked
    Resume,  // the Pause button unchecked
    Step,
    Cancel,
    Reset,  // cancel and clear the live plots
    LiveRestart,  // a parameter changed while "Restart on every change" is on
    Snapshot,  // a (non-final) snapshot of the current generation arrived
    RunFinished,  // converged or hit its iteration limit
    RunFailed,  // invalid or diverged
    RunCancelled,
};
inline constexpr int kTransportEventCount = 12;

// What the document tells the live runner to do on a transition.
enum class TransportCommand { None, Start, Pause, Resume, Cancel };

struct TransportTransition {
    TransportState next;
    TransportCommand command;
    bool clearLive = false;  // forget the live point, spectrum and status fields (a start, a reset)
};

TransportTransition transition(TransportState state, TransportEvent event);

// The buttons as the state shows them.
struct TransportButtons {
    bool run = true;
    bool pause = false;  // enabled
    bool pauseChecked = false;
    bool step = true;
    bool cancel = false;
    bool reset = true;
};
TransportButtons buttonsFor(TransportState state);

const char* toString(TransportState state);
const char* toString(TransportEvent event);
const char* toString(TransportCommand command);
// Words for the status bar: "Running", "Paused", "Cancelling…", ...
QString describe(TransportState state);
bool isBusy(TransportState state);  // a worker is running, paused or cancelling

}  // namespace sl::app
