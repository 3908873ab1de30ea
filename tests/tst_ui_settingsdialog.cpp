// SettingsDialog offscreen: every field's validation (data-driven: invalid values are marked with their
// reason and OK is disabled), saving writes the keys runtimeoptions and main read, reopening shows them,
// Ctrl+, opens it from the console. Also the triage box in the incident card: deterministic at once, the
// LLM's advisory answer (from a stub endpoint on 127.0.0.1) when it arrives, the reason when it does not.

#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "stubhttpserver.h"
#include "triage/llmtriageclient.h"
#include "triagebox.h"
#include "tst_ui_fixture.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiSettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void validation_data();
    void validation();
    void llmFieldsOnlyCountWhenEnabled();
    void saveThenReopen();
    void invalidIsNeverSaved();
    void ctrlCommaOpensIt();
    void screenshot();
    void triageBoxDeterministicThenLlm();
    void triageBoxSaysWhyTheModelIsMissing();

private:
    QString path(const QString& placeholder) const;
    QTemporaryDir m_dir;
    QString m_settingsFile;
};

void TestUiSettingsDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The application's QSettings (the dialog MainWindow opens) land in the temp dir, never in ~/.config.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(u"config"_s));
    QCoreApplication::setOrganizationName(u"nightwatch-test"_s);
    QCoreApplication::setApplicationName(u"settings"_s);
    QDir(m_dir.path()).mkpath(u"runbooks"_s);
    QFile graph(m_dir.filePath(u"graph.json"_s));
    QVERIFY(graph.open(QIODevice::WriteOnly));
    graph.write(R"({"nodes":[{"id":"api"},{"id":"db"}],"edges":[{"from":"api","to":"db"}]})");
    graph.close();
    QFile text(m_dir.filePath(u"notes.txt"_s));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("not a graph\n");
    text.close();
    m_settingsFile = m_dir.filePath(u"nightwatch.conf"_s);
}

void TestUiSettingsDialog::init()
{
    QFile::remove(m_settingsFile);
}

QString TestUiSettingsDialog::path(const QString& placeholder) const
{
    QString p = placeholder;
    p.replace(u"$GRAPH"_s, m_dir.filePath(u"graph.json"_s));
    p.replace(u"$TEXT"_s, m_dir.filePath(u"notes.txt"_s));
    p.replace(u"$DIR"_s, m_dir.filePath(u"runbooks"_s));
    p.replace(u"$MISSING"_s, m_dir.filePath(u"missing/nothing.json"_s));
    return p;
}

