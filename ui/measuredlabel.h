#pragma once
// MeasuredLabel: a word-wrapped label that lays its text out once per width. QLabel answers every sizeHint and
// heightForWidth by laying its text document out again (and back to the width it paints at), and a layout pass asks
// each label several times; the summary card's labels did that for every label whenever any of them changed, on
// every snapshot of a storm. The answers are kept until the text, the font, the style or the wrapping changes; a plain
// text whose digits alone changed ("1048 alerts" → "1337 alerts", a clock) keeps them too when the font draws every
// digit at one width: it wraps at the same places, so the card's counts do not lay the card out again on each snapshot.

#include <QHash>
#include <QLabel>

class MeasuredLabel : public QLabel
{
    Q_OBJECT

public:
    explicit MeasuredLabel(QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    int heightForWidth(int width) const override;
    int measurements() const { return m_measurements; } // how often the text was measured anew (for tests)

protected:
    void changeEvent(QEvent* event) override;

private:
    void forgetIfStale() const; // drops the answers measured for another text or wrapping
    bool sameShape(const QString& now) const; // only digits moved, at the same places, in the same total width

    mutable QString m_measuredText;
    mutable bool m_measuredWrap = false;
    mutable Qt::TextFormat m_measuredFormat = Qt::AutoText;
    mutable QSize m_sizeHint, m_minimumSizeHint;
    mutable QHash<int, int> m_heights; // width → height
    mutable qreal m_measuredAdvance = -1; // the measured text's width on one line, for sameShape()
    mutable int m_measurements = 0;
};
