// SPDX-License-Identifier: GPL-3.0-or-later
// The transport state machine, cell by cell: every (state, event) pair's next state, runner command and whether the
// live plots are cleared, and the buttons of every state. The expected table is written out here independently of
// transport.cpp's switch, so a changed cell fails here by name.
#include "app/document/transport.h"

#include <QByteArray>
#include <QObject>
#include <QStringLiteral>
#include <QTest>

using namespace sl::app;

namespace {

using S = TransportState;
using E = TransportEvent;
using C = TransportCommand;

constexpr S kStates[] = {S::Idle, S::Running, S::Paused, S::Stepping, S::Cancelling, S::Finished, S::Failed};
constexpr E kEvents[] = {E::Run, E::RunSame, E::Pause, E::Resume, E::Step, E::Cancel, E::Reset, E::LiveRestart,
    E::Snapshot, E::RunFinished, E::RunFailed, E::RunCancelled};

struct Cell {
    S next;
    C command;
    bool clear;
};

// Rows: states in kStates order; columns: events in kEvents order.
// clang-format off
const Cell kTable[7][12] = {
    //            Run                      RunSame                  Pause                     Resume                   Step                       Cancel                      Reset                      LiveRestart              Snapshot                  RunFinished              RunFailed              RunCancelled
    /* Idle */   {{S::Running, C::Start, 1}, {S::Running, C::Start, 1}, {S::Idle, C::None, 0},     {S::Idle, C::None, 0},     {S::Stepping, C::Start, 1}, {S::Idle, C::None, 0},       {S::Idle, C::None, 1},       {S::Running, C::Start, 1}, {S::Idle, C::None, 0},     {S::Idle, C::None, 0},     {S::Idle, C::None, 0},   {S::Idle, C::None, 0}},
    /* Running */{{S::Running, C::Start, 1}, {S::Running, C::None, 0},  {S::Paused, C::Pause, 0},  {S::Running, C::None, 0},  {S::Stepping, C::None, 0},  {S::Cancelling, C::Cancel, 0}, {S::Cancelling, C::Cancel, 1}, {S::Running, C::Start, 1}, {S::Running, C::None, 0},  {S::Finished, C::None, 0}, {S::Failed, C::None, 0}, {S::Idle, C::None, 0}},
    /* Paused */ {{S::Running, C::Start, 1}, {S::Running, C::Resume, 0}, {S::Paused, C::None, 0},   {S::Running, C::Resume, 0}, {S::Stepping, C::Resume, 0}, {S::Cancelling, C::Cancel, 0}, {S::Cancelling, C::Cancel, 1}, {S::Running, C::Start, 1}, {S::Paused, C::None, 0},   {S::Finished, C::None, 0}, {S::Failed, C::None, 0}, {S::Idle, C::None, 0}},
    /* Stepping*/{{S::Running, C::Start, 1}, {S::Running, C::Resume, 0}, {S::Paused, C::Pause, 0},  {S::Stepping, C::None, 0}, {S::Stepping, C::None, 0},  {S::Cancelling, C::Cancel, 0}, {S::Cancelling, C::Cancel, 1}, {S::Running, C::Start, 1}, {S::Paused, C::Pause, 0},  {S::Finished, C::None, 0}, {S::Failed, C::None, 0}, {S::Idle, C::None, 0}},
    /* Cancel.*/ {{S::Running, C::Start, 1}, {S::Running, C::Start, 1}, {S::Cancelling, C::None, 0}, {S::Cancelling, C::None, 0}, {S::Cancelling, C::None, 0}, {S::Cancelling, C::None, 0}, {S::Cancelling, C::None, 1}, {S::Running, C::Start, 1}, {S::Cancelling, C::None, 0}, {S::Finished, C::None, 0}, {S::Failed, C::None, 0}, {S::Idle, C::None, 0}},
    /* Finished*/{{S::Running, C::Start, 1}, {S::Running, C::Start, 1}, {S::Finished, C::None, 0}, {S::Finished, C::None, 0}, {S::Stepping, C::Start, 1}, {S::Finished, C::None, 0},   {S::Idle, C::None, 1},       {S::Running, C::Start, 1}, {S::Finished, C::None, 0}, {S::Finished, C::None, 0}, {S::Finished, C::None, 0}, {S::Finished, C::None, 0}},
    /* Failed */ {{S::Running, C::Start, 1}, {S::Running, C::Start, 1}, {S::Failed, C::None, 0},   {S::Failed, C::None, 0},   {S::Stepping, C::Start, 1}, {S::Failed, C::None, 0},     {S::Idle, C::None, 1},       {S::Running, C::Start, 1}, {S::Failed, C::None, 0},   {S::Failed, C::None, 0},   {S::Failed, C::None, 0}, {S::Failed, C::None, 0}},
};
// clang-format on

struct Buttons {
    bool run, pause, pauseChecked, step, cancel, reset;
};
// clang-format off
const Buttons kButtons[7] = {
    /* Idle */       {true, false, false, true,  false, true},
    /* Running */    {true, true,  false, true,  true,  true},
    /* Paused */     {true, true,  true,  true,  true,  true},
    /* Stepping */   {true, true,  false, false, true,  true},
    /* Cancelling */ {true, false, false, false, false, true},
    /* Finished */   {true, false, false, true,  false, true},
    /* Failed */     {true, false, false, true,  false, true},
};
// clang-format on

}  // namespace

