#pragma once
// SourceHealthBar: the header strip's row of source "chips" — name, live/stale/unreachable, last
// success and the last error as visible text (elided, full text in the tooltip). Reads
// SourceHealthModel only; one dead source changes its own chip and nothing else.

#include <QPointer>
#include <QVector>
#include <QWidget>

class QAbstractItemModel;
class QHBoxLayout;
class QLabel;

class SourceHealthBar : public QWidget
{
    Q_OBJECT

public:
    explicit SourceHealthBar(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model);
    QStringList chipTexts() const; // what is visible, for tests and accessibility

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override; // war-room type: the chips fit again at their new size

private:
    struct ChipText
    {
        QString head;  // "● name  state  · last ok 14:02:05"
        QString shortHead; // "● name  state": what a narrow strip (war-room type at 1366 px) keeps
        bool live = false;
        QString error; // shortened to the room left, never dropped while there is room for a few words
    };

    void rebuild();
    void fitChips(); // shortens and elides so all chips fit the strip's width, the broken ones last

    QPointer<QAbstractItemModel> m_model;
    QHBoxLayout* m_layout = nullptr;
    QList<QLabel*> m_chips;
    QVector<ChipText> m_texts;
    QLabel* m_empty = nullptr;
};
