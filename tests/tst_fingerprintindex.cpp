// FingerprintIndex and KnownAlerts, the compact fingerprint lookups the correlator and the store keep for every open
// alert: every key finds its own id and nothing else, whatever the hash does (collisions are forced through the
// hash a test may pass), across growth, and the store's remembered details never let a changed alert pass for a
// repeat.
#include "correlate/correlator.h"
#include "model/fingerprintindex.h"
#include "store/knownalerts.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// The hashes a test runs with: the real one, one where every key collides, one with four values (long runs of equal
// slots and equal kept bits), and one that differs only above the 32 bits a slot keeps (same slot and same kept
// bits for all: every probe compares keys).
size_t constantHash(const QString&)
{
    return 42;
}
size_t fourValues(const QString& key)
{
    return size_t(qHash(key) % 4);
}
size_t highBitsOnly(const QString& key)
{
    return size_t(quint64(qHash(key) & 0xffff) << 48);
}

QString fingerprintNo(int i)
{
    return Alert::fingerprintOf(LabelSet{{u"alertname"_s, u"A%1"_s.arg(i)}});
}

Alert alertNo(int i, const QString& source = u"webhook:alertmanager"_s)
{
    Alert a;
    a.labels = LabelSet{{u"alertname"_s, u"A%1"_s.arg(i)}, {u"service"_s, u"svc%1"_s.arg(i % 7)}};
    a.annotations = LabelSet{{u"summary"_s, u"alert %1"_s.arg(i)}};
    a.fingerprint = fingerprintNo(i);
    a.source = source;
    a.generatorUrl = u"http://prometheus/graph?g0.expr=A%1"_s.arg(i % 3);
    return a;
}

} // namespace

class TestFingerprintIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsEachKey_data();
    void findsEachKey();
    void knownAlertsKeepEachAlertsDetails_data();
    void knownAlertsKeepEachAlertsDetails();
    void changedDetailsAreNoRepeat_data();
    void changedDetailsAreNoRepeat();
    void originsBeyondTheLimitAreNeverRepeats();
    void knownAlertsGrowNotWithinWhatWasReserved_data();
    void knownAlertsGrowNotWithinWhatWasReserved();
    void correlatorFindsEveryAlert();
};

void TestFingerprintIndex::findsEachKey_data()
{
    QTest::addColumn<int>("keys");
    QTest::addColumn<int>("hash"); // 0 seeded, 1 constant, 2 four values, 3 high bits only
    QTest::addColumn<bool>("reserved");
    for (const int keys : {1, 17, 1000}) {
        for (int hash = 0; hash < 4; ++hash) {
            QTest::addRow("%d keys, hash %d, growing", keys, hash) << keys << hash << false;
            QTest::addRow("%d keys, hash %d, reserved", keys, hash) << keys << hash << true;
        }
    }
}

void TestFingerprintIndex::findsEachKey()
{
    QFETCH(int, keys);
    QFETCH(int, hash);
    QFETCH(bool, reserved);
    const FingerprintIndex::Hash hashes[] = {nullptr, &constantHash, &fourValues, &highBitsOnly};
    FingerprintIndex index(hashes[hash]);
    QStringList owned; // the owner's keys, by id, as the correlator keeps its alerts' fingerprints
    const auto keyOf = [&](int id) -> const QString& { return owned.at(id); };
    if (reserved)
        index.reserve(keys);
    for (int i = 0; i < keys; ++i) {
        const QString key = fingerprintNo(i);
        QCOMPARE(index.find(key, keyOf), -1);
        owned << key;
        index.insert(key, i);
        QCOMPARE(index.find(key, keyOf), i);
    }
    QCOMPARE(index.size(), keys);
    // Every key its own id after every growth; keys never added (a prefix, an extension, another alert) none.
    for (int i = 0; i < keys; ++i) {
        QCOMPARE(index.find(owned.at(i), keyOf), i);
        QCOMPARE(index.find(QString(owned.at(i)).chopped(1), keyOf), -1);
        QCOMPARE(index.find(owned.at(i) + u'0', keyOf), -1);
    }
    QCOMPARE(index.find(fingerprintNo(keys), keyOf), -1);
    QCOMPARE(index.find(QString(), keyOf), -1);
}