class TestTransport : public QObject {
    Q_OBJECT

private slots:
    void everyTransition_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("event");
        for (int s = 0; s < kTransportStateCount; ++s)
            for (int e = 0; e < kTransportEventCount; ++e)
                QTest::addRow("%s + %s", toString(kStates[s]), toString(kEvents[e])) << s << e;
    }

    void everyTransition()
    {
        QFETCH(int, state);
        QFETCH(int, event);
        const TransportTransition got = transition(kStates[state], kEvents[event]);
        const Cell& want = kTable[state][event];
        QCOMPARE(toString(got.next), toString(want.next));
        QCOMPARE(toString(got.command), toString(want.command));
        QCOMPARE(got.clearLive, want.clear);
    }

    // The properties the table is meant to have, checked over all of it.
    void tableInvariants()
    {
        for (S s : kStates) {
            for (E e : kEvents) {
                const TransportTransition t = transition(s, e);
                // Every start clears the live fields (status bar, live point, spectrum): nothing of the last run
                // is shown as if it were the new one's.
                if (t.command == C::Start)
                    QVERIFY(t.clearLive);
                // A run the user asks for never ends up paused except through Pause or a step's snapshot.
                if (e == E::Run || e == E::RunSame || e == E::LiveRestart)
                    QCOMPARE(toString(t.next), toString(S::Running));
                // Cancel from a busy state always reaches the worker.
                if (e == E::Cancel && (s == S::Running || s == S::Paused || s == S::Stepping))
                    QCOMPARE(toString(t.command), toString(C::Cancel));
            }
        }
        // Run while paused resumes that run; with another configuration it starts the new one.
        QCOMPARE(toString(transition(S::Paused, E::RunSame).command), "resume");
        QCOMPARE(toString(transition(S::Paused, E::Run).command), "start");
    }

    void buttonsOfEveryState()
    {
        for (int s = 0; s < kTransportStateCount; ++s) {
            const TransportButtons b = buttonsFor(kStates[s]);
            const Buttons& want = kButtons[s];
            const QByteArray where = toString(kStates[s]);
            QVERIFY2(b.run == want.run, where);
            QVERIFY2(b.pause == want.pause, where);
            QVERIFY2(b.pauseChecked == want.pauseChecked, where);
            QVERIFY2(b.step == want.step, where);
            QVERIFY2(b.cancel == want.cancel, where);
            QVERIFY2(b.reset == want.reset, where);
        }
    }

    void namesAndWords()
    {
        QCOMPARE(describe(S::Cancelling), QStringLiteral("Cancelling…"));
        QVERIFY(isBusy(S::Paused) && isBusy(S::Cancelling) && !isBusy(S::Finished) && !isBusy(S::Idle));
    }
};

QTEST_APPLESS_MAIN(TestTransport)
#include "test_transport.moc"
