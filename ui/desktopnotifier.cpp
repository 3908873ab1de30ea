#include "desktopnotifier.h"

#include "theme.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

DesktopNotifier::DesktopNotifier(QObject* parent)
    : QObject(parent), m_schedule(&m_notifier, [this](const QVector<IncidentNotice>& notices) { announce(notices); })
{
    m_dndAction = new QAction(tr("Do not disturb (critical only)"), this);
    m_dndAction->setCheckable(true);
    m_dndAction->setToolTip(tr("Only critical incidents notify; the count stays up to date"));
    connect(m_dndAction, &QAction::toggled, this, &DesktopNotifier::setDoNotDisturb);
    m_showAction = new QAction(tr("Show the console"), this);
    connect(m_showAction, &QAction::triggered, this, &DesktopNotifier::showWindowRequested);
    m_toolTip = tr("Nightwatch — no incident waiting");
}

DesktopNotifier::~DesktopNotifier()
{
    delete m_menu; // a QMenu cannot have a QObject parent that is not a widget
}

void DesktopNotifier::enableTray()
{
    if (m_tray || !QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(this);
    m_menu = new QMenu;
    m_menu->addAction(m_showAction);
    m_menu->addAction(m_dndAction);
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit Nightwatch"), qApp, &QApplication::quit);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT showWindowRequested();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        if (!m_lastKey.isEmpty())
            Q_EMIT incidentActivated(m_lastKey);
        Q_EMIT showWindowRequested();
    });
    updateIcon();
    m_tray->show();
}

void DesktopNotifier::setSoundSeverities(const QStringList& severities)
{
    QList<Severity> chosen;
    for (const QString& s : severities)
        if (const Severity severity = parseSeverity(s); severity != Severity::Unknown)
            chosen << severity;
    m_notifier.setSoundSeverities(chosen);
}

void DesktopNotifier::setDoNotDisturb(bool on)
{
    if (on == m_notifier.doNotDisturb())
        return;
    m_notifier.setDoNotDisturb(on);
    m_dndAction->setChecked(on);
    updateIcon();
    Q_EMIT doNotDisturbChanged(on);
}

QString DesktopNotifier::title(const IncidentNotice& notice)
{
    const QString severity = notice.severity.isEmpty() ? tr("New") : notice.severity.toUpper();
    return notice.rootCause.isEmpty()
               ? tr("%1 incident #%2").arg(severity).arg(notice.incidentId)
               : tr("%1 incident #%2: %3").arg(severity).arg(notice.incidentId).arg(notice.rootCause);
}

QString DesktopNotifier::body(const IncidentNotice& notice)
{
    const QString counts = tr("%n alert(s)", nullptr, notice.alertCount) + u" · "_s +
                           tr("%n service(s) affected", nullptr, notice.serviceCount);
    if (notice.rootCause.isEmpty())
        return counts + u'\n' + tr("No root cause candidate yet.");
    return counts + u'\n' +
           tr("Probable root cause %1 (%2 %)").arg(notice.rootCause).arg(qRound(notice.confidence * 100));
}

void DesktopNotifier::setSnapshot(const IncidentSnapshotPtr& snapshot)
{
    m_schedule.update(snapshot ? snapshot->incidents : QVector<Incident>());
    updateIcon();
}

void DesktopNotifier::announce(const QVector<IncidentNotice>& notices)
{
    bool beep = false;
    for (const IncidentNotice& notice : notices) {
        m_lastKey = notice.key;
        m_lastMessage = title(notice) + u'\n' + body(notice);
        if (m_tray) {
            const bool critical = parseSeverity(notice.severity) >= Severity::Error; // as do-not-disturb
            m_tray->showMessage(title(notice), body(notice),
                                critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning, 15000);
        }
        beep = beep || notice.sound;
        Q_EMIT notified(notice);
    }
    if (beep) // once per snapshot, however many incidents it brought
        QApplication::beep();
}

void DesktopNotifier::updateIcon()
{
    const int count = m_notifier.unacknowledgedCount();
    const QString dnd = m_notifier.doNotDisturb() ? tr(" · do not disturb") : QString();
    m_toolTip = count == 0 ? tr("Nightwatch — no incident waiting") + dnd
                           : tr("Nightwatch — %n unacknowledged incident(s)", nullptr, count) + dnd;
    if (!m_tray)
        return;
    m_tray->setToolTip(m_toolTip);
    // The count on a disc in the worst waiting severity's colour; grey and empty when nothing waits.
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const Severity worst = m_notifier.worstUnacknowledged();
    const QColor fill =
        count == 0 ? QColor(0x78, 0x90, 0x9C) : Theme::severityColor(severityName(std::max(worst, Severity::Info)));
    p.setBrush(fill);
    p.setPen(QPen(Qt::white, 3));
    p.drawEllipse(QRectF(3, 3, 58, 58));
    if (count > 0) {
        QFont f = p.font();
        f.setPixelSize(count > 99 ? 22 : 34);
        f.setBold(true);
        p.setFont(f);
        p.setPen(Theme::readableOn(fill));
        p.drawText(QRect(0, 0, 64, 64), Qt::AlignCenter, count > 99 ? u"99+"_s : QString::number(count));
    }
    p.end();
    m_tray->setIcon(QIcon(pixmap));
}
