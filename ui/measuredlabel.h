#pragma once
// MeasuredLabel: a word-wrapped label that lays its text out once per width. QLabel answers every sizeHint and
// heightForWidth by laying its text document out again (and back to the width it paints at), and a layout pass asks
// each label several times; the summary card's labels did that for every label whenever any of them changed, on
// every snapshot of a storm. The answers are kept until the text, the font, the style or the wrapping changes.

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

protected:
    void changeEvent(QEvent* event) override;

private:
    void forgetIfStale() const; // drops the answers measured for another text or wrapping

    mutable QString m_measuredText;
    mutable bool m_measuredWrap = false;
    mutable Qt::TextFormat m_measuredFormat = Qt::AutoText;
    mutable QSize m_sizeHint, m_minimumSizeHint;
    mutable QHash<int, int> m_heights; // width → height
};
