// ChunkOrder: a big delivery's alerts are stored in fingerprint order, those sharing a fingerprint in body order, the
// same order for the same body every time (a resend's journal row names the same alerts), and the ranks stored so far
// map back to the body's alerts in body order.
#include "pipeline/chunkorder.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// n alerts; every `repeatEvery`-th repeats the fingerprint of the one before it (0: none repeats); every
// `unnamedEvery`-th has no fingerprint (0: all have one), so it is ordered by its labels' (as the store keys it).
AlertBatch alerts_(int n, int repeatEvery, int unnamedEvery, quint32 seed)
{
    QRandomGenerator random(seed);
    AlertBatch out;
    for (int i = 0; i < n; ++i) {
        Alert a;
        a.labels.insert(u"alertname"_s, u"A%1"_s.arg(random.generate()));
        a.labels.insert(u"body_index"_s, QString::number(i));
        if (repeatEvery > 0 && i > 0 && i % repeatEvery == 0)
            a.fingerprint = out.constLast().fingerprint;
        else if (unnamedEvery == 0 || i % unnamedEvery != 0)
            a.fingerprint = Alert::fingerprintOf(a.labels);
        out << a;
    }
    return out;
}

QString keyOf(const Alert& a)
{
    return a.fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : a.fingerprint;
}

} // namespace

class TestChunkOrder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fingerprintOrderTiesInBodyOrder_data();
    void fingerprintOrderTiesInBodyOrder();
    void storedRanksBackInBodyOrder_data();
    void storedRanksBackInBodyOrder();
};

void TestChunkOrder::fingerprintOrderTiesInBodyOrder_data()
{
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("repeatEvery");
    QTest::addColumn<int>("unnamedEvery");
    QTest::addRow("empty") << 0 << 0 << 0;
    QTest::addRow("one") << 1 << 0 << 0;
    QTest::addRow("distinct fingerprints") << 5'000 << 0 << 0;
    QTest::addRow("every third repeats the one before") << 5'000 << 3 << 0;
    QTest::addRow("every other repeats the one before") << 999 << 2 << 0;
    QTest::addRow("some without a fingerprint") << 2'000 << 0 << 7;
}

void TestChunkOrder::fingerprintOrderTiesInBodyOrder()
{
    QFETCH(int, alerts);
    QFETCH(int, repeatEvery);
    QFETCH(int, unnamedEvery);
    const AlertBatch batch = alerts_(alerts, repeatEvery, unnamedEvery, 7);
    const ChunkOrder order(batch);
    QCOMPARE(order.size(), batch.size());
    QVector<bool> seen(batch.size(), false);
    for (qsizetype rank = 0; rank < order.size(); ++rank) {
        const qsizetype i = order.at(rank);
        QVERIFY(i >= 0 && i < batch.size());
        QVERIFY2(!seen.at(i), "an alert is stored twice");
        seen[i] = true;
        if (rank == 0)
            continue;
        const qsizetype before = order.at(rank - 1);
        const QString a = keyOf(batch.at(before)), b = keyOf(batch.at(i));
        QVERIFY2(a < b || (a == b && before < i),
                 qPrintable(u"rank %1: %2 (#%3) after %4 (#%5)"_s.arg(rank).arg(b).arg(i).arg(a).arg(before)));
    }
    // The same body parsed again (other objects, equal alerts) is stored in the same order.
    const ChunkOrder again(alerts_(alerts, repeatEvery, unnamedEvery, 7));
    for (qsizetype rank = 0; rank < order.size(); ++rank)
        QCOMPARE(again.at(rank), order.at(rank));
}

void TestChunkOrder::storedRanksBackInBodyOrder_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addRow("none") << 0 << 0;
    QTest::addRow("the first chunk") << 0 << 250;
    QTest::addRow("after a resumed part, to the end") << 300 << 1'000;
    QTest::addRow("all") << 0 << 1'000;
    QTest::addRow("past the end: clamped") << 900 << 5'000;
}

void TestChunkOrder::storedRanksBackInBodyOrder()
{
    QFETCH(int, from);
    QFETCH(int, to);
    const AlertBatch batch = alerts_(1'000, 4, 0, 11);
    const ChunkOrder order(batch);
    const QVector<qsizetype> indexes = order.inBodyOrder(from, to);
    QVector<qsizetype> expected;
    for (qsizetype rank = from; rank < qMin<qsizetype>(to, order.size()); ++rank)
        expected << order.at(rank);
    std::sort(expected.begin(), expected.end());
    QCOMPARE(indexes, expected);
}

QTEST_GUILESS_MAIN(TestChunkOrder)
#include "tst_chunkorder.moc"
