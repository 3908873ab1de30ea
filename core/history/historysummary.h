#pragma once
// HistorySummary: one row of the history browser, read from the incidents table and its search index
// without loading members: enough to list years of incidents quickly. HistoryPage: one page of them.

#include "model/incident.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

struct HistorySummary
{
    qint64 id = 0;
    QString key;
    QString title;    // IncidentTitle of its alerts and top cause: "Checkout errors — postgres-main pool"
    QString summary;  // the founding alert's summary annotation ("" when it has none)
    QString topCause; // the diagnosis' best candidate ("" when none)
    double confidence = 0.0;
    QString severity;
    Incident::State state = Incident::State::Triggered;
    QDateTime firstAlertAt;
    QDateTime lastAlertAt;
    QDateTime resolvedAt;
    int alertCount = 0;
    int notificationCount = 0;
    QStringList services; // affected services when it was last saved

    // From the first alert to the resolve, else to the last notification.
    qint64 durationMs() const
    {
        const QDateTime end = resolvedAt.isValid() ? resolvedAt : lastAlertAt;
        return firstAlertAt.isValid() && end.isValid() ? qMax<qint64>(0, firstAlertAt.msecsTo(end)) : 0;
    }
};

struct HistoryPage
{
    QVector<HistorySummary> rows; // newest first (by first alert)
    int total = 0;                // rows matching the query, over all pages
    int offset = 0;
};

Q_DECLARE_METATYPE(HistorySummary)
Q_DECLARE_METATYPE(HistoryPage)
