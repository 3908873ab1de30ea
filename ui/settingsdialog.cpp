#include "settingsdialog.h"

#include "settingsvalidator.h"
#include "triage/apikeylookup.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// The keys, shared with app/common/runtimeoptions.cpp (start-only) and app/gui/main.cpp (applied live).
const QString KeyAlertmanagers = u"sources/alertmanagers"_s;
const QString KeyPollInterval = u"sources/pollIntervalSeconds"_s;
const QString KeyWebhookEnabled = u"webhook/enabled"_s;
const QString KeyWebhookListen = u"webhook/listen"_s;
const QString KeyGraphFile = u"graph/file"_s;
const QString KeyInhibitRules = u"correlate/inhibitRulesFile"_s;
const QString KeyRunbookFolder = u"runbooks/folder"_s;
const QString KeyPrometheusUrls = u"metrics/prometheusUrls"_s;
const QString KeyDiscoverPrometheus = u"graph/discoverPrometheus"_s;
const QString KeyTray = u"notifications/tray"_s;
const QString KeyDoNotDisturb = u"notifications/doNotDisturb"_s;
const QString KeySoundSeverities = u"notifications/soundSeverities"_s;
const QString KeySlackUrl = u"notify/slackWebhookUrl"_s;
const QString KeySlackFollowsDnd = u"notify/slackFollowsDoNotDisturb"_s;
const QString KeyLlmEnabled = u"llm/enabled"_s;
const QString KeyLlmEndpoint = u"llm/endpoint"_s;
const QString KeyLlmModel = u"llm/model"_s;
const QString KeyLlmSendAlertData = u"llm/sendAlertData"_s;
const QString KeyLlmTimeout = u"llm/timeoutSeconds"_s;

const QStringList RestartKeys = {KeyAlertmanagers, KeyPollInterval, KeyWebhookEnabled, KeyWebhookListen, KeyGraphFile,
                                 KeyInhibitRules,  KeyRunbookFolder, KeyPrometheusUrls, KeyTray,
                                 KeyDiscoverPrometheus};

const char ProblemProperty[] = "nightwatchProblem";

QLabel* note(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(u"color: palette(placeholder-text);"_s);
    return label;
}

QLabel* restartNote(QWidget* parent)
{
    auto* label = note(SettingsDialog::tr("Takes effect at the next start of the console."), parent);
    label->setObjectName(u"restartNote"_s);
    return label;
}

// Stores a value, or removes the key when it is empty so the built-in default applies again.
void store(QSettings* settings, const QString& key, const QVariant& value)
{
    const bool empty = (value.typeId() == QMetaType::QString && value.toString().trimmed().isEmpty()) ||
                       (value.typeId() == QMetaType::QStringList && value.toStringList().isEmpty());
    if (empty)
        settings->remove(key);
    else
        settings->setValue(key, value.typeId() == QMetaType::QString ? QVariant(value.toString().trimmed()) : value);
}
} // namespace

SettingsDialog::SettingsDialog(QWidget* parent, QSettings* settings)
    : QDialog(parent), m_ownSettings(settings ? nullptr : std::make_unique<QSettings>()),
      m_settings(settings ? settings : m_ownSettings.get())
{
    setWindowTitle(tr("Nightwatch settings"));
    setObjectName(u"settingsDialog"_s);
    auto* layout = new QVBoxLayout(this);
    m_pages = new QTabWidget(this);
    m_pages->addTab(buildSourcesPage(), tr("&Sources"));
    m_pages->addTab(buildFilesPage(), tr("&Graph && runbooks"));
    m_pages->addTab(buildMetricsPage(), tr("&Prometheus"));
    m_pages->addTab(buildNotificationsPage(), tr("&Notifications"));
    m_pages->addTab(buildLlmPage(), tr("&LLM triage"));
    layout->addWidget(m_pages, 1);

    m_problemLabel = new QLabel(this);
    m_problemLabel->setObjectName(u"problemLabel"_s);
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setTextFormat(Qt::PlainText);
    m_problemLabel->setStyleSheet(u"color: #C62828; font-weight: 600;"_s);
    layout->addWidget(m_problemLabel);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    layout->addWidget(m_buttons);

    load();
    m_restartBefore = restartValues();
    // Every edit re-checks everything: the rules are cheap and a field's validity may depend on another's.
    for (QLineEdit* edit : findChildren<QLineEdit*>())
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    for (QPlainTextEdit* edit : findChildren<QPlainTextEdit*>())
        connect(edit, &QPlainTextEdit::textChanged, this, &SettingsDialog::validate);
    for (QCheckBox* box : findChildren<QCheckBox*>())
        connect(box, &QCheckBox::toggled, this, &SettingsDialog::validate);
    validate();
    resize(620, 480);
}

