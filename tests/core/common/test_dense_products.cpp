// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/dense_products.h"
#include "core/common/rng.h"

#include <QObject>
#include <QString>
#include <QTest>

class TestDenseProducts : public QObject {
    Q_OBJECT

private slots:
    void weightedGramIsTheExplicitProductInTheLowerTriangle()
    {
        // Xᵀ diag(r) X by two syrk updates against the explicit Eigen product, with residuals of both signs and
        // exact zeros (they go to the negative side with weight 0), alpha and an accumulating beta; the strictly
        // upper triangle must be left as it was.
        const Eigen::Index n = 37, d = 5;
        sl::Rng rng(11);
        const Eigen::MatrixXd X = rng.normalMatrix(n, d);
        Eigen::VectorXd r = rng.normalMatrix(n, 1).col(0);
        r[3] = 0.0;
        r[20] = 0.0;
        const Eigen::MatrixXd before = rng.normalMatrix(d, d);
        const double alpha = -0.7, beta = 0.3;
        Eigen::MatrixXd C = before, plus, minus;
        sl::blasWeightedGramLower(X, r, alpha, beta, C, plus, minus);
        const Eigen::MatrixXd expected = alpha * (X.transpose() * r.asDiagonal() * X) + beta * before;
        const Eigen::Index positives = (r.array() > 0).count();
        QCOMPARE(plus.rows(), positives);
        QCOMPARE(minus.rows(), n - positives);
        for (Eigen::Index j = 0; j < d; ++j) {
            for (Eigen::Index i = 0; i < d; ++i) {
                if (i >= j)
                    QVERIFY2(std::abs(C(i, j) - expected(i, j)) < 1e-13 * expected.norm(),
                        qPrintable(QString("(%1,%2): %3 vs %4").arg(i).arg(j).arg(C(i, j)).arg(expected(i, j))));
                else
                    QCOMPARE(C(i, j), before(i, j));
            }
        }
    }

    void weightedGramOfABlockViewWithAnOuterStride()
    {
        // The quadratic net passes row blocks of X (middleRows: outer stride n, not the block's rows).
        const Eigen::Index n = 50, d = 4;
        sl::Rng rng(12);
        const Eigen::MatrixXd X = rng.normalMatrix(n, d);
        const Eigen::VectorXd r = rng.normalMatrix(n, 1).col(0);
        Eigen::MatrixXd C(d, d), plus, minus;
        sl::blasWeightedGramLower(X.middleRows(10, 25), r.segment(10, 25), 1.0, 0.0, C, plus, minus);
        const Eigen::MatrixXd expected
            = X.middleRows(10, 25).transpose() * r.segment(10, 25).asDiagonal() * X.middleRows(10, 25);
        const Eigen::MatrixXd lower = C.triangularView<Eigen::Lower>();
        const Eigen::MatrixXd expectedLower = expected.triangularView<Eigen::Lower>();
        QVERIFY((lower - expectedLower).norm() < 1e-13 * expected.norm());
    }

    void timesUpperTransposedReadsOnlyTheUpperTriangle()
    {
        // Z = X·Rᵀ with X a row block (outer stride n) and R the top rows of a taller matrix (outer stride 9), as the
        // quadratic net passes the triangular factor of its QR; R's strictly lower part holds numbers that must be
        // ignored (Householder vectors there).
        const Eigen::Index n = 30, d = 6;
        sl::Rng rng(15);
        const Eigen::MatrixXd X = rng.normalMatrix(n, d);
        const Eigen::MatrixXd tall = rng.normalMatrix(9, d);
        Eigen::MatrixXd Z(11, d);
        sl::blasTimesUpperTransposed(X.middleRows(7, 11), tall.topRows(d), Z);
        const Eigen::MatrixXd upper = tall.topRows(d).triangularView<Eigen::Upper>();
        const Eigen::MatrixXd expected = X.middleRows(7, 11) * upper.transpose();
        QVERIFY2((Z - expected).norm() < 1e-14 * expected.norm(), qPrintable(QString::number((Z - expected).norm())));
    }

    void rowSquaredNormsOfABlockViewAccumulate()
    {
        // The quadratic net's residual: r += ‖row‖² over a row block of XW (outer stride larger than the block's
        // rows), added to what r held; a wrong stride or a missed column changes every entry.
        const Eigen::Index n = 41, p = 7;
        sl::Rng rng(14);
        const Eigen::MatrixXd M = rng.normalMatrix(n, p);
        const Eigen::VectorXd start = rng.normalMatrix(13, 1).col(0);
        Eigen::VectorXd r = start;
        sl::accumulateRowSquaredNorms(M.middleRows(20, 13), r);
        const Eigen::VectorXd expected = start + M.middleRows(20, 13).rowwise().squaredNorm();
        QVERIFY2((r - expected).norm() < 1e-14 * expected.norm(), qPrintable(QString::number((r - expected).norm())));
    }
};

QTEST_APPLESS_MAIN(TestDenseProducts)
#include "test_dense_products.moc"
