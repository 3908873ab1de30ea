#pragma once
// WarRoomMode: turns the console into the incident commander's shared screen and back: full screen, type
// scaled for reading across a room, high-contrast secondary text, no hover-only information on the summary
// card, the incident list shrunk to a strip and the runbook (the step awaiting approval) in view. It only
// rearranges widgets the window hands it and restores them exactly on leave.

#include "theme.h"

#include <QByteArray>
#include <QFont>
#include <QList>
#include <QObject>
#include <QPointer>

class IncidentSummaryCard;
class QMainWindow;
class QSplitter;
class QTabWidget;
class QWidget;

class WarRoomMode : public QObject
{
    Q_OBJECT

public:
    static constexpr double FontScale = Theme::WarRoomFontScale; // the theme's, shared by every view

    struct Parts
    {
        QMainWindow* window = nullptr;
        QSplitter* body = nullptr;        // incident list | the rest
        QSplitter* top = nullptr;         // card | graph | charts
        QSplitter* right = nullptr;       // top over the bottom tabs
        QTabWidget* bottomTabs = nullptr; // alerts, runbooks
        int runbookTab = 1;
        IncidentSummaryCard* card = nullptr; // scales itself (setPresentation): left out of the generic scaling
    };

    explicit WarRoomMode(const Parts& parts, QObject* parent = nullptr);

    bool isActive() const { return m_active; }
    double fontScale() const { return m_active ? FontScale : 1.0; }
    // Full screen can be turned off for tests and screenshots that need an exact size.
    void setFullScreenEnabled(bool on) { m_fullScreen = on; }

    // Point sizes written in widgets' style sheets ("font-size: 8pt") follow the scale too; call after a
    // widget restyles itself while the mode is active. Cheap: it only touches style sheets that changed.
    void rescaleStyleSheets();

public Q_SLOTS:
    void setActive(bool active);
    void toggle() { setActive(!m_active); }

Q_SIGNALS:
    // After the layout changed, before the window repaints: restyle what depends on the scale or contrast.
    void activeChanged(bool active);

private:
    void scaleStyleSheets(double scale);

    Parts m_parts;
    bool m_active = false;
    bool m_fullScreen = true;
    // What leaving restores.
    QFont m_font;
    QString m_styleSheet;
    QByteArray m_geometry;
    Qt::WindowStates m_windowState;
    QList<int> m_bodySizes, m_topSizes, m_rightSizes;
    int m_bottomIndex = 0;
};