SettingsDialog::~SettingsDialog() = default;

QLineEdit* SettingsDialog::pathEdit(const QString& name, bool folder, QWidget* parent, QWidget** row)
{
    auto* holder = new QWidget(parent);
    auto* h = new QHBoxLayout(holder);
    h->setContentsMargins(0, 0, 0, 0);
    auto* edit = new QLineEdit(holder);
    edit->setObjectName(name);
    edit->setClearButtonEnabled(true);
    auto* browse = new QPushButton(tr("Browse…"), holder);
    browse->setAccessibleName(tr("Browse for %1").arg(name));
    connect(browse, &QPushButton::clicked, this, [this, edit, folder] {
        const QString chosen = folder ? QFileDialog::getExistingDirectory(this, tr("Choose a folder"), edit->text())
                                      : QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text());
        if (!chosen.isEmpty())
            edit->setText(chosen);
    });
    h->addWidget(edit, 1);
    h->addWidget(browse);
    *row = holder;
    return edit;
}

QWidget* SettingsDialog::buildSourcesPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_alertmanagers = new QPlainTextEdit(page);
    m_alertmanagers->setObjectName(u"alertmanagers"_s);
    m_alertmanagers->setTabChangesFocus(true);
    m_alertmanagers->setPlaceholderText(tr("http://127.0.0.1:9093\nhttp://alertmanager-2:9093"));
    m_alertmanagers->setMaximumHeight(90);
    form->addRow(tr("&Alertmanager URLs"), m_alertmanagers);
    form->addRow(QString(), note(tr("One per line; an HA pair is merged. The console polls GET /api/v2/alerts."), page));
    m_pollInterval = new QSpinBox(page);
    m_pollInterval->setObjectName(u"pollInterval"_s);
    m_pollInterval->setRange(1, 3600);
    m_pollInterval->setSuffix(tr(" s"));
    form->addRow(tr("&Poll interval"), m_pollInterval);
    m_webhookEnabled = new QCheckBox(tr("&Receive Alertmanager webhooks"), page);
    m_webhookEnabled->setObjectName(u"webhookEnabled"_s);
    form->addRow(QString(), m_webhookEnabled);
    m_webhookListen = new QLineEdit(page);
    m_webhookListen->setObjectName(u"webhookListen"_s);
    m_webhookListen->setPlaceholderText(u"127.0.0.1:9797"_s);
    form->addRow(tr("&Listen on"), m_webhookListen);
    connect(m_webhookEnabled, &QCheckBox::toggled, m_webhookListen, &QWidget::setEnabled);
    form->addRow(QString(), note(tr("The bearer token comes from NIGHTWATCH_WEBHOOK_TOKEN."), page));
    form->addRow(QString(), restartNote(page));
    return page;
}

QWidget* SettingsDialog::buildFilesPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    QWidget* row = nullptr;
    m_graphFile = pathEdit(u"graphFile"_s, false, page, &row);
    m_graphFile->setPlaceholderText(tr("none: group by time and labels only"));
    form->addRow(tr("&Dependency graph"), row);
    form->addRow(QString(), note(tr("JSON {\"nodes\":[{\"id\"}],\"edges\":[{\"from\",\"to\"}]}; from calls to."), page));
    m_inhibitRules = pathEdit(u"inhibitRulesFile"_s, false, page, &row);
    m_inhibitRules->setPlaceholderText(tr("none"));
    form->addRow(tr("&Inhibit rules"), row);
    form->addRow(QString(), note(tr("An Alertmanager configuration whose inhibit_rules apply."), page));
    m_runbookFolder = pathEdit(u"runbookFolder"_s, true, page, &row);
    m_runbookFolder->setPlaceholderText(tr("built-in examples only"));
    form->addRow(tr("&Runbook folder"), row);
    form->addRow(QString(), note(tr("Runbook YAML files, proposed beside the built-in examples."), page));
    form->addRow(QString(), restartNote(page));
    return page;
}

