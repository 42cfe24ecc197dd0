// SPDX-License-Identifier: GPL-3.0-or-later
// The point scheduler's worker pool (app/runner/worker_pool.h): every queued task runs once, never more threads run
// tasks at a time than the ceiling (also after it is lowered or raised while tasks wait), waitForDone times out while
// a task holds the pool and returns once it ends, and the destructor runs what is still queued. It is in the TSan
// stage (scripts/test-sanitizers), which is where the pool's hand-offs are checked.
#include "app/runner/worker_pool.h"

#include <QObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

using sl::app::WorkerPool;

namespace {

// Counts how many tasks run at once and which threads ran them; a task waits at the gate until it is opened.
struct Concurrency {
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
    int most = 0;
    int done = 0;
    bool open = false;
    std::set<std::thread::id> threads;

    void task()
    {
        std::unique_lock<std::mutex> lock(mutex);
        ++running;
        most = std::max(most, running);
        threads.insert(std::this_thread::get_id());
        changed.notify_all();
        changed.wait(lock, [this] { return open; });
        --running;
        ++done;
    }
    void openGate()
    {
        const std::lock_guard<std::mutex> lock(mutex);
        open = true;
        changed.notify_all();
    }
    // Waits (up to `ms`) until `n` tasks are in task() at once.
    bool waitForRunning(int n, int ms = 20000)
    {
        std::unique_lock<std::mutex> lock(mutex);
        return changed.wait_for(lock, std::chrono::milliseconds(ms), [&] { return running == n; });
    }
};

}  // namespace

class TestWorkerPool : public QObject {
    Q_OBJECT

private slots:
    void everyTaskRunsOnceWithinTheCeiling()
    {
        Concurrency c;
        WorkerPool pool(3);
        QCOMPARE(pool.maxThreadCount(), 3);
        for (int i = 0; i < 10; ++i)
            pool.start([&c] { c.task(); });
        QVERIFY(c.waitForRunning(3));  // three run, seven wait for a thread
        QCOMPARE(pool.activeThreadCount(), 3);
        QVERIFY(!pool.waitForDone(50));
        c.openGate();
        QVERIFY(pool.waitForDone(20000));
        QCOMPARE(c.done, 10);
        QCOMPARE(c.most, 3);
        QCOMPARE(int(c.threads.size()), 3);  // threads are kept and reused, not one per task
        QCOMPARE(pool.activeThreadCount(), 0);
    }

    void aChangedCeilingHoldsForTheTasksStillQueued()
    {
        Concurrency c;
        WorkerPool pool(1);
        for (int i = 0; i < 6; ++i)
            pool.start([&c] { c.task(); });
        QVERIFY(c.waitForRunning(1));
        pool.setMaxThreadCount(4);  // the waiting tasks get threads at once
        QVERIFY(c.waitForRunning(4));
        pool.setMaxThreadCount(2);
        QCOMPARE(pool.maxThreadCount(), 2);
        c.openGate();
        QVERIFY(pool.waitForDone(20000));
        QCOMPARE(c.done, 6);

        // Lowered: new tasks run two at a time.
        Concurrency d;
        for (int i = 0; i < 6; ++i)
            pool.start([&d] { d.task(); });
        QVERIFY(d.waitForRunning(2));
        QVERIFY(!d.waitForRunning(3, 300));
        d.openGate();
        QVERIFY(pool.waitForDone(20000));
        QCOMPARE(d.done, 6);
        QCOMPARE(d.most, 2);
    }

    void theDestructorRunsWhatIsQueued()
    {
        std::atomic<int> ran{0};
        {
            WorkerPool pool(2);
            for (int i = 0; i < 20; ++i)
                pool.start([&ran] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    ran.fetch_add(1);
                });
        }
        QCOMPARE(ran.load(), 20);
    }

    void aTasksCapturesAreGoneWhenWaitForDoneReturns()
    {
        WorkerPool pool(2);
        auto held = std::make_shared<int>(7);
        std::weak_ptr<int> watch = held;
        std::atomic<int> seen{0};
        pool.start([held, &seen] { seen = *held; });
        held.reset();
        QVERIFY(pool.waitForDone(20000));
        QCOMPARE(seen.load(), 7);
        QVERIFY(watch.expired());
    }

    void zeroMeansEveryCore()
    {
        WorkerPool pool(0);
        QCOMPARE(pool.maxThreadCount(), int(std::max(1u, std::thread::hardware_concurrency())));
        pool.setMaxThreadCount(-1);
        QCOMPARE(pool.maxThreadCount(), int(std::max(1u, std::thread::hardware_concurrency())));
    }
};

QTEST_GUILESS_MAIN(TestWorkerPool)
#include "test_worker_pool.moc"
