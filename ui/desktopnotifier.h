#pragma once
// DesktopNotifier: the console's life on the desktop. A tray icon showing how many incidents nobody has
// acknowledged (colour and shape of the worst), one desktop notification per new incident as decided by
// IncidentNotifier, an optional beep per severity and the do-not-disturb switch. A new incident whose diagnosis has no
// candidate yet is announced when one lands, or without one after IncidentNotifier::DefaultDiagnosisWaitMs.

#include "model/incidentsnapshot.h"
#include "notify/noticeschedule.h"

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

class DesktopNotifier : public QObject
{
    Q_OBJECT

public:
    explicit DesktopNotifier(QObject* parent = nullptr);
    ~DesktopNotifier() override;

    // Creates the tray icon when the desktop has a tray (never on the offscreen platform). Idempotent.
    void enableTray();
    QSystemTrayIcon* trayIcon() const { return m_tray; }

    void setSoundSeverities(const QStringList& severities); // e.g. {"critical"}; empty: silent (default)
    bool doNotDisturb() const { return m_notifier.doNotDisturb(); }
    QAction* doNotDisturbAction() const { return m_dndAction; } // checkable, for menus and the window
    QAction* showWindowAction() const { return m_showAction; }

    int unacknowledgedCount() const { return m_notifier.unacknowledgedCount(); }
    QString toolTip() const { return m_toolTip; }
    QString lastMessage() const { return m_lastMessage; } // title and body of the last notification

    static QString title(const IncidentNotice& notice);
    static QString body(const IncidentNotice& notice);

public Q_SLOTS:
    void setSnapshot(const IncidentSnapshotPtr& snapshot);
    void setDoNotDisturb(bool on);

Q_SIGNALS:
    void notified(const IncidentNotice& notice);
    void doNotDisturbChanged(bool on);
    void incidentActivated(const QString& key); // the engineer clicked a notification
    void showWindowRequested();

private:
    void updateIcon();
    void announce(const QVector<IncidentNotice>& notices);

    IncidentNotifier m_notifier;
    NoticeSchedule m_schedule; // drives m_notifier
    QSystemTrayIcon* m_tray = nullptr;
    QMenu* m_menu = nullptr;
    QAction* m_dndAction = nullptr;
    QAction* m_showAction = nullptr;
    QString m_toolTip;
    QString m_lastMessage;
    QString m_lastKey; // the incident of the last notification, for messageClicked
};
