// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/model_kind.h"

#include <QObject>
#include <QString>
#include <QTest>

class TestModelKind : public QObject {
    Q_OBJECT

private slots:
    void namesRoundTrip()
    {
        // The names are the JSON/CLI spellings (app/experiment, scalinglab-cli --model).
        QCOMPARE(QString(sl::toString(sl::ModelKind::Quadratic)), QString("quadratic"));
        QCOMPARE(QString(sl::toString(sl::ModelKind::Diagonal)), QString("diagonal"));
        for (const sl::ModelKind kind : {sl::ModelKind::Quadratic, sl::ModelKind::Diagonal}) {
            sl::ModelKind back = kind == sl::ModelKind::Quadratic ? sl::ModelKind::Diagonal : sl::ModelKind::Quadratic;
            QVERIFY(sl::fromString(sl::toString(kind), back));
            QCOMPARE(back, kind);
        }
    }

    void unknownNamesAreRejectedAndLeaveTheOutputAlone()
    {
        sl::ModelKind kind = sl::ModelKind::Diagonal;
        for (const char* name : {"", "Quadratic", "quadratic ", "linear", "diag"}) {
            QVERIFY(!sl::fromString(name, kind));
            QCOMPARE(kind, sl::ModelKind::Diagonal);
        }
    }
};

QTEST_APPLESS_MAIN(TestModelKind)
#include "test_model_kind.moc"
