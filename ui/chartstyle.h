#pragma once
// ChartStyle: the look every time chart of the console shares (light theme, no animation, the time axis'
// format, ticks, font and grid), built in one place so the timeline and the metrics panel read alike.

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
};
