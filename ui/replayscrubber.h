#pragma once
// ReplayScrubber: the control under a past incident that replays it minute by minute: play/pause, a step
// back and forward, a slider to drag, and where the replay stands ("23:49 · minute 3 of 42"). It only knows
// minutes; whoever shows the incident maps a minute to a moment (ReplayTimeline::timeAtMinute).

#include <QDateTime>
#include <QWidget>

class QLabel;
class QSlider;
class QTimer;
class QToolButton;

class ReplayScrubber : public QWidget
{
    Q_OBJECT

public:
    explicit ReplayScrubber(QWidget* parent = nullptr);

    // minutes: the last position (0 .. minutes). Stops playing and moves to the end (the incident as it ended).
    void setRange(const QDateTime& start, int minutes);
    void setStatus(const QString& text); // what the views show at the current minute
    int minute() const;
    int minutes() const;
    bool isPlaying() const;
    void setPlayIntervalMs(int ms); // wall time per replayed minute (default 600)
    QSlider* slider() const { return m_slider; }

public Q_SLOTS:
    void setMinute(int minute);
    void stepForward();
    void stepBack();
    void toStart();
    void toEnd();
    void togglePlay();
    void pause();

Q_SIGNALS:
    void minuteChanged(int minute);
    void playingChanged(bool playing);

private:
    void updateLabel();
    void advance();

    QDateTime m_start;
    QToolButton* m_play = nullptr;
    QToolButton* m_back = nullptr;
    QToolButton* m_forward = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_position = nullptr;
    QLabel* m_status = nullptr;
    QTimer* m_timer = nullptr;
};
