#pragma once
// ChartStyle: the look every time chart of the console shares (light theme, no animation, the time axis'
// format, ticks, font and grid), built in one place so the timeline and the metrics panel read alike. The
// canvas colours follow the current scheme (Theme::scheme()): the charts sit on the chrome's panels.

#include <QColor>
#include <QtGlobal>

class QChart;
class QDateTimeAxis;

class ChartStyle
{
public:
    // A chart without animation (data is replaced often), legend at the bottom, tight margins, square corners.
    static QChart* newChart();
    // A time axis over [fromMsecs, toMsecs]: seconds shown for spans under 10 minutes, the date for several days.
    static QDateTimeAxis* timeAxis(qint64 fromMsecs, qint64 toMsecs, int tickCount);

    // The canvas of the current scheme: the panel's background, grid lines that stay faint on it, and text colours
    // of at least 4.5:1 on it (Theme's chrome colours).
    static QColor background();
    static QColor gridColor();
    static QColor rowGridColor(); // fainter: between category rows
    static QColor textColor();
    static QColor secondaryTextColor();
    static QColor accentTextColor(); // the root cause's name
    // A line or marker colour that stands out on the canvas (3:1, WCAG 1.4.11): as it is when it does, else the same
    // hue lightened on the dark canvas or darkened on the light one. A deep purple root line stays visible on dark.
    static QColor lineColor(const QColor& color);
    // Paints the chart's background, plot area, title and legend labels in those colours.
    static void applyScheme(QChart* chart);
};
