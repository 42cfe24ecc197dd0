// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/validation.h"
#include "core/model/problem.h"

#include <QObject>
#include <QString>
#include <QTest>

class TestProblem : public QObject {
    Q_OBJECT

private slots:
    void sameSeedIsBitIdentical()
    {
        for (auto model : {sl::ModelKind::Quadratic, sl::ModelKind::Diagonal}) {
            sl::ProblemConfig c;
            c.model = model;
            c.dimension = 12;
            c.samples = 200;
            c.seed = 77;
            const sl::Problem a = sl::makeProblem(c), b = sl::makeProblem(c);
            QVERIFY(a.data.X == b.data.X);
            QVERIFY(a.data.y == b.data.y);
            QVERIFY(a.teacher.spectrum == b.teacher.spectrum);
            QVERIFY(a.teacher.matrix == b.teacher.matrix);
            c.seed = 78;
            const sl::Problem other = sl::makeProblem(c);
            QVERIFY(!(other.data.X == a.data.X));
            QVERIFY(!(other.data.y == a.data.y));
            if (model == sl::ModelKind::Quadratic)
                QVERIFY(!(other.teacher.matrix == a.teacher.matrix));
            else
                QVERIFY(!(other.teacher.spectrum == a.teacher.spectrum));
        }
    }

    void teacherIsDrawnBeforeTheData()
    {
        // The documented order, so other implementations (and the app's labels) can reproduce a problem.
        sl::ProblemConfig c;
        c.dimension = 8;
        c.samples = 50;
        c.seed = 5;
        const sl::Problem p = sl::makeProblem(c);
        sl::Rng rng(5);
        const sl::Teacher t = sl::makeTeacher(c, rng);
        const sl::Dataset data = sl::makeDataset(c, t, rng);
        QVERIFY(p.teacher.matrix == t.matrix);
        QVERIFY(p.data.X == data.X);
        QVERIFY(p.data.y == data.y);
        QVERIFY(p.config.seed == 5 && p.config.dimension == 8);
    }

    void invalidConfigThrowsNamingTheParameter()
    {
        sl::ProblemConfig c;
        c.gamma = 0.4;
        try {
            sl::makeProblem(c);
            QFAIL("makeProblem accepted gamma = 0.4");
        } catch (const sl::ValidationError& error) {
            QCOMPARE(QString::fromStdString(error.parameter()), QString("gamma"));
        }
    }
};

QTEST_APPLESS_MAIN(TestProblem)
#include "test_problem.moc"
