#pragma once
// FittingLabel: a one-line label that shows the longest of its alternative texts that fits its width (the status
// bar's key hints: all of them on a wide screen, the essential ones in war-room type at 1366 px), never a text cut
// off at the edge. The full text stays in the tooltip.

#include <QLabel>
#include <QStringList>

class FittingLabel : public QLabel
{
    Q_OBJECT

public:
    explicit FittingLabel(QWidget* parent = nullptr);

    // Longest first; the last is shown elided when even it does not fit.
    void setTexts(const QStringList& texts);
    QStringList texts() const { return m_texts; }

    QSize sizeHint() const override;        // the longest text
    QSize minimumSizeHint() const override; // the shortest

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void fit();
    int widthOf(const QString& text) const;

    QStringList m_texts;
};
