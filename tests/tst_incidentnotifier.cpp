// IncidentNotifier, data-driven: which snapshots bring a desktop notification. One per incident, never per
// alert or refresh, none for a merge, do-not-disturb holds back everything below critical, and the
// unacknowledged count only counts open incidents nobody acknowledged.

#include "notify/incidentnotifier.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
Incident incident(const QString& key, const QString& severity, const QStringList& fingerprints,
                  Incident::State state = Incident::State::Triggered)
{
    Incident i;
    i.id = qHash(key) % 1000 + 1;
    i.key = key;
    i.severity = severity;
    i.state = state;
    for (const QString& f : fingerprints) {
        TrackedAlert a;
        a.latest.fingerprint = f;
        i.alerts << a;
    }
    RootCauseCandidate root;
    root.service = u"postgres-main"_s;
    root.confidence = 0.78;
    i.rootCauses = {root};
    return i;
}
using Snapshots = QVector<QVector<Incident>>;
} // namespace

class TestIncidentNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifications_data();
    void notifications();
    void unacknowledgedCount();
    void soundFollowsSeverity();
};

void TestIncidentNotifier::notifications_data()
{
    QTest::addColumn<bool>("doNotDisturb");
    QTest::addColumn<Snapshots>("snapshots");
    QTest::addColumn<QList<QStringList>>("expected"); // notified keys after each snapshot

    const Incident a = incident(u"A"_s, u"critical"_s, {u"a1"_s});
    Incident aGrown = incident(u"A"_s, u"critical"_s, {u"a1"_s, u"a2"_s, u"a3"_s});
    const Incident b = incident(u"B"_s, u"warning"_s, {u"b1"_s});
    const Incident c = incident(u"C"_s, u"critical"_s, {u"c1"_s});

    QTest::addRow("first sight notifies") << false << Snapshots{{a}} << QList<QStringList>{{u"A"_s}};
    QTest::addRow("same incident again: once")
        << false << Snapshots{{a}, {a}, {a}} << QList<QStringList>{{u"A"_s}, {}, {}};
    QTest::addRow("more alerts in the incident: not per alert")
        << false << Snapshots{{a}, {aGrown}} << QList<QStringList>{{u"A"_s}, {}};
    QTest::addRow("two new incidents at once, most severe first")
        << false << Snapshots{{b, a}} << QList<QStringList>{{u"A"_s, u"B"_s}};
    QTest::addRow("merge keeps the survivor's key: no new notice")
        << false << Snapshots{{a, b}, {incident(u"A"_s, u"critical"_s, {u"a1"_s, u"b1"_s})}}
        << QList<QStringList>{{u"A"_s, u"B"_s}, {}};
    QTest::addRow("merge under a new key: no new notice")
        << false << Snapshots{{a, b}, {incident(u"AB"_s, u"critical"_s, {u"a1"_s, u"b1"_s})}}
        << QList<QStringList>{{u"A"_s, u"B"_s}, {}};
    QTest::addRow("a later new incident notifies")
        << false << Snapshots{{a}, {a, c}} << QList<QStringList>{{u"A"_s}, {u"C"_s}};
    QTest::addRow("acknowledged when first seen: silent")
        << false << Snapshots{{incident(u"A"_s, u"critical"_s, {u"a1"_s}, Incident::State::Acknowledged)}}
        << QList<QStringList>{{}};
    QTest::addRow("resolved when first seen: silent")
        << false << Snapshots{{incident(u"A"_s, u"critical"_s, {u"a1"_s}, Incident::State::Resolved)}}
        << QList<QStringList>{{}};
    QTest::addRow("alert firing again after its incident resolved: news")
        << false
        << Snapshots{{a},
                     {incident(u"A"_s, u"critical"_s, {u"a1"_s}, Incident::State::Resolved)},
                     {incident(u"A2"_s, u"critical"_s, {u"a1"_s})}}
        << QList<QStringList>{{u"A"_s}, {}, {u"A2"_s}};
    QTest::addRow("do not disturb: critical still notifies") << true << Snapshots{{a}} << QList<QStringList>{{u"A"_s}};
    QTest::addRow("do not disturb: warning and info held back")
        << true << Snapshots{{b, incident(u"I"_s, u"info"_s, {u"i1"_s})}, {b}} << QList<QStringList>{{}, {}};
    QTest::addRow("do not disturb: a held warning that turns critical notifies once")
        << true
        << Snapshots{{b},
                     {incident(u"B"_s, u"critical"_s, {u"b1"_s, u"b2"_s})},
                     {incident(u"B"_s, u"critical"_s, {u"b1"_s})}}
        << QList<QStringList>{{}, {u"B"_s}, {}};
}

void TestIncidentNotifier::notifications()
{
    QFETCH(bool, doNotDisturb);
    QFETCH(Snapshots, snapshots);
    QFETCH(QList<QStringList>, expected);
    QCOMPARE(snapshots.size(), expected.size());
    IncidentNotifier notifier;
    notifier.setDoNotDisturb(doNotDisturb);
    for (qsizetype i = 0; i < snapshots.size(); ++i) {
        QStringList keys;
        for (const IncidentNotice& n : notifier.update(snapshots.at(i)))
            keys << n.key;
        QCOMPARE(keys, expected.at(i));
    }
}

void TestIncidentNotifier::unacknowledgedCount()
{
    IncidentNotifier notifier;
    QCOMPARE(notifier.unacknowledgedCount(), 0);
    QCOMPARE(notifier.worstUnacknowledged(), Severity::Unknown);
    notifier.update({incident(u"A"_s, u"warning"_s, {u"a1"_s}),
                     incident(u"B"_s, u"critical"_s, {u"b1"_s}, Incident::State::Acknowledged),
                     incident(u"C"_s, u"critical"_s, {u"c1"_s}, Incident::State::Resolved),
                     incident(u"D"_s, u"info"_s, {u"d1"_s})});
    QCOMPARE(notifier.unacknowledgedCount(), 2);
    QCOMPARE(notifier.worstUnacknowledged(), Severity::Warning);
    notifier.update({incident(u"A"_s, u"warning"_s, {u"a1"_s}, Incident::State::Acknowledged)});
    QCOMPARE(notifier.unacknowledgedCount(), 0);
}

void TestIncidentNotifier::soundFollowsSeverity()
{
    IncidentNotifier notifier;
    notifier.setSoundSeverities({Severity::Critical});
    const QVector<IncidentNotice> notices =
        notifier.update({incident(u"A"_s, u"critical"_s, {u"a1"_s}), incident(u"B"_s, u"warning"_s, {u"b1"_s})});
    QCOMPARE(notices.size(), 2);
    QVERIFY(notices.at(0).sound);
    QVERIFY(!notices.at(1).sound);
    QCOMPARE(notices.at(0).rootCause, u"postgres-main"_s);
    QCOMPARE(notices.at(0).alertCount, 1);
}

QTEST_GUILESS_MAIN(TestIncidentNotifier)
#include "tst_incidentnotifier.moc"
