// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/compute_threads.h"
#include "core/common/dense_products.h"
#include "core/common/rng.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <memory>

class TestComputeThreads : public QObject {
    Q_OBJECT

private slots:
    void workersTimesThreadsNeverExceedTheCores()
    {
        const int cores = sl::hardwareThreads();
        QVERIFY(cores >= 1);
        QCOMPARE(sl::threadsPerWorker(1), cores);
        QCOMPARE(sl::threadsPerWorker(0), cores);  // "no workers" is one run
        for (int workers = 1; workers <= 3 * cores + 1; ++workers) {
            const int threads = sl::threadsPerWorker(workers);
            QVERIFY(threads >= 1);
            if (workers <= cores)
                QVERIFY2(workers * threads <= cores, qPrintable(QString("%1 x %2").arg(workers).arg(threads)));
            else
                QCOMPARE(threads, 1);
            // As many threads as fit: one more per worker would oversubscribe.
            QVERIFY(workers * (threads + 1) > cores);
        }
    }

    void parallelWorkersLowerTheBlasPoolAndRestoreIt()
    {
        if (!sl::blasIsOpenBlas())
            QSKIP("the system BLAS is not OpenBLAS (no thread pool to size)");
        const int cores = sl::hardwareThreads();
        const int ceiling = sl::blasThreads();
        QVERIFY(ceiling >= 1);
        {
            const sl::ParallelWorkers one(1);
            QCOMPARE(sl::blasThreads(), std::min(ceiling, cores));
            {
                // A second runner at the same time: the two scopes' workers add up.
                const sl::ParallelWorkers more(cores);
                QCOMPARE(more.threadsPerWorker(), 1);
                QCOMPARE(sl::blasThreads(), 1);
            }
            QCOMPARE(sl::blasThreads(), std::min(ceiling, cores));
        }
        QCOMPARE(sl::blasThreads(), ceiling);
    }

    void productsAgreeBetweenEngines()
    {
        // blasGemm with transposes and strided views against Eigen's product, and the syrk's lower triangle.
        sl::Rng rng(9);
        const Eigen::MatrixXd a = rng.normalMatrix(70, 30), b = rng.normalMatrix(70, 20);
        Eigen::MatrixXd c = rng.normalMatrix(30, 20);
        const Eigen::MatrixXd expected = 0.5 * a.middleRows(5, 60).transpose() * b.middleRows(5, 60) - 2.0 * c;
        sl::blasGemm(true, false, 0.5, a.middleRows(5, 60), b.middleRows(5, 60), -2.0, c);
        QVERIFY((c - expected).norm() < 1e-13 * expected.norm());
        Eigen::MatrixXd s = Eigen::MatrixXd::Constant(30, 30, 7.0);
        sl::blasSyrkLowerTransposed(3.0, a, 0.0, s);
        const Eigen::MatrixXd gram = 3.0 * a.transpose() * a;
        QVERIFY(
            (Eigen::MatrixXd(s.triangularView<Eigen::Lower>()) - Eigen::MatrixXd(gram.triangularView<Eigen::Lower>()))
                .norm()
            < 1e-13 * gram.norm());
        QCOMPARE(s(0, 29), 7.0);  // the strictly upper triangle is not touched
        const Eigen::MatrixXd right = rng.normalMatrix(30, 20);
        const Eigen::MatrixXd reference = a * right;
        for (sl::DenseBackend backend :
            {sl::DenseBackend::Eigen, sl::DenseBackend::Blas, sl::DenseBackend::Automatic}) {
            sl::setDenseBackend(backend);
            Eigen::MatrixXd product = Eigen::MatrixXd::Constant(70, 20, 1e300);
            sl::denseProduct(a, right, product);
            QVERIFY2((product - reference).norm() < 1e-13 * reference.norm(), sl::toString(backend));
        }
        sl::setDenseBackend(sl::DenseBackend::Automatic);
        QVERIFY(!sl::useBlasProduct(8, 8, 8));
        QVERIFY(sl::useBlasProduct(4096, 100, 100));
        sl::setDenseBackend(sl::DenseBackend::Blas);
        QVERIFY(sl::useBlasProduct(8, 8, 8));
        sl::setDenseBackend(sl::DenseBackend::Eigen);
        QVERIFY(!sl::useBlasProduct(4096, 100, 100));
        sl::setDenseBackend(sl::DenseBackend::Automatic);
    }
};

QTEST_APPLESS_MAIN(TestComputeThreads)
#include "test_compute_threads.moc"
