#pragma once
// SettingsDialog: every setting the console reads, on five pages (sources, graph & runbooks, Prometheus,
// notifications, LLM triage), stored with QSettings under the keys app/common/runtimeoptions.cpp and
// app/gui/main.cpp read. Each edit is validated at once: an invalid field is marked with its reason and OK
// stays disabled, the first reason shown beneath the pages. Pages whose settings the console reads only
// at start say so; restartNeeded() tells the caller whether any of those changed.

#include <QDialog>
#include <QHash>
#include <QVariant>

#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSettings;
class QSpinBox;
class QTabWidget;
class QWidget;

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    // settings: where to read and write (not owned); null: the application's QSettings.
    explicit SettingsDialog(QWidget* parent = nullptr, QSettings* settings = nullptr);
    ~SettingsDialog() override;

    // Severities one can ask a beep for, in the order shown.
    static QStringList soundSeverities() { return {QStringLiteral("critical"), QStringLiteral("error"),
                                                   QStringLiteral("warning"), QStringLiteral("info")}; }

    bool isValid() const { return m_problems.isEmpty(); }
    QString problemText() const;                // the reason OK is disabled; empty when valid
    QStringList invalidFields() const;          // object names of the fields marked invalid
    bool restartNeeded() const { return m_restartNeeded; } // after accept(): a start-only setting changed
    QTabWidget* pages() const { return m_pages; }

    void accept() override; // saves, then closes; refused while invalid

public Q_SLOTS:
    void validate();

private:
    QWidget* buildSourcesPage();
    QWidget* buildFilesPage();
    QWidget* buildMetricsPage();
    QWidget* buildNotificationsPage();
    QWidget* buildLlmPage();
    QLineEdit* pathEdit(const QString& name, bool folder, QWidget* parent, QWidget** row);
    void load();
    void save();
    void mark(QWidget* field, const QString& page, const QString& problem);
    QHash<QString, QVariant> restartValues() const;

    std::unique_ptr<QSettings> m_ownSettings;
    QSettings* m_settings;
    QTabWidget* m_pages = nullptr;
    QLabel* m_problemLabel = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    QPlainTextEdit* m_alertmanagers = nullptr;
    QSpinBox* m_pollInterval = nullptr;
    QCheckBox* m_webhookEnabled = nullptr;
    QLineEdit* m_webhookListen = nullptr;
    QLineEdit* m_graphFile = nullptr;
    QLineEdit* m_inhibitRules = nullptr;
    QLineEdit* m_runbookFolder = nullptr;
    QPlainTextEdit* m_prometheusUrls = nullptr;
    QLineEdit* m_discoverPrometheus = nullptr;
    QCheckBox* m_tray = nullptr;
    QCheckBox* m_doNotDisturb = nullptr;
    QList<QCheckBox*> m_sounds; // in soundSeverities() order
    QLineEdit* m_slackUrl = nullptr;
    QCheckBox* m_slackFollowsDnd = nullptr;
    QCheckBox* m_llmEnabled = nullptr;
    QLineEdit* m_llmEndpoint = nullptr;
    QLineEdit* m_llmModel = nullptr;
    QCheckBox* m_llmSendAlertData = nullptr;
    QSpinBox* m_llmTimeout = nullptr;

    QList<std::pair<QWidget*, QString>> m_problems; // field, "Page: reason", in page order
    QHash<QString, QVariant> m_restartBefore;
    bool m_restartNeeded = false;
};