void TestUiSettingsDialog::validation_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("problem"); // empty: valid

    QTest::addRow("alertmanagers: two URLs") << u"alertmanagers"_s << u"http://127.0.0.1:9093\n\nhttps://am-2.example:9093"_s
                                              << QString();
    QTest::addRow("alertmanagers: ftp") << u"alertmanagers"_s << u"http://127.0.0.1:9093\nftp://am.example"_s
                                         << u"Sources: 'ftp://am.example' is not an http(s) URL with a host"_s;
    QTest::addRow("alertmanagers: no scheme") << u"alertmanagers"_s << u"am.example:9093"_s << u"not an http(s) URL"_s;
    QTest::addRow("alertmanagers: no host") << u"alertmanagers"_s << u"http://"_s << u"not an http(s) URL"_s;
    QTest::addRow("listen: default") << u"webhookListen"_s << QString() << QString();
    QTest::addRow("listen: IPv4") << u"webhookListen"_s << u"127.0.0.1:9797"_s << QString();
    QTest::addRow("listen: IPv6") << u"webhookListen"_s << u"[::1]:9797"_s << QString();
    QTest::addRow("listen: localhost") << u"webhookListen"_s << u"localhost:8080"_s << QString();
    QTest::addRow("listen: port only") << u"webhookListen"_s << u"9797"_s << u"expected host:port"_s;
    QTest::addRow("listen: port too big") << u"webhookListen"_s << u"127.0.0.1:70000"_s << u"between 1 and 65535"_s;
    QTest::addRow("listen: host name") << u"webhookListen"_s << u"example.org:80"_s << u"not an IP address"_s;
    QTest::addRow("graph: a graph") << u"graphFile"_s << u"$GRAPH"_s << QString();
    QTest::addRow("graph: missing") << u"graphFile"_s << u"$MISSING"_s << u"Graph & runbooks:"_s;
    QTest::addRow("graph: a folder") << u"graphFile"_s << u"$DIR"_s << u"is not a file"_s;
    QTest::addRow("graph: not a graph") << u"graphFile"_s << u"$TEXT"_s << u"not a dependency graph"_s;
    QTest::addRow("inhibit rules: exists") << u"inhibitRulesFile"_s << u"$TEXT"_s << QString();
    QTest::addRow("inhibit rules: missing") << u"inhibitRulesFile"_s << u"$MISSING"_s << u"does not exist"_s;
    QTest::addRow("runbooks: a folder") << u"runbookFolder"_s << u"$DIR"_s << QString();
    QTest::addRow("runbooks: a file") << u"runbookFolder"_s << u"$TEXT"_s << u"is not a folder"_s;
    QTest::addRow("runbooks: missing") << u"runbookFolder"_s << u"$MISSING"_s << u"does not exist"_s;
    QTest::addRow("prometheus: URL") << u"prometheusUrls"_s << u"http://127.0.0.1:9090/prom"_s << QString();
    QTest::addRow("prometheus: bare host") << u"prometheusUrls"_s << u"prometheus:9090"_s << u"Prometheus:"_s;
    QTest::addRow("graph discovery: URL") << u"discoverPrometheus"_s << u"https://mimir.example/prometheus"_s << QString();
    QTest::addRow("graph discovery: bare host") << u"discoverPrometheus"_s << u"tempo:3200"_s << u"Prometheus:"_s;
    QTest::addRow("slack: empty") << u"slackWebhookUrl"_s << QString() << QString();
    QTest::addRow("slack: keyring") << u"slackWebhookUrl"_s << u"keyring:slack"_s << QString();
    QTest::addRow("slack: environment") << u"slackWebhookUrl"_s << u"env:SLACK_HOOK"_s << QString();
    QTest::addRow("slack: hook in plain text") << u"slackWebhookUrl"_s << u"https://hooks.slack.com/services/T0/B0/x"_s
                                               << u"a secret is not kept in the settings file"_s;
    QTest::addRow("llm: local endpoint") << u"llmEndpoint"_s << u"http://127.0.0.1:11434"_s << QString();
    QTest::addRow("llm: endpoint required") << u"llmEndpoint"_s << QString() << u"LLM triage: a URL is required"_s;
    QTest::addRow("llm: endpoint not http") << u"llmEndpoint"_s << u"file:///tmp/x"_s << u"not an http(s) URL"_s;
    QTest::addRow("llm: model required") << u"llmModel"_s << u"  "_s << u"a model name is required"_s;
}

void TestUiSettingsDialog::validation()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, problem);
    QSettings settings(m_settingsFile, QSettings::IniFormat);
    SettingsDialog dialog(nullptr, &settings);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.problemText())); // empty settings are valid: defaults apply
    // The LLM's fields count only when it is on: turn it on with usable values first.
    dialog.findChild<QCheckBox*>(u"llmEnabled"_s)->setChecked(true);
    dialog.findChild<QLineEdit*>(u"llmEndpoint"_s)->setText(u"http://127.0.0.1:8080"_s);
    dialog.findChild<QLineEdit*>(u"llmModel"_s)->setText(u"llama"_s);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.problemText()));

    QWidget* widget = dialog.findChild<QWidget*>(field);
    QVERIFY(widget);
    if (auto* line = qobject_cast<QLineEdit*>(widget))
        line->setText(path(value));
    else if (auto* text = qobject_cast<QPlainTextEdit*>(widget))
        text->setPlainText(path(value));
    else
        QFAIL("unknown field type");

    QPushButton* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QCOMPARE(dialog.isValid(), problem.isEmpty());
    QCOMPARE(ok->isEnabled(), problem.isEmpty());
    if (problem.isEmpty()) {
        QVERIFY(dialog.invalidFields().isEmpty());
        QVERIFY(widget->toolTip().isEmpty());
        return;
    }
    QCOMPARE(dialog.invalidFields(), QStringList{field});
    QVERIFY2(dialog.problemText().contains(problem), qPrintable(dialog.problemText()));
    auto* label = dialog.findChild<QLabel*>(u"problemLabel"_s);
    QCOMPARE(label->text(), dialog.problemText());
    QVERIFY(!widget->toolTip().isEmpty());
    QVERIFY(widget->styleSheet().contains(u"#C62828"_s)); // marked
    // Its page's tab carries the warning sign.
    QTabWidget* pages = dialog.pages();
    bool tabMarked = false;
    for (int i = 0; i < pages->count(); ++i)
        tabMarked = tabMarked || (pages->widget(i)->isAncestorOf(widget) && !pages->tabIcon(i).isNull());
    QVERIFY(tabMarked);
}