QWidget* SettingsDialog::buildMetricsPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_prometheusUrls = new QPlainTextEdit(page);
    m_prometheusUrls->setObjectName(u"prometheusUrls"_s);
    m_prometheusUrls->setTabChangesFocus(true);
    m_prometheusUrls->setPlaceholderText(u"http://127.0.0.1:9090"_s);
    m_prometheusUrls->setMaximumHeight(90);
    form->addRow(tr("&Prometheus URLs"), m_prometheusUrls);
    form->addRow(QString(), note(tr("One per line. Their series appear beside the graph and count as diagnosis "
                                    "evidence."),
                                 page));
    m_discoverPrometheus = new QLineEdit(page);
    m_discoverPrometheus->setObjectName(u"discoverPrometheus"_s);
    m_discoverPrometheus->setPlaceholderText(tr("none: the graph file only"));
    form->addRow(tr("&Discover the graph from"), m_discoverPrometheus);
    form->addRow(QString(), note(tr("A Prometheus with Tempo or Istio service-graph metrics: who calls whom in the "
                                    "last hour, every 5 minutes, merged with the graph file."),
                                 page));
    form->addRow(QString(), restartNote(page));
    return page;
}

QWidget* SettingsDialog::buildNotificationsPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_tray = new QCheckBox(tr("&Tray icon and desktop notifications (takes effect at the next start)"), page);
    m_tray->setObjectName(u"tray"_s);
    form->addRow(QString(), m_tray);
    m_doNotDisturb = new QCheckBox(tr("&Do not disturb: only critical incidents notify"), page);
    m_doNotDisturb->setObjectName(u"doNotDisturb"_s);
    form->addRow(QString(), m_doNotDisturb);
    auto* sounds = new QWidget(page);
    auto* soundRow = new QHBoxLayout(sounds);
    soundRow->setContentsMargins(0, 0, 0, 0);
    const QStringList labels = {tr("c&ritical"), tr("&error"), tr("&warning"), tr("&info")};
    for (qsizetype i = 0; i < labels.size(); ++i) {
        auto* box = new QCheckBox(labels.at(i), sounds);
        box->setObjectName(u"sound_"_s + soundSeverities().at(i));
        m_sounds << box;
        soundRow->addWidget(box);
    }
    soundRow->addStretch(1);
    form->addRow(tr("Beep for"), sounds);
    form->addRow(QString(), note(tr("The system bell, once per snapshot that brings a new incident of a ticked "
                                    "severity."),
                                 page));
    m_slackUrl = new QLineEdit(page);
    m_slackUrl->setObjectName(u"slackWebhookUrl"_s);
    // The hook URL is the credential: the settings file only names where it is kept.
    m_slackUrl->setPlaceholderText(u"keyring:slack or env:SLACK_WEBHOOK_URL"_s);
    m_slackUrl->setClearButtonEnabled(true);
    form->addRow(tr("S&lack webhook"), m_slackUrl);
    m_slackFollowsDnd = new QCheckBox(tr("Slack &follows do not disturb"), page);
    m_slackFollowsDnd->setObjectName(u"slackFollowsDoNotDisturb"_s);
    form->addRow(QString(), m_slackFollowsDnd);
    QString slackNote = tr("One message per new incident: root cause, confidence, counts, affected services.");
    if (!qEnvironmentVariableIsEmpty("NIGHTWATCH_SLACK_WEBHOOK_URL"))
        slackNote += u' ' + tr("NIGHTWATCH_SLACK_WEBHOOK_URL is set and overrides this URL.");
    form->addRow(QString(), note(slackNote, page));
    return page;
}