void TestFingerprintIndex::knownAlertsKeepEachAlertsDetails_data()
{
    QTest::addColumn<int>("hash");
    QTest::addRow("seeded hash") << 0;
    QTest::addRow("every fingerprint collides") << 1;
    QTest::addRow("four hash values") << 2;
    QTest::addRow("one slot, kept bits differ") << 3;
}

void TestFingerprintIndex::knownAlertsKeepEachAlertsDetails()
{
    QFETCH(int, hash);
    const FingerprintIndex::Hash hashes[] = {nullptr, &constantHash, &fourValues, &highBitsOnly};
    KnownAlerts known(hashes[hash]);
    constexpr int kAlerts = 200;
    for (int i = 0; i < kAlerts; ++i) {
        if (i % 50 == 0)
            known.reserve(known.size() + 50);
        known.put(fingerprintNo(i), alertNo(i), i % 2 == 0);
    }
    QCOMPARE(known.size(), kAlerts);
    for (int i = 0; i < kAlerts; ++i) {
        const int k = known.find(fingerprintNo(i));
        QVERIFY(k >= 0);
        QCOMPARE(known.firing(k), i % 2 == 0);
        QVERIFY(known.sameDetails(k, alertNo(i)));
        // Another alert's details are never taken for this one's.
        QVERIFY(!known.sameDetails(k, alertNo((i + 1) % kAlerts)));
    }
    QCOMPARE(known.find(fingerprintNo(kAlerts)), -1);
    // Writing one again replaces its details and status, and touches nobody else.
    Alert changed = alertNo(5);
    changed.labels.insert(u"pod"_s, u"p-1"_s);
    known.put(fingerprintNo(5), changed, false);
    QCOMPARE(known.size(), kAlerts);
    const int five = known.find(fingerprintNo(5));
    QVERIFY(known.sameDetails(five, changed));
    QVERIFY(!known.sameDetails(five, alertNo(5)));
    QVERIFY(!known.firing(five));
    known.setFiring(five, true);
    QVERIFY(known.firing(known.find(fingerprintNo(5))));
    QVERIFY(known.sameDetails(known.find(fingerprintNo(6)), alertNo(6)));
    QVERIFY(!known.firing(known.find(fingerprintNo(7))));
}

void TestFingerprintIndex::changedDetailsAreNoRepeat_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<bool>("same");
    QTest::addRow("unchanged copy") << u"none"_s << true;
    QTest::addRow("label value") << u"label"_s << false;
    QTest::addRow("label added") << u"labelAdded"_s << false;
    QTest::addRow("annotation") << u"annotation"_s << false;
    QTest::addRow("annotations dropped") << u"annotationsDropped"_s << false;
    QTest::addRow("source") << u"source"_s << false;
    QTest::addRow("generator URL") << u"generatorUrl"_s << false;
    QTest::addRow("status and times only") << u"status"_s << true;
}

void TestFingerprintIndex::changedDetailsAreNoRepeat()
{
    QFETCH(QString, field);
    QFETCH(bool, same);
    KnownAlerts known;
    const Alert stored = alertNo(1);
    known.put(stored.fingerprint, stored, true);
    // A deep copy: equal by value, not the shared maps the store kept.
    Alert next = alertNo(1);
    if (field == u"label")
        next.labels[u"service"_s] = u"other"_s;
    else if (field == u"labelAdded")
        next.labels.insert(u"pod"_s, u"p"_s);
    else if (field == u"annotation")
        next.annotations[u"summary"_s] = u"changed"_s;
    else if (field == u"annotationsDropped")
        next.annotations.clear();
    else if (field == u"source")
        next.source = u"webhook:grafana"_s;
    else if (field == u"generatorUrl")
        next.generatorUrl += u"x"_s;
    else if (field == u"status")
        next.status = Alert::Status::Resolved, next.endsAt = QDateTime::currentDateTimeUtc();
    QCOMPARE(known.sameDetails(known.find(stored.fingerprint), next), same);
}

void TestFingerprintIndex::knownAlertsGrowNotWithinWhatWasReserved_data()
{
    // stored: alerts known before (at least three: the origins of alertNo() are known then, and counted in bytes());
    // expected: the ones a big delivery is about to bring (Store::expectAlerts).
    QTest::addColumn<int>("stored");
    QTest::addColumn<int>("expected");
    QTest::addRow("three known, a big delivery") << 3 << 6'000; // their three origins (source, URL) too
    QTest::addRow("a storm's worth known, a bigger delivery") << 3'000 << 10'000;
    QTest::addRow("many known, a smaller delivery") << 9'000 << 2'500;
}

