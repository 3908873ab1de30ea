// The console's `s`: the silence dialog asks for a comment before it silences, and IncidentSilencer silences the
// incident's alerts in the real Alertmanager and says until when; Shift+S or the card's button expires those
// silences, and Alertmanager reports the alerts active again.
// NIGHTWATCH_SCREENSHOT_DIR=/some/dir keeps the window as it was silenced and after the expiry
// (docs/screenshot-silence.png, docs/screenshot-silence-expired.png) and the dialog (docs/screenshot-silence-dialog.png).

#include "alertmanagerprocess.h"
#include "incidentlistmodel.h"
#include "incidentsilencer.h"
#include "mainwindow.h"
#include "silencedialog.h"
#include "tst_ui_fixture.h"

#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QNetworkReply>
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
    void keySFromTheWindow_data();
    void keySFromTheWindow();
    void expireWithoutSilence();
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

void saveShot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(QDir(dir).filePath(name), "PNG"));
}

// GET /api/v2/alerts or /api/v2/silences of the Alertmanager, as JSON.
QJsonArray getArray(QNetworkAccessManager& nam, const QUrl& base, const QString& path)
{
    QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(base.toString() + path)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10'000);
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).array();
}

// Alertmanager's state ("active", "suppressed") of each alert whose labels are among labelSets.
QStringList alertStates(QNetworkAccessManager& nam, const QUrl& base, const QList<LabelSet>& labelSets)
{
    QStringList states;
    for (const QJsonValue& v : getArray(nam, base, u"/api/v2/alerts"_s)) {
        LabelSet labels;
        const QJsonObject l = v[u"labels"_s].toObject();
        for (auto it = l.begin(); it != l.end(); ++it)
            labels.insert(it.key(), it.value().toString());
        if (labelSets.contains(labels))
            states << v[u"status"_s][u"state"_s].toString();
    }
    return states;
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

void TestUiSilence::keySFromTheWindow_data()
{
    QTest::addColumn<bool>("byButton");
    QTest::addRow("expired with Shift+S") << false;
    QTest::addRow("expired with the card's button") << true;
}

void TestUiSilence::keySFromTheWindow()
{
    QFETCH(bool, byButton);
    QNetworkAccessManager nam;
    testsupport::AlertmanagerProcess am;
    QString error;
    QVERIFY2(am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", nam, &error), qPrintable(error));
    MainWindow window;
    window.resize(1366, 768);
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
    auto* expireButton = window.findChild<QPushButton*>(u"expireSilence"_s);
    QVERIFY(expireButton && !expireButton->isVisible());

    // The shown incident's alerts, firing in Alertmanager, so its answer tells whether the silences hold them.
    const Incident* shown = window.incidentModel()->incidentAt(window.incidentModel()->rowOfKey(window.currentIncidentKey()));
    QVERIFY(shown && !shown->alerts.isEmpty());
    QList<LabelSet> labelSets;
    QJsonArray posted;
    for (const TrackedAlert& t : shown->alerts) {
        if (labelSets.contains(t.latest.labels))
            continue;
        labelSets << t.latest.labels;
        QJsonObject labels;
        for (auto it = t.latest.labels.cbegin(); it != t.latest.labels.cend(); ++it)
            labels.insert(it.key(), it.value());
        posted.append(QJsonObject{{u"labels"_s, labels},
                                  {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}});
    }
    QVERIFY(am.postAlerts(posted, nam));
    const QStringList allActive(labelSets.size(), u"active"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alertStates(nam, am.url(), labelSets), allActive, 10'000);

    QTest::keyClick(&window, Qt::Key_S);
    SilenceDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<SilenceDialog*>()) != nullptr);
    dialog->commentEdit()->setText(u"rolling back order-service"_s);
    if (!byButton)
        saveShot(dialog, u"screenshot-silence-dialog.png"_s);
    QSignalSpy message(&silencer, &IncidentSilencer::message);
    dialog->silenceButton()->click();
    QVERIFY(message.wait(15'000));
    QVERIFY2(message.first().at(0).toString().contains(u"silenced until"_s),
             qPrintable(message.first().at(0).toString()));
    QVERIFY(titled(u"SILENCED UNTIL"_s));
    QVERIFY(expireButton->isVisible());
    if (byButton)
        saveShot(&window, u"screenshot-silence.png"_s);
    const QStringList ids = silencer.silenceIds(window.currentIncidentKey());
    QCOMPARE(ids.size(), labelSets.size()); // one exact silence per distinct alert
    QCOMPARE(alertStates(nam, am.url(), labelSets), QStringList(labelSets.size(), u"suppressed"_s));

    message.clear();
    if (byButton)
        expireButton->click();
    else
    {
        QTRY_VERIFY(!window.findChild<SilenceDialog*>()); // closed and gone: the window has the keyboard again
        window.activateWindow(); // the silence dialog had it; a window shortcut needs the window active
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(window.incidentView(), Qt::Key_S, Qt::ShiftModifier);
    }
    QVERIFY(message.wait(15'000));
    QVERIFY2(message.first().at(0).toString().contains(u"expired"_s), qPrintable(message.first().at(0).toString()));
    QVERIFY(!titled(u"SILENCED UNTIL"_s));
    QVERIFY(titled(u"INCIDENT #"_s));
    QVERIFY(!expireButton->isVisible());
    QVERIFY(silencer.silenceIds(window.currentIncidentKey()).isEmpty());
    QStringList expired;
    for (const QJsonValue& v : getArray(nam, am.url(), u"/api/v2/silences"_s))
        if (ids.contains(v[u"id"_s].toString()))
            expired << v[u"status"_s][u"state"_s].toString();
    QCOMPARE(expired, QStringList(ids.size(), u"expired"_s));
    QCOMPARE(alertStates(nam, am.url(), labelSets), allActive);
    if (byButton)
        saveShot(&window, u"screenshot-silence-expired.png"_s);
}

void TestUiSilence::expireWithoutSilence()
{
    // Nothing silenced from this console: nothing is sent, and the engineer is told why.
    IncidentSilencer silencer(QUrl(u"http://127.0.0.1:%1"_s.arg(testsupport::freePort())), SourceAccess{});
    QSignalSpy message(&silencer, &IncidentSilencer::message);
    QSignalSpy expired(silencer.client(), &SilenceClient::expired);
    silencer.expire(incidentWith({{{u"alertname"_s, u"HighLatency"_s}}}));
    QCOMPARE(message.size(), 1);
    QVERIFY2(message.first().at(0).toString().contains(u"no silence"_s), qPrintable(message.first().at(0).toString()));
    QVERIFY(!expired.wait(200));
}

QTEST_MAIN(TestUiSilence)
#include "tst_ui_silence.moc"