void TestUiSettingsDialog::llmFieldsOnlyCountWhenEnabled()
{
    QSettings settings(m_settingsFile, QSettings::IniFormat);
    SettingsDialog dialog(nullptr, &settings);
    dialog.findChild<QLineEdit*>(u"llmEndpoint"_s)->setText(u"not a url"_s);
    QVERIFY(dialog.isValid());
    QVERIFY(!dialog.findChild<QLineEdit*>(u"llmEndpoint"_s)->isEnabled());
    dialog.findChild<QCheckBox*>(u"llmEnabled"_s)->setChecked(true);
    QVERIFY(!dialog.isValid());
    QCOMPARE(dialog.invalidFields(), (QStringList{u"llmEndpoint"_s, u"llmModel"_s}));
    QVERIFY2(dialog.problemText().contains(u"(+1 more)"_s), qPrintable(dialog.problemText()));
}

void TestUiSettingsDialog::saveThenReopen()
{
    {
        QSettings settings(m_settingsFile, QSettings::IniFormat);
        settings.setValue(u"webhook/listen"_s, u"127.0.0.1:9999"_s); // cleared below: the key must go
        SettingsDialog dialog(nullptr, &settings);
        dialog.findChild<QPlainTextEdit*>(u"alertmanagers"_s)->setPlainText(u" http://127.0.0.1:9093 \n\nhttp://127.0.0.1:9094"_s);
        dialog.findChild<QSpinBox*>(u"pollInterval"_s)->setValue(30);
        dialog.findChild<QLineEdit*>(u"webhookListen"_s)->clear();
        dialog.findChild<QLineEdit*>(u"graphFile"_s)->setText(path(u"$GRAPH"_s));
        dialog.findChild<QLineEdit*>(u"runbookFolder"_s)->setText(path(u"$DIR"_s));
        dialog.findChild<QPlainTextEdit*>(u"prometheusUrls"_s)->setPlainText(u"http://127.0.0.1:9090"_s);
        dialog.findChild<QLineEdit*>(u"discoverPrometheus"_s)->setText(u"http://127.0.0.1:9091"_s);
        dialog.findChild<QCheckBox*>(u"doNotDisturb"_s)->setChecked(true);
        dialog.findChild<QCheckBox*>(u"sound_critical"_s)->setChecked(true);
        dialog.findChild<QCheckBox*>(u"sound_warning"_s)->setChecked(true);
        dialog.findChild<QLineEdit*>(u"slackWebhookUrl"_s)->setText(u"keyring:slack"_s);
        dialog.findChild<QCheckBox*>(u"llmEnabled"_s)->setChecked(true);
        dialog.findChild<QLineEdit*>(u"llmEndpoint"_s)->setText(u"http://127.0.0.1:11434"_s);
        dialog.findChild<QLineEdit*>(u"llmModel"_s)->setText(u"qwen2.5:7b"_s);
        dialog.findChild<QCheckBox*>(u"llmSendAlertData"_s)->setChecked(true);
        dialog.findChild<QSpinBox*>(u"llmTimeout"_s)->setValue(20);
        QVERIFY2(dialog.isValid(), qPrintable(dialog.problemText()));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(dialog.restartNeeded()); // sources changed
    }
    {
        // The keys app/common/runtimeoptions.cpp and app/gui/main.cpp read.
        QSettings s(m_settingsFile, QSettings::IniFormat);
        QCOMPARE(s.value(u"sources/alertmanagers"_s).toStringList(),
                 (QStringList{u"http://127.0.0.1:9093"_s, u"http://127.0.0.1:9094"_s}));
        QCOMPARE(s.value(u"sources/pollIntervalSeconds"_s).toString(), u"30"_s);
        QVERIFY(!s.contains(u"webhook/listen"_s));
        QCOMPARE(s.value(u"webhook/enabled"_s).toBool(), true);
        QCOMPARE(s.value(u"graph/file"_s).toString(), path(u"$GRAPH"_s));
        QCOMPARE(s.value(u"runbooks/folder"_s).toString(), path(u"$DIR"_s));
        QVERIFY(!s.contains(u"correlate/inhibitRulesFile"_s));
        QCOMPARE(s.value(u"metrics/prometheusUrls"_s).toStringList(), QStringList{u"http://127.0.0.1:9090"_s});
        QCOMPARE(s.value(u"graph/discoverPrometheus"_s).toString(), u"http://127.0.0.1:9091"_s);
        QCOMPARE(s.value(u"notifications/doNotDisturb"_s).toBool(), true);
        QCOMPARE(s.value(u"notifications/soundSeverities"_s).toStringList(), (QStringList{u"critical"_s, u"warning"_s}));
        QCOMPARE(s.value(u"notify/slackWebhookUrl"_s).toString(), u"keyring:slack"_s);
        QCOMPARE(s.value(u"llm/enabled"_s).toBool(), true);
        QCOMPARE(s.value(u"llm/endpoint"_s).toString(), u"http://127.0.0.1:11434"_s);
        QCOMPARE(s.value(u"llm/model"_s).toString(), u"qwen2.5:7b"_s);
        QCOMPARE(s.value(u"llm/sendAlertData"_s).toBool(), true);
        QCOMPARE(s.value(u"llm/timeoutSeconds"_s).toInt(), 20);
    }
    {
        QSettings settings(m_settingsFile, QSettings::IniFormat);
        SettingsDialog dialog(nullptr, &settings);
        QCOMPARE(dialog.findChild<QPlainTextEdit*>(u"alertmanagers"_s)->toPlainText(),
                 u"http://127.0.0.1:9093\nhttp://127.0.0.1:9094"_s);
        QCOMPARE(dialog.findChild<QSpinBox*>(u"pollInterval"_s)->value(), 30);
        QCOMPARE(dialog.findChild<QLineEdit*>(u"graphFile"_s)->text(), path(u"$GRAPH"_s));
        QVERIFY(dialog.findChild<QCheckBox*>(u"doNotDisturb"_s)->isChecked());
        QVERIFY(dialog.findChild<QCheckBox*>(u"sound_critical"_s)->isChecked());
        QVERIFY(!dialog.findChild<QCheckBox*>(u"sound_error"_s)->isChecked());
        QCOMPARE(dialog.findChild<QLineEdit*>(u"llmModel"_s)->text(), u"qwen2.5:7b"_s);
        QCOMPARE(dialog.findChild<QSpinBox*>(u"llmTimeout"_s)->value(), 20);
        QVERIFY(dialog.findChild<QCheckBox*>(u"llmSendAlertData"_s)->isChecked());
        // Only live settings change: no restart needed.
        dialog.findChild<QCheckBox*>(u"doNotDisturb"_s)->setChecked(false);
        dialog.accept();
        QVERIFY(!dialog.restartNeeded());
    }
}

