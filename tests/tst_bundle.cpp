// Incident bundles: export from one database, import into another, export again: the same JSON but for
// row ids; a second import adds nothing; a bad bundle is refused with a reason and changes nothing.
#include "reportfixture.h"

#include "report/incidentbundle.h"
#include "report/reportquery.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using json = nlohmann::json;

class TestBundle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTripIsEqualModuloIds();
    void reimportIsIdempotent();
    void importKeepsUsersAndTimes();
    void badBundlesAreRefused_data();
    void badBundlesAreRefused();

private:
    static json withoutIds(const QByteArray& bytes);
    static qint64 count(const Store& store, const QString& table);

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_a;
    std::unique_ptr<Store> m_b;
    qint64 m_id = 0;
    QByteArray m_exported;
};

json TestBundle::withoutIds(const QByteArray& bytes)
{
    json doc = json::parse(bytes.toStdString());
    doc["incident"].erase("id");
    for (json& run : doc["runbook_runs"])
        run.erase("id");
    return doc;
}

qint64 TestBundle::count(const Store& store, const QString& table)
{
    QSqlQuery q(store.connection());
    if (!q.exec(u"SELECT count(*) FROM "_s + table) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

void TestBundle::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_a = std::make_unique<Store>(u"tst-bundle-a"_s);
    QVERIFY2(m_a->open(m_dir.filePath(u"a.sqlite"_s), &error), qPrintable(error));
    // Ids in A differ from those the import will get in B.
    ReportFixture::seed(*m_a, ReportFixture::handHistory());
    m_id = ReportFixture::seedRichIncident(*m_a);
    m_b = std::make_unique<Store>(u"tst-bundle-b"_s);
    QVERIFY2(m_b->open(m_dir.filePath(u"b.sqlite"_s), &error), qPrintable(error));
    const auto bytes = IncidentBundle::exportIncident(*m_a, m_id, &error);
    QVERIFY2(bytes, qPrintable(error));
    m_exported = *bytes;
}

void TestBundle::roundTripIsEqualModuloIds()
{
    const json a = json::parse(m_exported.toStdString());
    QCOMPARE(QString::fromStdString(a["format"].get<std::string>()), u"nightwatch-incident-bundle"_s);
    QCOMPARE(a["version"].get<int>(), 1);
    QCOMPARE(a["alerts"].size(), size_t(2));
    QCOMPARE(a["alerts"][0]["notifications"].size(), size_t(3));
    QCOMPARE(a["runbook_runs"].size(), size_t(2));
    QCOMPARE(a["changes"].size(), size_t(1));
    QCOMPARE(a["actions"].size(), size_t(4));
    QVERIFY(a["resolution"]["actionable"].is_boolean());

    QString error;
    const auto result = IncidentBundle::importBundle(*m_b, m_exported, &error);
    QVERIFY2(result, qPrintable(error));
    QVERIFY(!result->alreadyPresent);
    QVERIFY(result->incidentId != m_id);
    const auto again = IncidentBundle::exportIncident(*m_b, result->incidentId, &error);
    QVERIFY2(again, qPrintable(error));
    const json exportedA = withoutIds(m_exported);
    const json exportedB = withoutIds(*again);
    QVERIFY2(exportedA == exportedB, qPrintable(QString::fromStdString(json::diff(exportedA, exportedB).dump(1))));
    QVERIFY(m_exported != *again); // the ids did change: the comparison above is not vacuous
}

void TestBundle::reimportIsIdempotent()
{
    QString error;
    const QStringList tables{u"incidents"_s,   u"alerts"_s,       u"notifications"_s,
                             u"actions"_s,     u"runbook_runs"_s, u"changes"_s,
                             u"resolutions"_s, u"root_causes"_s,  u"incident_alerts"_s};
    QHash<QString, qint64> before;
    for (const QString& t : tables)
        before.insert(t, count(*m_b, t));
    QCOMPARE(before.value(u"incidents"_s), qint64(1));
    const auto result = IncidentBundle::importBundle(*m_b, m_exported, &error);
    QVERIFY2(result, qPrintable(error));
    QVERIFY(result->alreadyPresent);
    for (const QString& t : tables)
        QVERIFY2(count(*m_b, t) == before.value(t), qPrintable(t));
}

void TestBundle::importKeepsUsersAndTimes()
{
    // The bundle says someone else acknowledged it, an hour later: the import must not restamp it.
    json doc = json::parse(m_exported.toStdString());
    doc["incident"]["key"] = "another-key";
    doc["incident"]["acknowledged_by"] = "alice";
    doc["actions"][0]["user"] = "alice";
    doc["actions"][0]["at"] = "2026-11-28T00:47:00.000Z";
    doc["resolution"]["user"] = "bob";
    QString error;
    const auto result = IncidentBundle::importBundle(*m_b, QByteArray::fromStdString(doc.dump()), &error);
    QVERIFY2(result, qPrintable(error));
    QVERIFY(!result->alreadyPresent);
    const auto loaded = m_b->loadIncident(result->incidentId);
    QVERIFY(loaded);
    QCOMPARE(loaded->acknowledgedBy, u"alice"_s);
    QCOMPARE(loaded->state, Incident::State::Resolved);
    const auto actions = m_b->actions(result->incidentId);
    QCOMPARE(actions.constFirst().user, u"alice"_s);
    QCOMPARE(actions.constFirst().at, ReportFixture::utc(u"2026-11-28T00:47:00Z"_s));
    QCOMPARE(m_b->resolution(result->incidentId)->user, u"bob"_s);
    QCOMPARE(m_b->runbookRuns(result->incidentId).size(), 2);
    // Its alerts were already in B (same fingerprints): their deliveries are not stored twice.
    QCOMPARE(m_b->notificationCount(), qint64(5));
}

void TestBundle::badBundlesAreRefused_data()
{
    QTest::addColumn<QByteArray>("bundle");
    QTest::addColumn<QString>("reason");
    QTest::addRow("not json") << QByteArray("{nope") << u"not valid JSON (line 1, column 3"_s;
    QTest::addRow("other format") << QByteArray(R"({"format":"something","version":1})") << u"not a Nightwatch"_s;
    QTest::addRow("future version") << QByteArray(R"({"format":"nightwatch-incident-bundle","version":99})")
                                    << u"version 99"_s;
    QTest::addRow("no incident") << QByteArray(R"({"format":"nightwatch-incident-bundle","version":1})")
                                 << u"missing \"incident\""_s;
    QTest::addRow("empty key") << QByteArray(
                                      R"({"format":"nightwatch-incident-bundle","version":1,"incident":{"key":""}})")
                               << u"incident.key"_s;
    QTest::addRow("bad time")
        << QByteArray(
               R"({"format":"nightwatch-incident-bundle","version":1,"incident":{"key":"k","first_alert_at":"yesterday"}})")
        << u"incident.first_alert_at"_s;
    QTest::addRow("label not a string")
        << QByteArray(R"({"format":"nightwatch-incident-bundle","version":1,"incident":{"key":"k"},)"
                      R"("alerts":[{"fingerprint":"f","labels":{"service":3}}]})")
        << u"alerts[0].labels.service"_s;
    QTest::addRow("action without time")
        << QByteArray(
               R"({"format":"nightwatch-incident-bundle","version":1,"incident":{"key":"k"},"actions":[{"kind":"ack"}]})")
        << u"actions[0]"_s;
}

void TestBundle::badBundlesAreRefused()
{
    QFETCH(QByteArray, bundle);
    QFETCH(QString, reason);
    const qint64 incidents = count(*m_b, u"incidents"_s);
    QString error;
    QVERIFY(!IncidentBundle::importBundle(*m_b, bundle, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QCOMPARE(count(*m_b, u"incidents"_s), incidents);
}

QTEST_GUILESS_MAIN(TestBundle)
#include "tst_bundle.moc"
