// Postmortem drafts from a stored incident: every section is there with the incident's own facts, in
// Markdown and in HTML, and the follow-ups come from what the engineer answered.
#include "reportfixture.h"

#include "report/postmortem.h"
#include "report/reportquery.h"
#include "store/store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPostmortem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sectionsAndFacts_data();
    void sectionsAndFacts();
    void timelineIsInTimeOrder();
    void changesOutsideTheWindowAreLeftOut();
    void followUps_data();
    void followUps();
    void unknownIncidentFails();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    qint64 m_id = 0;
};

void TestPostmortem::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<Store>(u"tst-postmortem"_s);
    QString error;
    QVERIFY2(m_store->open(m_dir.filePath(u"pm.sqlite"_s), &error), qPrintable(error));
    m_id = ReportFixture::seedRichIncident(*m_store);
}

void TestPostmortem::sectionsAndFacts_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("expected");
    const QString user = Store::currentUser();
    const auto both = [&](const char* tag, const QString& md, const QString& html) {
        QTest::addRow("md: %s", tag) << u"md"_s << md;
        QTest::addRow("html: %s", tag) << u"html"_s << html;
    };
    both("title", u"# Postmortem: DatabaseConnectionPoolExhausted on order-service (+1 alerts)"_s,
         u"<h1>Postmortem: DatabaseConnectionPoolExhausted on order-service (+1 alerts)</h1>"_s);
    for (const char* section :
         {"Summary", "Timeline", "Root cause and evidence", "Actions taken", "Impact", "Follow-ups"})
        both(section, u"## "_s + QString::fromLatin1(section), u"<h2>"_s + QString::fromLatin1(section) + u"</h2>"_s);
    both("name", u"- **Name:** Order-service pool — postgres-main"_s,
         u"<th>Name</th><td>Order-service pool — postgres-main</td>"_s);
    both("severity", u"- **Severity:** critical"_s, u"<th>Severity</th><td>critical</td>"_s);
    // 23:47:00 to the resolve at 00:17:00.
    both("duration", u"- **Duration:** 30 min 00 s"_s, u"<th>Duration</th><td>30 min 00 s</td>"_s);
    both("services", u"- **Affected services:** checkout, order-service"_s,
         u"<th>Affected services</th><td>checkout, order-service</td>"_s);
    both("notifications", u"- **Notifications:** 5"_s, u"<th>Notifications</th><td>5</td>"_s);
    both("time to acknowledge", u"- **Time to acknowledge:** 4 min 00 s (by %1)"_s.arg(user),
         u"<th>Time to acknowledge</th><td>4 min 00 s (by %1)</td>"_s.arg(user));
    both("first alert",
         u"| 2026-11-27 23:47:00 UTC | First alert: DatabaseConnectionPoolExhausted on order-service |  |"_s,
         u"<td>First alert: DatabaseConnectionPoolExhausted on order-service</td>"_s);
    both("member onset", u"| 2026-11-27 23:48:15 UTC | Alert fired: ServiceErrorRateHigh on checkout (warning) |"_s,
         u"<td>2026-11-27 23:48:15 UTC</td><td>Alert fired: ServiceErrorRateHigh on checkout (warning)</td>"_s);
    both("member cleared", u"| 2026-11-28 00:12:00 UTC | Alert cleared: ServiceErrorRateHigh on checkout |"_s,
         u"<td>Alert cleared: ServiceErrorRateHigh on checkout</td>"_s);
    both("ack with user", u"| 2026-11-27 23:51:00 UTC | Acknowledged: looking | %1 |"_s.arg(user),
         u"<td>Acknowledged: looking</td><td>%1</td>"_s.arg(user));
    both("note", u"Note: pool at 100%, restarting pgbouncer"_s, u"<td>Note: pool at 100%, restarting pgbouncer</td>"_s);
    both("runbook run in the timeline", u"Runbook RB-DB-001 step restart-pool: passed, exit 0, verify passed"_s,
         u"Runbook RB-DB-001 step restart-pool: passed, exit 0, verify passed"_s);
    both("mitigate", u"| 2026-11-28 00:02:00 UTC | Marked mitigated |"_s, u"<td>Marked mitigated</td>"_s);
    both("resolve", u"| 2026-11-28 00:17:00 UTC | Resolved: pool back to 40% |"_s,
         u"<td>Resolved: pool back to 40%</td>"_s);
    both("change", u"Change: deploy postgres-main v14.2 rollout"_s, u"Change: deploy postgres-main v14.2 rollout"_s);
    both("confirmed cause", u"Confirmed by %1: pgbouncer."_s.arg(user), u"Confirmed by %1: pgbouncer."_s.arg(user));
    both("ranked candidates", u"| 1 | postgres-main | 82.0 % | no (silent) |"_s,
         u"<td>1</td><td>postgres-main</td><td>82.0 %</td><td>no (silent)</td>"_s);
    both("evidence", u"- deploy of postgres-main 10 min before"_s, u"<li>deploy of postgres-main 10 min before</li>"_s);
    both("fixed by", u"Fixed by runbook RB-DB-001 step restart-pool."_s,
         u"<p>Fixed by runbook RB-DB-001 step restart-pool.</p>"_s);
    both(
        "audit argv and approval",
        u"| kubectl rollout restart deployment/pgbouncer | approved 2026-11-27 23:55:15 UTC | 0 | passed | passed | no |"_s,
        u"<td>kubectl rollout restart deployment/pgbouncer</td><td>approved 2026-11-27 23:55:15 UTC</td><td>0</td>"
        "<td>passed</td><td>passed</td><td>no</td>"_s);
    both("audit rollback", u"| 1 | failed | — | yes (exit 0) |"_s,
         u"<td>1</td><td>failed</td><td>—</td><td>yes (exit 0)</td>"_s);
    both("impact", u"- Notifications: 5 for 2 alerts"_s, u"<li>Notifications: 5 for 2 alerts</li>"_s);
    both(
        "follow-up tune",
        u"- [ ] Tune alert DatabaseConnectionPoolExhausted: it paged but needed no action (owner: team-orders)"_s,
        u"<li>&#9744; Tune alert DatabaseConnectionPoolExhausted: it paged but needed no action (owner: team-orders)</li>"_s);
    both("follow-up diagnosis", u"- [ ] Review the diagnosis: it proposed postgres-main, the cause was pgbouncer"_s,
         u"Review the diagnosis: it proposed postgres-main, the cause was pgbouncer"_s);
    // An annotation with markup stays text.
    QTest::addRow("html: no raw markup from alerts") << u"html"_s << u"<!DOCTYPE html>"_s;
}

