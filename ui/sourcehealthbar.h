#pragma once
// SourceHealthBar: the header strip's row of source "chips" — name, live/stale/unreachable, last success, how it
// is reached (TLS, token, tenant) and the last error as visible text, for alert feeds and Prometheus servers
// alike. Reads SourceHealthModel only; one dead source changes its own chip and nothing else. The chips always
// fit the strip: details drop (live sources' first), names are elided in the middle, and live chips that still
// do not fit leave for a "+N" indicator whose tooltip names them. A broken source is the last to go.

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
    QStringList chipTexts() const; // what each chip shows (empty for a chip moved behind "+N")
    QList<QLabel*> chips() const { return m_chips; }
    QLabel* overflowIndicator() const { return m_overflow; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override; // war-room type: the chips fit again at their new size

private:
    struct ChipText
    {
        QString name;     // "Alertmanager 10.0.0.5:9093/api/alertmanager/grafana"
        QString state;    // "unreachable"
        QString time;     // "ok 14:02:05", "last ok 13:52:10"
        QString access;   // "TLS (own CA) · bearer"
        QString error;    // shortened to the room left, never dropped while there is room for a few words
        bool live = false;
    };

    void rebuild();
    void fitChips();
    // The chip's text at a level of detail: 0 everything, 1 without the detail that matters least for its state
    // (a live source's time, a broken one's access), 2 with the name elided in the middle, 3 a short name and the
    // state only.
    QString head(const ChipText& t, int level) const;
    static int chipWidth(QLabel* chip, const QString& text); // text plus the chip's padding and border

    QPointer<QAbstractItemModel> m_model;
    QHBoxLayout* m_layout = nullptr;
    QList<QLabel*> m_chips;
    QVector<ChipText> m_texts;
    QLabel* m_overflow = nullptr;
    QLabel* m_empty = nullptr;
};
