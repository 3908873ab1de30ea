#include "chartstyle.h"

#include "theme.h"

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
    axis->setGridLineColor(gridColor());
    axis->setLabelsColor(textColor());
    return axis;
}

QColor ChartStyle::background()
{
    return Theme::panelBackground();
}

QColor ChartStyle::gridColor()
{
    return Theme::scheme() == Theme::Scheme::Dark ? QColor(0x3A, 0x46, 0x52) : QColor(0xE0, 0xE4, 0xE8);
}

QColor ChartStyle::rowGridColor()
{
    return Theme::scheme() == Theme::Scheme::Dark ? QColor(0x2C, 0x36, 0x40) : QColor(0xEE, 0xF0, 0xF2);
}

QColor ChartStyle::textColor()
{
    return Theme::text();
}

QColor ChartStyle::secondaryTextColor()
{
    return Theme::secondaryText();
}

QColor ChartStyle::accentTextColor()
{
    return Theme::accentText();
}

QColor ChartStyle::lineColor(const QColor& color)
{
    const QColor canvas = background();
    const bool dark = Theme::scheme() == Theme::Scheme::Dark;
    QColor c = color;
    for (int step = 0; step < 24 && Theme::contrastRatio(c, canvas) < 3.0; ++step)
        c = dark ? c.lighter(112) : c.darker(112);
    return c;
}

void ChartStyle::applyScheme(QChart* chart)
{
    chart->setBackgroundBrush(background());
    chart->setBackgroundPen(Qt::NoPen);
    chart->setPlotAreaBackgroundVisible(true);
    chart->setPlotAreaBackgroundBrush(background());
    chart->setPlotAreaBackgroundPen(Qt::NoPen);
    chart->setTitleBrush(secondaryTextColor());
    chart->legend()->setLabelColor(textColor());
}
