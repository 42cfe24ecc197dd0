// SPDX-License-Identifier: GPL-3.0-or-later
// The store's cached_results table (exponent maps): save, replace, look up, survive a reopen; a store written before
// the table existed gains it on open and keeps its runs.
#include "app/store/result_store.h"

#include <QJsonObject>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

class TestResultStoreCache : public QObject {
    Q_OBJECT

private slots:
    void saveFindReplace()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.sqlite");
        {
            sl::app::ResultStore store;
            QVERIFY2(store.open(path), qPrintable(store.lastError()));
            QVERIFY(!store.findCached("exponent_map", "k1"));
            QVERIFY(store.saveCached("exponent_map", "k1", QJsonObject{{"x", 1.5}}, "test"));
            QVERIFY(store.saveCached("exponent_map", "k2", QJsonObject{{"x", 2.5}}, "test"));
            QVERIFY(store.saveCached("exponent_map", "k1", QJsonObject{{"x", 3.5}}, "test"));  // replaces
            QCOMPARE(store.findCached("exponent_map", "k1")->value("x").toDouble(), 3.5);
            QVERIFY(!store.findCached("other_kind", "k1"));
            QCOMPARE(store.count(), 0);  // the runs table is untouched
        }
        sl::app::ResultStore reopened;
        QVERIFY(reopened.open(path));
        QCOMPARE(reopened.findCached("exponent_map", "k2")->value("x").toDouble(), 2.5);
        QVERIFY(reopened.integrityCheck());
    }

    void olderStoreGainsTheTable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("old.sqlite");
        {
            sl::app::ResultStore store;
            QVERIFY(store.open(path));
        }
        {
            // Drop the table, as a store from before it existed.
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "old");
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec("DROP TABLE cached_results"));
            db.close();
        }
        QSqlDatabase::removeDatabase("old");
        sl::app::ResultStore store;
        QVERIFY2(store.open(path), qPrintable(store.lastError()));
        QVERIFY(store.saveCached("exponent_map", "k", QJsonObject{{"y", 1}}, "test"));
        QCOMPARE(store.findCached("exponent_map", "k")->value("y").toInt(), 1);
        QCOMPARE(store.schemaVersion(), sl::app::ResultStore::kSchemaVersion);
    }

    void closedStoreFails()
    {
        sl::app::ResultStore store;
        QVERIFY(!store.saveCached("exponent_map", "k", {}, "test"));
        QVERIFY(!store.lastError().isEmpty());
        QVERIFY(!store.findCached("exponent_map", "k"));
    }
};

QTEST_GUILESS_MAIN(TestResultStoreCache)
#include "test_result_store_cache.moc"
