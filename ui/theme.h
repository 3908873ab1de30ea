#pragma once
// Theme: the console's colours and small text helpers in one place, so every view paints a
// severity or a state the same way (an engineer learns one colour code, not four).

#include "model/incident.h"
#include "model/sourcehealth.h"

#include <QColor>
#include <QDateTime>
#include <QString>

class Theme
{
public:
    enum class AlertState
    {
        Critical,
        Warning,
        Info,
        Resolved,
        None
    };

    static QColor severityColor(const QString& severity);
    static QColor alertStateFill(AlertState state);
    static QColor alertStateText(AlertState state);
    static QColor sourceStateColor(SourceHealth::State state);

    static QColor rootCauseColor() { return QColor(0x6A, 0x1B, 0x9A); }   // deep purple: not a severity colour
    static QColor blastRadiusColor() { return QColor(0xEF, 0x6C, 0x00); } // orange halo
    static QColor changeColor() { return QColor(0x00, 0x69, 0x5C); }      // teal: deploys
    static QColor headerBackground() { return QColor(0x1F, 0x29, 0x33); }
    static QColor panelBorder() { return QColor(0xC5, 0xCC, 0xD3); }
    static QColor mutedText() { return QColor(0x4A, 0x55, 0x60); }

    // critical > warning > info > anything else; used for sorting and for "worst of".
    static int severityRank(const QString& severity);
    static QString stateText(Incident::State state);
    static QString sourceStateText(SourceHealth::State state);

    // Times are stored in UTC and shown in the engineer's local zone.
    // "1 alert" / "3 alerts" without needing a loaded English numerus translation; both forms go through tr().
    static QString count(qint64 n, const QString& one, const QString& many) { return (n == 1 ? one : many).arg(n); }

    static QString clock(const QDateTime& utc);     // "14:02:11"
    static QString clockDate(const QDateTime& utc); // "2026-11-27 14:02:11"
};
