// IncidentNotifier, data-driven: which snapshots bring a desktop notification. One per incident, never per
// alert or refresh, none for a merge, do-not-disturb holds back everything below critical, and the
// unacknowledged count only counts open incidents nobody acknowledged; with a diagnosis wait, a new incident is
// announced when its first candidate lands or without one when the wait ends (on a clock the test drives).

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

Incident undiagnosed(const QString& key, const QStringList& fingerprints)
{
    Incident i = incident(key, u"critical"_s, fingerprints);
    i.rootCauses.clear();
    return i;
}

// One moment of the diagnosis wait test: a snapshot given to update(), or (due) the owner's timer asking due().
struct Step
{
    qint64 at = 0;
    QVector<Incident> incidents;
    bool due = false;
    QStringList expected; // "key: cause" of the notices it brings ("key: -" without a cause)
};
} // namespace

Q_DECLARE_METATYPE(Step)

class TestIncidentNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifications_data();
    void notifications();
    void unacknowledgedCount();
    void soundFollowsSeverity();
    void diagnosisWait_data();
    void diagnosisWait();
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

void TestIncidentNotifier::diagnosisWait_data()
{
    QTest::addColumn<int>("waitMs");
    QTest::addColumn<QVector<Step>>("steps");
    const Incident a = incident(u"A"_s, u"critical"_s, {u"a1"_s});
    const Incident aBare = undiagnosed(u"A"_s, {u"a1"_s});
    const Incident b = incident(u"B"_s, u"warning"_s, {u"b1"_s});
    const auto snap = [](qint64 at, const QVector<Incident>& incidents, const QStringList& expected) {
        return Step{at, incidents, false, expected};
    };
    const auto due = [](qint64 at, const QStringList& expected) { return Step{at, {}, true, expected}; };

    QTest::addRow("no wait: at once, without a cause") << 0 << QVector<Step>{snap(0, {aBare}, {u"A: -"_s})};
    QTest::addRow("with a cause: at once") << 3'000 << QVector<Step>{snap(0, {a}, {u"A: postgres-main"_s})};
    QTest::addRow("candidate before the wait ends: named, once")
        << 3'000
        << QVector<Step>{snap(0, {aBare}, {}), snap(200, {aBare}, {}), snap(1'500, {a}, {u"A: postgres-main"_s}),
                         due(3'000, {}), snap(4'000, {a}, {})};
    QTest::addRow("no candidate: without one when the wait ends, once")
        << 3'000
        << QVector<Step>{snap(0, {aBare}, {}), due(2'999, {}), due(3'000, {u"A: -"_s}), snap(3'500, {aBare}, {}),
                         snap(5'000, {a}, {}), due(9'000, {})};
    QTest::addRow("a refresh after the wait announces it without")
        << 3'000 << QVector<Step>{snap(0, {aBare}, {}), snap(3'200, {aBare}, {u"A: -"_s}), due(3'300, {})};
    QTest::addRow("others are not held up by one that waits")
        << 3'000
        << QVector<Step>{snap(0, {aBare, b}, {u"B: postgres-main"_s}), due(3'000, {u"A: -"_s})};
    QTest::addRow("acknowledged while waiting: silent")
        << 3'000
        << QVector<Step>{snap(0, {aBare}, {}),
                         snap(1'000, {undiagnosed(u"A"_s, {u"a1"_s})}, {}),
                         snap(1'500, {[&] {
                                  Incident acked = aBare;
                                  acked.state = Incident::State::Acknowledged;
                                  return acked;
                              }()},
                              {}),
                         due(5'000, {})};
    QTest::addRow("merged under a new key while waiting: the new key is news")
        << 3'000
        << QVector<Step>{snap(0, {aBare}, {}),
                         snap(1'000, {incident(u"A2"_s, u"critical"_s, {u"a1"_s, u"a2"_s})}, {u"A2: postgres-main"_s}),
                         due(5'000, {})};
}

void TestIncidentNotifier::diagnosisWait()
{
    QFETCH(int, waitMs);
    QFETCH(QVector<Step>, steps);
    IncidentNotifier notifier;
    notifier.setDiagnosisWait(waitMs);
    for (const Step& step : std::as_const(steps)) {
        QStringList got;
        for (const IncidentNotice& n : step.due ? notifier.due(step.at) : notifier.update(step.incidents, step.at))
            got << n.key + u": "_s + (n.rootCause.isEmpty() ? u"-"_s : n.rootCause);
        QVERIFY2(got == step.expected, qPrintable(u"at %1 ms: %2"_s.arg(step.at).arg(got.join(u", "_s))));
        // The owner's timer is set to the end of the wait of whatever still waits.
        const qint64 left = notifier.msUntilDue(step.at);
        QVERIFY2(left >= -1 && left <= waitMs, qPrintable(QString::number(left)));
    }
    QCOMPARE(notifier.msUntilDue(steps.last().at), -1); // nothing is left waiting at the end
}

QTEST_GUILESS_MAIN(TestIncidentNotifier)
#include "tst_incidentnotifier.moc"
