#include "replayscrubber.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ReplayScrubber::ReplayScrubber(QWidget* parent) : QWidget(parent)
{
    setObjectName(u"replayScrubber"_s);
    auto* rows = new QVBoxLayout(this);
    rows->setContentsMargins(6, 4, 6, 4);
    rows->setSpacing(2);
    auto* layout = new QHBoxLayout;
    layout->setSpacing(6);
    rows->addLayout(layout);

    const auto button = [this](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        b->setAutoRaise(true);
        b->setFocusPolicy(Qt::NoFocus); // the keys work from anywhere in the window; the buttons need no focus
        return b;
    };
    m_back = button(QStyle::SP_MediaSeekBackward, tr("One minute back (Left)"));
    m_play = button(QStyle::SP_MediaPlay, tr("Replay minute by minute (Space)"));
    m_forward = button(QStyle::SP_MediaSeekForward, tr("One minute forward (Right)"));
    m_play->setAccessibleName(tr("Play replay"));

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setSingleStep(1);
    m_slider->setPageStep(10);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    m_slider->setAccessibleName(tr("Replay position in minutes"));

    m_position = new QLabel(this);
    m_position->setMinimumWidth(fontMetrics().horizontalAdvance(u"00:00:00 · minute 000 of 000"_s) + 8);
    QFont bold = m_position->font();
    bold.setBold(true);
    m_position->setFont(bold);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);

    layout->addWidget(m_back);
    layout->addWidget(m_play);
    layout->addWidget(m_forward);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_position);
    rows->addWidget(m_status); // what the views show at that minute, under the slider

    m_timer = new QTimer(this);
    m_timer->setInterval(600);
    connect(m_timer, &QTimer::timeout, this, &ReplayScrubber::advance);
    connect(m_play, &QToolButton::clicked, this, &ReplayScrubber::togglePlay);
    connect(m_back, &QToolButton::clicked, this, &ReplayScrubber::stepBack);
    connect(m_forward, &QToolButton::clicked, this, &ReplayScrubber::stepForward);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        updateLabel();
        Q_EMIT minuteChanged(value);
    });
    // Dragging by hand takes over from the player.
    connect(m_slider, &QSlider::sliderPressed, this, &ReplayScrubber::pause);
    updateLabel();
}

void ReplayScrubber::setRange(const QDateTime& start, int minutes)
{
    pause();
    m_start = start;
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, qMax(0, minutes));
    m_slider->setValue(m_slider->maximum());
    m_slider->setTickInterval(minutes > 120 ? 60 : 10);
    updateLabel();
}

void ReplayScrubber::setStatus(const QString& text)
{
    m_status->setText(text);
}

int ReplayScrubber::minute() const
{
    return m_slider->value();
}

int ReplayScrubber::minutes() const
{
    return m_slider->maximum();
}

bool ReplayScrubber::isPlaying() const
{
    return m_timer->isActive();
}

void ReplayScrubber::setPlayIntervalMs(int ms)
{
    m_timer->setInterval(qMax(1, ms));
}

void ReplayScrubber::setMinute(int minute)
{
    m_slider->setValue(qBound(0, minute, m_slider->maximum()));
}

void ReplayScrubber::stepForward()
{
    pause();
    setMinute(minute() + 1);
}

void ReplayScrubber::stepBack()
{
    pause();
    setMinute(minute() - 1);
}

void ReplayScrubber::toStart()
{
    pause();
    setMinute(0);
}

void ReplayScrubber::toEnd()
{
    pause();
    setMinute(m_slider->maximum());
}

void ReplayScrubber::togglePlay()
{
    if (isPlaying()) {
        pause();
        return;
    }
    if (minute() >= m_slider->maximum())
        setMinute(0); // playing from the end starts over
    m_timer->start();
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    m_play->setAccessibleName(tr("Pause replay"));
    Q_EMIT playingChanged(true);
}

void ReplayScrubber::pause()
{
    if (!m_timer->isActive())
        return;
    m_timer->stop();
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_play->setAccessibleName(tr("Play replay"));
    Q_EMIT playingChanged(false);
}

void ReplayScrubber::advance()
{
    if (minute() >= m_slider->maximum()) {
        pause();
        return;
    }
    setMinute(minute() + 1);
}

void ReplayScrubber::updateLabel()
{
    if (!m_start.isValid()) {
        m_position->setText(tr("no replay"));
        return;
    }
    const QDateTime t = m_start.addSecs(qint64(minute()) * 60).toLocalTime();
    m_position->setText(
        tr("%1 · minute %2 of %3").arg(QLocale().toString(t, u"HH:mm:ss"_s)).arg(minute()).arg(m_slider->maximum()));
}
