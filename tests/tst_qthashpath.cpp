// QtHashPath: where Qt 6.4's short-key qHash would take its slow AVX-512 path, the program takes the 128-bit one,
// decided before main; nowhere else, and never where Qt's feature bits do not say what the CPU says.

#include "pipeline/qthashpath.h"

#include <QHash>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

class TestQtHashPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldTakeNarrowPath_data();
    void shouldTakeNarrowPath();
    void decidedForThisMachineBeforeMain();
    void hashesStayConsistent();
};

void TestQtHashPath::shouldTakeNarrowPath_data()
{
    using QtHashPath::kQtAvx512vlBit;
    using QtHashPath::kQtVaesBit;
    QTest::addColumn<int>("qtMinor");
    QTest::addColumn<bool>("cpuHasVaes");
    QTest::addColumn<bool>("cpuHasAvx512vl");
    QTest::addColumn<quint64>("qtFeatures");
    QTest::addColumn<bool>("narrow");
    const quint64 both = kQtVaesBit | kQtAvx512vlBit | 0x20 | 0x100;
    QTest::addRow("Qt 6.4, VAES and AVX512VL") << 4 << true << true << both << true;
    QTest::addRow("Qt 6.5 reads other bits") << 5 << true << true << both << false;
    QTest::addRow("Qt 6.3") << 3 << true << true << both << false;
    QTest::addRow("no VAES") << 4 << false << true << (both & ~kQtVaesBit) << false;
    QTest::addRow("VAES without AVX512VL (the 128-bit path already)")
        << 4 << true << false << (both & ~kQtAvx512vlBit) << false;
    QTest::addRow("bit set, CPU without VAES: not the bits measured") << 4 << false << true << both << false;
    QTest::addRow("CPU with VAES, bit clear: not the bits measured")
        << 4 << true << true << (both & ~kQtVaesBit) << false;
    QTest::addRow("bits not detected yet") << 4 << true << true << quint64(0) << false;
}

void TestQtHashPath::shouldTakeNarrowPath()
{
    QFETCH(int, qtMinor);
    QFETCH(bool, cpuHasVaes);
    QFETCH(bool, cpuHasAvx512vl);
    QFETCH(quint64, qtFeatures);
    QFETCH(bool, narrow);
    QCOMPARE(QtHashPath::shouldTakeNarrowPath({6, qtMinor, cpuHasVaes, cpuHasAvx512vl, qtFeatures}), narrow);
}

void TestQtHashPath::decidedForThisMachineBeforeMain()
{
    // The constructor ran before this test's main: on Qt 6.4 with a CPU that has both features, the narrow path.
    const QtHashPath::Facts facts = QtHashPath::machineFacts();
    QCOMPARE(facts.qtMajor, QT_VERSION_MAJOR);
    const bool expected = facts.qtMinor == 4 && facts.cpuHasVaes && facts.cpuHasAvx512vl;
    QCOMPARE(QtHashPath::narrowPathTaken(), expected);
    if (expected) // taken: Qt's VAES bit is clear now, its AVX512VL bit as the CPU says
        QCOMPARE(facts.qtFeatures & (QtHashPath::kQtVaesBit | QtHashPath::kQtAvx512vlBit), QtHashPath::kQtAvx512vlBit);
    QtHashPath::logDecision();
}

void TestQtHashPath::hashesStayConsistent()
{
    // Keys of every length either path treats apart (under 16 bytes, 16, longer), in a set built after the decision.
    QSet<QString> keys;
    QList<QString> all;
    for (int length = 0; length <= 40; ++length)
        all << QString(length, u'k') + QString::number(length);
    for (const QString& key : std::as_const(all))
        keys.insert(key);
    QCOMPARE(keys.size(), all.size());
    for (const QString& key : std::as_const(all)) {
        QVERIFY2(keys.contains(key), qPrintable(key));
        QCOMPARE(qHash(key, 42u), qHash(QStringView(key), 42u));
    }
    QVERIFY(!keys.contains(u"absent"_s));
}

QTEST_GUILESS_MAIN(TestQtHashPath)
#include "tst_qthashpath.moc"