// A big delivery's chunks add rows one chunk at a time: after one reserve for all of them, none of its chunks grows
// the entries or the index again (each growth moved every entry and slot).
void TestFingerprintIndex::knownAlertsGrowNotWithinWhatWasReserved()
{
    QFETCH(int, stored);
    QFETCH(int, expected);
    KnownAlerts known;
    for (int i = 0; i < stored; ++i) {
        const Alert a = alertNo(i);
        known.add(a.fingerprint, a, true);
    }
    known.reserve(known.size() + expected);
    const qsizetype reserved = known.bytes();
    const int chunk = 1'000;
    for (int i = stored; i < stored + expected; i += chunk) {
        known.reserve(known.size() + qMin(chunk, stored + expected - i)); // as each chunk's commit does
        for (int j = i; j < qMin(i + chunk, stored + expected); ++j) {
            const Alert a = alertNo(j);
            known.add(a.fingerprint, a, true);
        }
        QCOMPARE(known.bytes(), reserved);
    }
    QCOMPARE(known.size(), stored + expected);
    for (const int i : {0, stored, stored + expected - 1})
        QCOMPARE(known.find(alertNo(i).fingerprint), i);
}

void TestFingerprintIndex::originsBeyondTheLimitAreNeverRepeats()
{
    // A sender of one-off generator URLs must not grow the origin table without bound; past its limit such an alert
    // is still found and its status kept, it just never passes for an unchanged repeat.
    KnownAlerts known;
    const int alerts = int(KnownAlerts::kMaxOrigins) + 10;
    for (int i = 0; i < alerts; ++i) {
        Alert a = alertNo(i);
        a.generatorUrl = u"http://prometheus/%1"_s.arg(i);
        known.put(a.fingerprint, a, true);
    }
    for (int i = 0; i < alerts; ++i) {
        Alert a = alertNo(i);
        a.generatorUrl = u"http://prometheus/%1"_s.arg(i);
        const int k = known.find(a.fingerprint);
        QVERIFY(k >= 0);
        QVERIFY(known.firing(k));
        QCOMPARE(known.sameDetails(k, a), i < KnownAlerts::kMaxOrigins);
    }
    // An origin seen before the limit still serves alerts stored after it.
    Alert late = alertNo(alerts + 1);
    late.generatorUrl = u"http://prometheus/0"_s;
    known.put(late.fingerprint, late, true);
    QVERIFY(known.sameDetails(known.find(late.fingerprint), late));
}

void TestFingerprintIndex::correlatorFindsEveryAlert()
{
    // The correlator's index keeps no fingerprint of its own: it asks the alerts, wherever placing, merging and
    // splitting groups has moved them. Each of many alerts over a few services is found, once.
    Correlator correlator;
    const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-600);
    AlertBatch batch;
    for (int i = 0; i < 3000; ++i) {
        Alert a = alertNo(i);
        a.startsAt = t0.addSecs(i % 400);
        a.receivedAt = t0.addSecs(500);
        batch << a;
    }
    correlator.addAll(batch.mid(0, 1000));
    for (const Alert& a : batch.mid(1000))
        correlator.add(a);
    correlator.addAll(batch.mid(0, 500)); // repeats: counted, not added
    QCOMPARE(correlator.alertCount(), 3000);
    for (int i = 0; i < 3000; ++i) {
        const TrackedAlert* t = correlator.trackedAlert(fingerprintNo(i));
        QVERIFY2(t, qPrintable(u"alert %1 not found"_s.arg(i)));
        QCOMPARE(t->fingerprint(), fingerprintNo(i));
        QCOMPARE(t->notificationCount, i < 500 ? 2 : 1);
        QVERIFY(!correlator.incidentKeyOf(fingerprintNo(i)).isEmpty());
    }
    QVERIFY(!correlator.trackedAlert(fingerprintNo(3000)));
    QVERIFY(correlator.incidentKeyOf(fingerprintNo(3000)).isEmpty());
    for (const QString& key : correlator.incidentKeys())
        QVERIFY(correlator.incident(key).has_value());
}

QTEST_GUILESS_MAIN(TestFingerprintIndex)
#include "tst_fingerprintindex.moc"
