// The console's `s`: the silence dialog asks for a comment before it silences, and IncidentSilencer silences the
// incident's alerts in the real Alertmanager and says until when.

#include "alertmanagerprocess.h"
#include "incidentsilencer.h"
#include "mainwindow.h"
#include "silencedialog.h"
#include "tst_ui_fixture.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiSilence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dialogNeedsAComment();
    void silencesTheIncidentsAlerts_data();
    void silencesTheIncidentsAlerts();
    void keySFromTheWindow();
};

namespace {
Incident incidentWith(const QList<LabelSet>& labelSets)
{
    Incident incident;
    incident.id = 7;
    incident.key = u"incident-7"_s;
    for (const LabelSet& labels : labelSets) {
        TrackedAlert t;
        t.latest.labels = labels;
        t.latest.fingerprint = Alert::fingerprintOf(labels);
        incident.alerts.append(t);
    }
    return incident;
}
} // namespace

void TestUiSilence::dialogNeedsAComment()
{
    SilenceDialog dialog(incidentWith({}), 2);
    QVERIFY(!dialog.silenceButton()->isEnabled());
    QCOMPARE(dialog.durationMinutes(), 120);
    dialog.commentEdit()->setText(u"  "_s);
    QVERIFY(!dialog.silenceButton()->isEnabled());
    dialog.commentEdit()->setText(u"rolling back checkout"_s);
    QVERIFY(dialog.silenceButton()->isEnabled());
    dialog.durationCombo()->setCurrentIndex(0);
    QCOMPARE(dialog.durationMinutes(), 30);
}

void TestUiSilence::silencesTheIncidentsAlerts_data()
{
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<QString>("messagePart");
    QTest::addRow("reachable") << true << u"Incident #7 silenced until"_s;
    QTest::addRow("Alertmanager down") << false << u"Silencing incident #7 failed"_s;
}

void TestUiSilence::silencesTheIncidentsAlerts()
{
    QFETCH(bool, reachable);
    QFETCH(QString, messagePart);
    QNetworkAccessManager nam;
    testsupport::AlertmanagerProcess am;
    QUrl url(u"http://127.0.0.1:%1"_s.arg(testsupport::freePort()));
    if (reachable) {
        QString error;
        QVERIFY2(am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", nam, &error),
                 qPrintable(error));
        url = am.url();
    }
    const LabelSet checkout{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s}};
    const LabelSet payments{{u"alertname"_s, u"HighErrors"_s}, {u"service"_s, u"payments"_s}};
    IncidentSilencer silencer(url, SourceAccess{});
    QSignalSpy message(&silencer, &IncidentSilencer::message);
    silencer.silenceFor(incidentWith({checkout, payments}), 60, u"rollback"_s);
    QVERIFY(message.wait(15'000));
    QVERIFY2(message.first().at(0).toString().contains(messagePart), qPrintable(message.first().at(0).toString()));
    QCOMPARE(silencer.silencedUntil(u"incident-7"_s).isValid(), reachable);
    if (!reachable)
        return;
    QVERIFY(qAbs(silencer.silencedUntil(u"incident-7"_s).secsTo(QDateTime::currentDateTimeUtc().addSecs(3600))) < 60);
    QSignalSpy listed(silencer.client(), &SilenceClient::listed);
    silencer.client()->list();
    QVERIFY(listed.wait(10'000));
    int active = 0;
    for (const SilenceClient::Silence& s : listed.first().at(1).value<QList<SilenceClient::Silence>>())
        active += s.state == u"active" && s.comment == u"rollback" && s.createdBy == SilenceClient::osUser();
    QCOMPARE(active, 2);
}

void TestUiSilence::keySFromTheWindow()
{
    QNetworkAccessManager nam;
    testsupport::AlertmanagerProcess am;
    QString error;
    QVERIFY2(am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", nam, &error), qPrintable(error));
    MainWindow window;
    IncidentSilencer silencer(am.url(), SourceAccess{});
    window.setSilencer(&silencer);
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto titled = [&window](const QString& part) {
        for (const QLabel* label : window.findChildren<QLabel*>())
            if (label->text().contains(part))
                return true;
        return false;
    };
    QVERIFY(titled(u"INCIDENT #"_s));
    QVERIFY(!titled(u"SILENCED UNTIL"_s));

    QTest::keyClick(&window, Qt::Key_S);
    SilenceDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<SilenceDialog*>()) != nullptr);
    dialog->commentEdit()->setText(u"rolling back order-service"_s);
    QSignalSpy message(&silencer, &IncidentSilencer::message);
    dialog->silenceButton()->click();
    QVERIFY(message.wait(15'000));
    QVERIFY2(message.first().at(0).toString().contains(u"silenced until"_s),
             qPrintable(message.first().at(0).toString()));
    QVERIFY(titled(u"SILENCED UNTIL"_s));
}

QTEST_MAIN(TestUiSilence)
#include "tst_ui_silence.moc"