void TestUiSettingsDialog::invalidIsNeverSaved()
{
    QSettings settings(m_settingsFile, QSettings::IniFormat);
    SettingsDialog dialog(nullptr, &settings);
    dialog.findChild<QCheckBox*>(u"doNotDisturb"_s)->setChecked(true);
    dialog.findChild<QLineEdit*>(u"slackWebhookUrl"_s)->setText(u"nope"_s);
    dialog.accept();
    QVERIFY(dialog.result() != QDialog::Accepted);
    settings.sync();
    QVERIFY(!settings.contains(u"notifications/doNotDisturb"_s));
    QVERIFY(!settings.contains(u"notify/slackWebhookUrl"_s));
}

void TestUiSettingsDialog::ctrlCommaOpensIt()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.settingsDialog());
    window.activateWindow();
    QTest::keyClick(&window, Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(window.settingsDialog() && window.settingsDialog()->isVisible());
    QVERIFY(window.settingsDialog()->isModal() || window.settingsDialog()->windowModality() != Qt::NonModal);
    QSignalSpy changed(&window, &MainWindow::settingsChanged);
    window.settingsDialog()->findChild<QCheckBox*>(u"doNotDisturb"_s)->setChecked(true);
    window.settingsDialog()->accept();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(QSettings().value(u"notifications/doNotDisturb"_s).toBool(), true); // the application's settings
    QTRY_VERIFY(!window.settingsDialog()); // deleted on close
}