QWidget* SettingsDialog::buildLlmPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_llmEnabled = new QCheckBox(tr("&Ask a language model for an advisory triage"), page);
    m_llmEnabled->setObjectName(u"llmEnabled"_s);
    form->addRow(QString(), m_llmEnabled);
    m_llmEndpoint = new QLineEdit(page);
    m_llmEndpoint->setObjectName(u"llmEndpoint"_s);
    m_llmEndpoint->setPlaceholderText(u"http://127.0.0.1:8080"_s);
    form->addRow(tr("&Endpoint"), m_llmEndpoint);
    form->addRow(QString(), note(tr("OpenAI-compatible; the console posts to {endpoint}/v1/chat/completions "
                                    "(llama.cpp server, Ollama, or a hosted API)."),
                                 page));
    m_llmModel = new QLineEdit(page);
    m_llmModel->setObjectName(u"llmModel"_s);
    m_llmModel->setPlaceholderText(u"llama-3.1-8b-instruct"_s);
    form->addRow(tr("&Model"), m_llmModel);
    m_llmTimeout = new QSpinBox(page);
    m_llmTimeout->setObjectName(u"llmTimeout"_s);
    m_llmTimeout->setRange(1, 120);
    m_llmTimeout->setSuffix(tr(" s"));
    form->addRow(tr("&Timeout"), m_llmTimeout);
    m_llmSendAlertData = new QCheckBox(tr("Send alert &labels and annotations"), page);
    m_llmSendAlertData->setObjectName(u"llmSendAlertData"_s);
    form->addRow(QString(), m_llmSendAlertData);
    form->addRow(QString(), note(tr("Without it only service names, counts, confidences and the evidence sentences "
                                    "are sent."),
                                 page));
    QString key = tr("The API key is never stored here: NIGHTWATCH_LLM_API_KEY, else the keyring "
                     "(secret-tool lookup service nightwatch llm <endpoint host>).");
    key += u' ' + (!ApiKeyLookup::fromEnvironment().isEmpty() ? tr("NIGHTWATCH_LLM_API_KEY is set.")
                   : ApiKeyLookup::keyringAvailable()          ? tr("secret-tool is available.")
                                                               : tr("Neither is available: no key is sent."));
    form->addRow(QString(), note(key, page));
    form->addRow(QString(), note(tr("Advisory only: the deterministic triage shows at once and stays when the "
                                    "model is slow or wrong."),
                                 page));
    for (QWidget* w : std::initializer_list<QWidget*>{m_llmEndpoint, m_llmModel, m_llmTimeout, m_llmSendAlertData})
        connect(m_llmEnabled, &QCheckBox::toggled, w, &QWidget::setEnabled);
    return page;
}

void SettingsDialog::load()
{
    const QSettings& s = *m_settings;
    m_alertmanagers->setPlainText(s.value(KeyAlertmanagers).toStringList().join(u'\n'));
    m_pollInterval->setValue(s.value(KeyPollInterval, 15).toInt());
    m_webhookEnabled->setChecked(s.value(KeyWebhookEnabled, true).toBool());
    m_webhookListen->setEnabled(m_webhookEnabled->isChecked());
    m_webhookListen->setText(s.value(KeyWebhookListen).toString());
    m_graphFile->setText(s.value(KeyGraphFile).toString());
    m_inhibitRules->setText(s.value(KeyInhibitRules).toString());
    m_runbookFolder->setText(s.value(KeyRunbookFolder).toString());
    m_prometheusUrls->setPlainText(s.value(KeyPrometheusUrls).toStringList().join(u'\n'));
    m_discoverPrometheus->setText(s.value(KeyDiscoverPrometheus).toString());
    m_tray->setChecked(s.value(KeyTray, true).toBool());
    m_doNotDisturb->setChecked(s.value(KeyDoNotDisturb, false).toBool());
    QStringList sounds;
    for (const QString& severity : s.value(KeySoundSeverities).toStringList())
        sounds << severity.trimmed().toLower();
    for (qsizetype i = 0; i < m_sounds.size(); ++i)
        m_sounds.at(i)->setChecked(sounds.contains(soundSeverities().at(i)));
    m_slackUrl->setText(s.value(KeySlackUrl).toString());
    m_slackFollowsDnd->setChecked(s.value(KeySlackFollowsDnd, false).toBool());
    m_llmEnabled->setChecked(s.value(KeyLlmEnabled, false).toBool());
    m_llmEndpoint->setText(s.value(KeyLlmEndpoint).toString());
    m_llmModel->setText(s.value(KeyLlmModel).toString());
    m_llmSendAlertData->setChecked(s.value(KeyLlmSendAlertData, false).toBool());
    m_llmTimeout->setValue(s.value(KeyLlmTimeout, 15).toInt());
    for (QWidget* w : std::initializer_list<QWidget*>{m_llmEndpoint, m_llmModel, m_llmTimeout, m_llmSendAlertData})
        w->setEnabled(m_llmEnabled->isChecked());
}

