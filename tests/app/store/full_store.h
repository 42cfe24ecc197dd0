// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A "full disk" for the results store, for the fault-injection tests of issue 11: ResultStore's page-limit hook
// (setMaxPageCountForTesting) makes SQLite answer SQLITE_FULL, "database or disk is full", on the store's own
// connection, which also works when the tests run as root (CI does; chmod does not stop root).
#include "app/store/result_store.h"

#include <QJsonObject>
#include <QString>

namespace sl::test {

// Sets the page limit for a scope, and lifts it again however the scope ends.
struct PageLimit {
    explicit PageLimit(int pages) { sl::app::ResultStore::setMaxPageCountForTesting(pages); }
    ~PageLimit() { sl::app::ResultStore::setMaxPageCountForTesting(0); }
    PageLimit(const PageLimit&) = delete;
    PageLimit& operator=(const PageLimit&) = delete;
};

// Fills the store at `path` (opened under a page limit, see PageLimit) with small rows until SQLite answers
// "database or disk is full"; after that no larger row fits (it would need a new page). Returns the number of
// rows stored, or -1 when the store fails otherwise (or never fills).
inline int fillToCapacity(const QString& path)
{
    sl::app::ResultStore store;
    if (!store.open(path))
        return -1;
    for (int i = 0; i < 100000; ++i) {
        const QJsonObject tiny{{"config", QJsonObject{{"solver", "lbfgs"}}}, {"config_hash", QString("fill-%1").arg(i)},
            {"status", "converged"}, {"software_version", "test"}};
        if (store.save(tiny) < 0)
            return store.lastError().contains("database or disk is full") ? i : -1;
    }
    return -1;
}

}  // namespace sl::test
