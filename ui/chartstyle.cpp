#include "chartstyle.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>

using namespace Qt::StringLiterals;

QChart* ChartStyle::newChart()
{
    auto* chart = new QChart;
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 6, 0));
    chart->setBackgroundRoundness(0);
    return chart;
}

QDateTimeAxis* ChartStyle::timeAxis(qint64 fromMsecs, qint64 toMsecs, int tickCount)
{
    auto* axis = new QDateTimeAxis;
    const bool multiDay =
        QDateTime::fromMSecsSinceEpoch(fromMsecs).date() != QDateTime::fromMSecsSinceEpoch(toMsecs).date();
    axis->setFormat(multiDay ? u"dd MMM HH:mm"_s : (toMsecs - fromMsecs < 10 * 60 * 1000 ? u"HH:mm:ss"_s : u"HH:mm"_s));
    axis->setRange(QDateTime::fromMSecsSinceEpoch(fromMsecs), QDateTime::fromMSecsSinceEpoch(toMsecs));
    axis->setTickCount(tickCount);
    QFont font = axis->labelsFont();
    font.setPointSizeF(8.5);
    axis->setLabelsFont(font);
    axis->setGridLineColor(QColor(0xE0, 0xE4, 0xE8));
    return axis;
}