void SettingsDialog::save()
{
    QSettings& s = *m_settings;
    store(&s, KeyAlertmanagers, SettingsValidator::lines(m_alertmanagers->toPlainText()));
    s.setValue(KeyPollInterval, m_pollInterval->value());
    s.setValue(KeyWebhookEnabled, m_webhookEnabled->isChecked());
    store(&s, KeyWebhookListen, m_webhookListen->text());
    store(&s, KeyGraphFile, m_graphFile->text());
    store(&s, KeyInhibitRules, m_inhibitRules->text());
    store(&s, KeyRunbookFolder, m_runbookFolder->text());
    store(&s, KeyPrometheusUrls, SettingsValidator::lines(m_prometheusUrls->toPlainText()));
    store(&s, KeyDiscoverPrometheus, m_discoverPrometheus->text());
    s.setValue(KeyTray, m_tray->isChecked());
    s.setValue(KeyDoNotDisturb, m_doNotDisturb->isChecked());
    QStringList sounds;
    for (qsizetype i = 0; i < m_sounds.size(); ++i)
        if (m_sounds.at(i)->isChecked())
            sounds << soundSeverities().at(i);
    store(&s, KeySoundSeverities, sounds);
    store(&s, KeySlackUrl, m_slackUrl->text());
    s.setValue(KeySlackFollowsDnd, m_slackFollowsDnd->isChecked());
    s.setValue(KeyLlmEnabled, m_llmEnabled->isChecked());
    store(&s, KeyLlmEndpoint, m_llmEndpoint->text());
    store(&s, KeyLlmModel, m_llmModel->text());
    s.setValue(KeyLlmSendAlertData, m_llmSendAlertData->isChecked());
    s.setValue(KeyLlmTimeout, m_llmTimeout->value());
    s.sync();
}

QHash<QString, QVariant> SettingsDialog::restartValues() const
{
    QHash<QString, QVariant> values;
    for (const QString& key : RestartKeys)
        values.insert(key, m_settings->value(key));
    return values;
}

void SettingsDialog::mark(QWidget* field, const QString& page, const QString& problem)
{
    field->setProperty(ProblemProperty, problem);
    field->setToolTip(problem);
    field->setStyleSheet(problem.isEmpty() ? QString()
                                           : u"%1 { border: 2px solid #C62828; }"_s.arg(
                                                 QString::fromLatin1(field->metaObject()->className())));
    if (!problem.isEmpty())
        m_problems.append({field, page + u": "_s + problem});
}

void SettingsDialog::validate()
{
    m_problems.clear();
    const QString sources = tr("Sources");
    const QString files = tr("Graph & runbooks");
    const QString metrics = tr("Prometheus");
    const QString notifications = tr("Notifications");
    const QString llm = tr("LLM triage");
    mark(m_alertmanagers, sources, SettingsValidator::urlList(SettingsValidator::lines(m_alertmanagers->toPlainText())));
    mark(m_webhookListen, sources,
         m_webhookEnabled->isChecked() ? SettingsValidator::listenAddress(m_webhookListen->text()) : QString());
    mark(m_graphFile, files, SettingsValidator::graphFile(m_graphFile->text()));
    mark(m_inhibitRules, files, SettingsValidator::file(m_inhibitRules->text()));
    mark(m_runbookFolder, files, SettingsValidator::folder(m_runbookFolder->text()));
    mark(m_prometheusUrls, metrics, SettingsValidator::urlList(SettingsValidator::lines(m_prometheusUrls->toPlainText())));
    mark(m_discoverPrometheus, metrics, SettingsValidator::url(m_discoverPrometheus->text()));
    mark(m_slackUrl, notifications, SettingsValidator::secretReference(m_slackUrl->text()));
    const bool llmOn = m_llmEnabled->isChecked();
    mark(m_llmEndpoint, llm, llmOn ? SettingsValidator::url(m_llmEndpoint->text(), true) : QString());
    mark(m_llmModel, llm, llmOn && m_llmModel->text().trimmed().isEmpty() ? tr("a model name is required") : QString());

    m_problemLabel->setText(problemText());
    m_problemLabel->setVisible(!m_problems.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problems.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(problemText());
    // A page holding an invalid field says so in its tab, so the reason is found without hunting.
    for (int i = 0; i < m_pages->count(); ++i) {
        bool bad = false;
        for (const auto& [field, _] : m_problems)
            bad = bad || m_pages->widget(i)->isAncestorOf(field);
        m_pages->setTabIcon(i, bad ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
    }
}

QString SettingsDialog::problemText() const
{
    if (m_problems.isEmpty())
        return {};
    QString text = m_problems.first().second;
    if (m_problems.size() > 1)
        text += u' ' + tr("(+%1 more)").arg(m_problems.size() - 1);
    return text;
}

QStringList SettingsDialog::invalidFields() const
{
    QStringList names;
    for (const auto& [field, _] : m_problems)
        names << field->objectName();
    return names;
}

void SettingsDialog::accept()
{
    validate();
    if (!isValid())
        return;
    save();
    m_restartNeeded = restartValues() != m_restartBefore;
    QDialog::accept();
}
