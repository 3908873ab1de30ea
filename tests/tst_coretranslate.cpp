// The core's counted phrases read right in English without any translator (the command line installs none):
// "1 alert", never "1 alerts" or "1 alert(s)".

#include "i18n/coretranslate.h"
#include "triage/deterministictriage.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestCoreTranslate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plural_data();
    void plural();
    void triageCountsEachThing_data();
    void triageCountsEachThing();
};

void TestCoreTranslate::plural_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("text");
    QTest::addRow("one") << 1 << u"all 1 alerting service"_s;
    QTest::addRow("none") << 0 << u"all 0 alerting services"_s;
    QTest::addRow("many") << 12 << u"all 12 alerting services"_s;
}

void TestCoreTranslate::plural()
{
    QFETCH(int, n);
    QFETCH(QString, text);
    QCOMPARE(CoreTranslate::plural("Diagnoser", "all %n alerting service(s)", n), text);
}

void TestCoreTranslate::triageCountsEachThing_data()
{
    QTest::addColumn<int>("alerts");
    QTest::addColumn<QString>("opening");
    QTest::addRow("one of each") << 1 << u"Warning incident: 1 alert (1 notification) across 1 service."_s;
    QTest::addRow("several") << 3 << u"Warning incident: 3 alerts (3 notifications) across 3 services."_s;
}

void TestCoreTranslate::triageCountsEachThing()
{
    QFETCH(int, alerts);
    QFETCH(QString, opening);
    Incident incident;
    incident.severity = u"warning"_s;
    for (int i = 0; i < alerts; ++i) {
        TrackedAlert t;
        t.latest.labels.insert(u"service"_s, u"svc-%1"_s.arg(i));
        incident.alerts.append(t);
        incident.affectedServices.append(u"svc-%1"_s.arg(i));
    }
    incident.notificationCount = alerts;
    const TriageResult triage = DeterministicTriage::build(incident, QString());
    QCOMPARE(triage.summary.value(0), opening);
}

QTEST_GUILESS_MAIN(TestCoreTranslate)
#include "tst_coretranslate.moc"