void TestUiSettingsDialog::screenshot()
{
    QSettings settings(m_settingsFile, QSettings::IniFormat);
    settings.setValue(u"sources/alertmanagers"_s, QStringList{u"http://127.0.0.1:9093"_s});
    settings.setValue(u"notifications/soundSeverities"_s, QStringList{u"critical"_s});
    settings.setValue(u"llm/model"_s, u"llama-3.1-8b-instruct"_s);
    SettingsDialog dialog(nullptr, &settings);
    dialog.pages()->setCurrentIndex(3); // notifications, with one invalid field to show how it reads
    dialog.findChild<QLineEdit*>(u"slackWebhookUrl"_s)->setText(u"hooks.slack.com/services/T0/B0/x"_s);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QPixmap pixmap = dialog.grab();
    QVERIFY(!pixmap.isNull());
    QVERIFY(pixmap.save(m_dir.filePath(u"settings-dialog.png"_s), "PNG"));
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(pixmap.save(QDir(dir).filePath(u"settings-dialog.png"_s), "PNG"));
}

namespace {
QByteArray completion(const QString& model)
{
    const QString content =
        uR"({"summary":["Checkout fails: order-service cannot get connections.","postgres-main is the likely cause.","Its callers alerted first."],"immediate_action":"Check postgres-main's connection count.","do_not_do":"Do not restart checkout-service."})"_s;
    return QJsonDocument(
               QJsonObject{{u"model"_s, model},
                           {u"choices"_s, QJsonArray{QJsonObject{
                                              {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                         {u"content"_s, content}}}}}}})
        .toJson();
}

LlmTriageClient::Config llmConfig(const StubHttpServer& stub, int timeoutMs)
{
    LlmTriageClient::Config c;
    c.enabled = true;
    c.endpoint = QUrl(QString::fromUtf8(stub.baseUrl()));
    c.model = u"stub-model"_s;
    c.timeoutMs = timeoutMs;
    return c;
}
} // namespace

void TestUiSettingsDialog::triageBoxDeterministicThenLlm()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, completion(u"stub-model"_s), false});
    LlmTriageClient client;
    client.setConfig(llmConfig(stub, 10'000));
    MainWindow window;
    window.setTriageClient(&client);
    window.setSnapshot(fixture::blackFridaySnapshot());
    TriageBox* box = window.summaryCard()->triageBox();
    // At once, before the model could have answered: the diagnosis' own triage, labelled as such.
    QCOMPARE(box->originText(), u"deterministic"_s);
    QVERIFY2(box->summaryText().contains(u"Probable root cause"_s), qPrintable(box->summaryText()));
    QVERIFY(box->statusText().contains(u"Asking stub-model"_s));
    QTRY_VERIFY(box->showsLlm());
    QCOMPARE(box->originText(), u"advisory (LLM: stub-model)"_s);
    QCOMPARE(box->actionText(), u"Check postgres-main's connection count."_s);
    QCOMPARE(box->doNotText(), u"Do not restart checkout-service."_s);
    QVERIFY(box->statusText().isEmpty());
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        window.resize(1366, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.summaryCard()->grab().save(QDir(dir).filePath(u"triage-card.png"_s), "PNG"));
    }
    // Refreshes of the same incident do not ask again.
    window.setSnapshot(fixture::blackFridaySnapshot());
    QVERIFY(box->showsLlm());
    QCOMPARE(stub.requests.size(), 1);
    const QString sent = QString::fromUtf8(stub.requests.at(0).body);
    QVERIFY(!sent.contains(u"eu-west-1"_s)); // a label value: alert data is off by default
}

void TestUiSettingsDialog::triageBoxSaysWhyTheModelIsMissing()
{
    StubHttpServer stub;
    QVERIFY(stub.listen());
    stub.script({200, {}, true}); // never answers
    LlmTriageClient client;
    client.setConfig(llmConfig(stub, 300));
    MainWindow window;
    window.setTriageClient(&client);
    window.setSnapshot(fixture::blackFridaySnapshot());
    TriageBox* box = window.summaryCard()->triageBox();
    const QString deterministic = box->summaryText();
    QTRY_VERIFY_WITH_TIMEOUT(box->statusText().contains(u"LLM unavailable: no answer within"_s), 10'000);
    QCOMPARE(box->originText(), u"deterministic"_s);
    QCOMPARE(box->summaryText(), deterministic);
}

QTEST_MAIN(TestUiSettingsDialog)
#include "tst_ui_settingsdialog.moc"