void TestPostmortem::sectionsAndFacts()
{
    QFETCH(QString, format);
    QFETCH(QString, expected);
    QString error;
    const auto record = ReportQuery(*m_store).incidentRecord(m_id, &error);
    QVERIFY2(record, qPrintable(error));
    const ReportDocument doc = Postmortem::build(*record);
    const QString text = format == u"md" ? doc.toMarkdown() : doc.toHtml();
    QVERIFY2(text.contains(expected), qPrintable(u"missing: "_s + expected + u"\n---\n"_s + text));
}

void TestPostmortem::timelineIsInTimeOrder()
{
    QString error;
    const auto record = ReportQuery(*m_store).incidentRecord(m_id, &error);
    QVERIFY(record);
    const ReportDocument doc = Postmortem::build(*record);
    const auto& timeline = doc.sections.at(1);
    QCOMPARE(timeline.title, u"Timeline"_s);
    const auto& rows = timeline.blocks.constFirst().rows;
    // change, first alert, onset, ack, note, 2 runs, mitigate, cleared, resolve (and the pool's onset).
    QCOMPARE(rows.size(), 11);
    QVERIFY(rows.constFirst().at(1).startsWith(u"Change:"_s));
    for (qsizetype i = 1; i < rows.size(); ++i)
        QVERIFY2(rows.at(i - 1).at(0) <= rows.at(i).at(0), qPrintable(rows.at(i).at(1)));
    QVERIFY(rows.constLast().at(1).startsWith(u"Resolved"_s));
}

void TestPostmortem::changesOutsideTheWindowAreLeftOut()
{
    QString error;
    const auto record = ReportQuery(*m_store).incidentRecord(m_id, &error);
    QVERIFY(record);
    QCOMPARE(record->changes.size(), 1);
    QCOMPARE(record->changes.constFirst().service, u"postgres-main"_s);
    QVERIFY(!Postmortem::build(*record).toMarkdown().contains(u"old deploy"_s));
    QCOMPARE(record->notifications.size(), 5);
    QCOMPARE(record->runbookRuns.size(), 2);
    QCOMPARE(record->actions.size(), 4);
}

void TestPostmortem::followUps_data()
{
    QTest::addColumn<int>("actionable"); // -1 not answered, -2 no resolution at all
    QTest::addColumn<int>("right");
    QTest::addColumn<QString>("fixedText");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");

    const QString tune = u"Tune alert DatabaseConnectionPoolExhausted"_s;
    const QString review = u"Review the diagnosis"_s;
    const QString record = u"Record what fixed it"_s;
    const QString fixRunbook = u"Fix runbook RB-DB-001 step scale-pool: failed (exit code 1)"_s;
    QTest::addRow("noise and wrong") << 0 << 0 << QString() << QStringList{tune, review, fixRunbook}
                                     << QStringList{record};
    QTest::addRow("actionable and right")
        << 1 << 1 << QString() << QStringList{fixRunbook} << QStringList{tune, review};
    QTest::addRow("not answered") << -1 << -1 << QString() << QStringList{fixRunbook}
                                  << QStringList{tune, review, record};
    QTest::addRow("no resolution") << -2 << -2 << QString() << QStringList{record} << QStringList{tune, review};
    QTest::addRow("fixed by hand") << 1 << 1 << u"failed over to the replica"_s
                                   << QStringList{u"Write a runbook for the fix: failed over to the replica"_s}
                                   << QStringList{tune};
}

void TestPostmortem::followUps()
{
    QFETCH(int, actionable);
    QFETCH(int, right);
    QFETCH(QString, fixedText);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    QString error;
    auto record = ReportQuery(*m_store).incidentRecord(m_id, &error);
    QVERIFY(record);
    const auto answer = [](int v) { return v < 0 ? std::optional<bool>() : std::optional<bool>(v == 1); };
    if (actionable == -2) {
        record->resolution.reset();
    } else {
        record->resolution->actionable = answer(actionable);
        record->resolution->suggestionRight = answer(right);
        if (!fixedText.isEmpty()) {
            record->resolution->fixedByRunbook.clear();
            record->resolution->fixedByText = fixedText;
        }
    }
    const QString items = Postmortem::followUps(*record).join(u'\n');
    for (const QString& p : present)
        QVERIFY2(items.contains(p), qPrintable(p + u"\n---\n"_s + items));
    for (const QString& a : absent)
        QVERIFY2(!items.contains(a), qPrintable(a + u"\n---\n"_s + items));
}

void TestPostmortem::unknownIncidentFails()
{
    QString error;
    QVERIFY(!ReportQuery(*m_store).incidentRecord(m_id + 100, &error));
    QVERIFY2(error.contains(QString::number(m_id + 100)), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestPostmortem)
#include "tst_postmortem.moc"
