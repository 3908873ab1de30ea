#include "warroommode.h"

#include "incidentsummarycard.h"
#include "restyle.h"
#include "theme.h"

#include <QMainWindow>
#include <QRegularExpression>
#include <QSplitter>
#include <QTabWidget>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {
// Dynamic properties remembering a style sheet as written by its owner and as last scaled by us.
constexpr char OriginalProperty[] = "nightwatchWarRoomOriginalStyle";
constexpr char ScaledProperty[] = "nightwatchWarRoomScaledStyle";

QString scaledPoints(const QString& style, double scale)
{
    static const QRegularExpression points(uR"((\d+(?:\.\d+)?)\s*pt\b)"_s);
    QString out;
    qsizetype last = 0;
    for (auto it = points.globalMatch(style); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += style.mid(last, m.capturedStart() - last);
        out += u"%1pt"_s.arg(m.captured(1).toDouble() * scale, 0, 'f', 1);
        last = m.capturedEnd();
    }
    return out + style.mid(last);
}

// The splitter's current total, shared in the given proportions.
QList<int> share(const QSplitter* splitter, const QList<double>& parts)
{
    int total = 0;
    for (int size : splitter->sizes())
        total += size;
    QList<int> sizes;
    for (double p : parts)
        sizes << qRound(total * p);
    return sizes;
}
} // namespace

WarRoomMode::WarRoomMode(const Parts& parts, QObject* parent) : QObject(parent), m_parts(parts) {}

void WarRoomMode::setActive(bool active)
{
    if (active == m_active || !m_parts.window)
        return;
    QMainWindow* window = m_parts.window;
    m_active = active;
    if (active) {
        m_font = window->font();
        m_geometry = window->saveGeometry();
        m_windowState = window->windowState();
        m_bodySizes = m_parts.body->sizes();
        m_topSizes = m_parts.top->sizes();
        m_rightSizes = m_parts.right->sizes();
        m_bottomIndex = m_parts.bottomTabs->currentIndex();

        QFont big = m_font;
        big.setPointSizeF(QFontInfo(m_font).pointSizeF() * FontScale);
        window->setFont(big);
        // A widget with a style sheet of its own stops font propagation; a style rule reaches through it.
        m_styleSheet = window->styleSheet();
        window->setStyleSheet(m_styleSheet + u"\nQWidget { font-size: %1pt; }"_s.arg(big.pointSizeF(), 0, 'f', 1));
        Theme::setHighContrast(true);
        Theme::setFontScale(FontScale); // the graph, timeline and list read it when they restyle (activeChanged)
        // The runbook is what the room decides on; the alert table is one key (r) away.
        m_parts.bottomTabs->setCurrentIndex(m_parts.runbookTab);
        if (m_fullScreen)
            window->showFullScreen();
    } else {
        window->setFont(m_font);
        window->setStyleSheet(m_styleSheet);
        Theme::setHighContrast(false);
        Theme::setFontScale(1.0);
        m_parts.bottomTabs->setCurrentIndex(m_bottomIndex);
        if (m_fullScreen) {
            window->setWindowState(m_windowState);
            window->restoreGeometry(m_geometry);
        }
    }
    rescaleStyleSheets();
    if (m_parts.card)
        m_parts.card->setPresentation(active, fontScale());
    Q_EMIT activeChanged(active);

    if (active) { // after the window took its full-screen size: the list a strip, the incident the rest
        m_parts.body->setSizes(share(m_parts.body, {0.19, 0.81}));
        m_parts.top->setSizes(share(m_parts.top, {0.31, 0.38, 0.31}));
        m_parts.right->setSizes(share(m_parts.right, {0.58, 0.42}));
    } else {
        m_parts.body->setSizes(m_bodySizes);
        m_parts.top->setSizes(m_topSizes);
        m_parts.right->setSizes(m_rightSizes);
    }
}

void WarRoomMode::rescaleStyleSheets()
{
    scaleStyleSheets(fontScale());
}

void WarRoomMode::scaleStyleSheets(double scale)
{
    if (!m_parts.window)
        return;
    const QList<QWidget*> widgets = m_parts.window->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (m_parts.card && (w == m_parts.card || m_parts.card->isAncestorOf(w)))
            continue;
        const QString current = w->styleSheet();
        if (current.isEmpty())
            continue;
        // A style sheet we did not write is its owner's new original.
        QString original = w->property(OriginalProperty).toString();
        if (current != w->property(ScaledProperty).toString())
            original = current;
        const QString wanted = scale == 1.0 ? original : scaledPoints(original, scale);
        w->setProperty(OriginalProperty, original);
        w->setProperty(ScaledProperty, wanted);
        restyle(w, wanted);
    }
}
