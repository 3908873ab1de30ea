// Silences against the real Alertmanager: created for an incident's alerts (one exact silence per alert),
// listed as active, the alerts shown suppressed by them in /api/v2/alerts while an unrelated alert with the same
// severity stays active, then expired.

#include "alertmanagerprocess.h"
#include "ingest/silenceclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::AlertmanagerProcess;

namespace {

Alert alert(const LabelSet& labels)
{
    Alert a;
    a.labels = labels;
    a.fingerprint = Alert::fingerprintOf(labels);
    return a;
}

QJsonObject toJson(const LabelSet& labels)
{
    QJsonObject l;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        l.insert(it.key(), it.value());
    return QJsonObject{{u"labels"_s, l},
                       {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}};
}

const LabelSet checkout{
    {u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s}, {u"severity"_s, u"critical"_s}};
const LabelSet payments{
    {u"alertname"_s, u"HighErrors"_s}, {u"service"_s, u"payments"_s}, {u"severity"_s, u"critical"_s}};
const LabelSet search{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"search"_s}, {u"severity"_s, u"critical"_s}};

} // namespace

class TestSilenceClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchersFor_data();
    void matchersFor();
    void silenceListAndExpire();
    void expiringAnUnknownSilenceSaysWhy();

private:
    // alertname/service -> (state, silencedBy) as the real Alertmanager lists them now.
    QHash<QString, std::pair<QString, QStringList>> alertStates();

    QNetworkAccessManager m_nam;
    AlertmanagerProcess m_am;
};

void TestSilenceClient::initTestCase()
{
    qRegisterMetaType<QList<SilenceClient::Silence>>();
    QString error;
    QVERIFY2(m_am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", m_nam, &error),
             qPrintable(error));
    QVERIFY(m_am.postAlerts(QJsonArray{toJson(checkout), toJson(payments), toJson(search)}, m_nam));
}

void TestSilenceClient::matchersFor_data()
{
    QTest::addColumn<AlertBatch>("alerts");
    QTest::addColumn<int>("silences");
    QTest::addRow("one per alert") << AlertBatch{alert(checkout), alert(payments)} << 2;
    QTest::addRow("same label set once") << AlertBatch{alert(checkout), alert(checkout)} << 1;
    QTest::addRow("no labels: nothing to match") << AlertBatch{alert({})} << 0;
}

void TestSilenceClient::matchersFor()
{
    QFETCH(AlertBatch, alerts);
    QFETCH(int, silences);
    const auto sets = SilenceClient::matchersFor(alerts);
    QCOMPARE(sets.size(), silences);
    for (const auto& set : sets) {
        // Every label of the alert, so nothing sharing only `severity` is muted.
        QCOMPARE(set.size(), alerts.first().labels.size());
        QVERIFY(set.contains(SilenceClient::Matcher{u"service"_s, alerts.first().labels.value(u"service"_s)}) ||
                set.contains(SilenceClient::Matcher{u"service"_s, u"payments"_s}));
    }
}

QHash<QString, std::pair<QString, QStringList>> TestSilenceClient::alertStates()
{
    QHash<QString, std::pair<QString, QStringList>> out;
    QNetworkReply* reply = m_nam.get(QNetworkRequest(QUrl(m_am.url().toString() + u"/api/v2/alerts"_s)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10'000);
    for (const QJsonValue& v : QJsonDocument::fromJson(reply->readAll()).array()) {
        const QJsonObject status = v[u"status"_s].toObject();
        QStringList by;
        for (const QJsonValue& id : status.value(u"silencedBy"_s).toArray())
            by << id.toString();
        out.insert(v[u"labels"_s][u"service"_s].toString(), {status.value(u"state"_s).toString(), by});
    }
    reply->deleteLater();
    return out;
}

void TestSilenceClient::silenceListAndExpire()
{
    SilenceClient client(m_am.url(), SourceAccess{});
    QSignalSpy created(&client, &SilenceClient::created);
    const QDateTime until = QDateTime::currentDateTimeUtc().addSecs(2 * 3600);
    QStringList ids;
    for (const auto& matchers : SilenceClient::matchersFor({alert(checkout), alert(payments)})) {
        client.create(matchers, until, u"incident #7: rolling back checkout"_s, SilenceClient::osUser());
        QVERIFY(created.wait(10'000));
        QVERIFY2(created.last().at(2).toString().isEmpty(), qPrintable(created.last().at(2).toString()));
        ids << created.last().at(1).toString();
    }
    QCOMPARE(ids.size(), 2);

    QSignalSpy listed(&client, &SilenceClient::listed);
    client.list();
    QVERIFY(listed.wait(10'000));
    const auto silences = listed.last().at(1).value<QList<SilenceClient::Silence>>();
    int active = 0;
    for (const SilenceClient::Silence& s : silences) {
        if (!ids.contains(s.id))
            continue;
        QCOMPARE(s.state, u"active"_s);
        QCOMPARE(s.createdBy, SilenceClient::osUser());
        QCOMPARE(s.comment, u"incident #7: rolling back checkout"_s);
        QVERIFY(qAbs(s.endsAt.secsTo(until)) <= 1);
        ++active;
    }
    QCOMPARE(active, 2);

    // Alertmanager applies silences to its alert list asynchronously (its silencer runs on a marker).
    QTRY_VERIFY_WITH_TIMEOUT(alertStates().value(u"checkout"_s).first == u"suppressed", 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(alertStates().value(u"payments"_s).first == u"suppressed", 10'000);
    const auto states = alertStates();
    QCOMPARE(states.value(u"search"_s).first, u"active"_s); // same alertname and severity, other service
    QVERIFY(ids.contains(states.value(u"checkout"_s).second.value(0)));

    QSignalSpy expired(&client, &SilenceClient::expired);
    for (const QString& id : ids) {
        client.expire(id);
        QVERIFY(expired.wait(10'000));
        QVERIFY2(expired.last().at(1).toString().isEmpty(), qPrintable(expired.last().at(1).toString()));
    }
    client.list();
    QVERIFY(listed.wait(10'000));
    for (const SilenceClient::Silence& s : listed.last().at(1).value<QList<SilenceClient::Silence>>()) {
        if (ids.contains(s.id))
            QCOMPARE(s.state, u"expired"_s);
    }
    QTRY_VERIFY_WITH_TIMEOUT(alertStates().value(u"checkout"_s).first == u"active", 10'000);
}

void TestSilenceClient::expiringAnUnknownSilenceSaysWhy()
{
    SilenceClient client(m_am.url(), SourceAccess{});
    QSignalSpy expired(&client, &SilenceClient::expired);
    client.expire(u"00000000-0000-0000-0000-000000000000"_s);
    QVERIFY(expired.wait(10'000));
    QVERIFY2(expired.last().at(1).toString().startsWith(u"HTTP "_s), qPrintable(expired.last().at(1).toString()));
}

QTEST_GUILESS_MAIN(TestSilenceClient)
#include "tst_silenceclient.moc"
