#include "sourcehealthbar.h"

#include "sourcehealthmodel.h"
#include "theme.h"

#include <QAbstractItemModel>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>

using namespace Qt::StringLiterals;

SourceHealthBar::SourceHealthBar(QWidget* parent)
    : QWidget(parent), m_layout(new QHBoxLayout(this)), m_empty(new QLabel(tr("No alert sources configured"), this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(8);
    m_empty->setStyleSheet(u"color: #CFD8DC;"_s);
    m_layout->addWidget(m_empty);
    m_layout->addStretch(1);
}

void SourceHealthBar::setModel(QAbstractItemModel* model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::rowsInserted, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::layoutChanged, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::dataChanged, this, &SourceHealthBar::rebuild);
    }
    rebuild();
}

QStringList SourceHealthBar::chipTexts() const
{
    QStringList texts;
    for (const QLabel* chip : m_chips)
        texts.append(chip->text());
    return texts;
}

void SourceHealthBar::rebuild()
{
    const int rows = m_model ? m_model->rowCount() : 0;
    while (m_chips.size() > rows)
        delete m_chips.takeLast();
    while (m_chips.size() < rows) {
        auto* chip = new QLabel(this);
        chip->setTextFormat(Qt::PlainText); // source names and errors come from the outside world
        chip->setMinimumWidth(1);           // fitChips() makes the text fit; the strip never widens the window
        m_layout->insertWidget(int(m_chips.size()), chip);
        m_chips.append(chip);
    }
    m_empty->setVisible(rows == 0);
    m_texts.resize(rows);

    for (int r = 0; r < rows; ++r) {
        auto col = [&](int c) { return m_model->index(r, c); };
        const auto state = SourceHealth::State(col(0).data(SourceHealthModel::StateRole).toInt());
        const QString name = col(SourceHealthModel::NameColumn).data().toString();
        const QString stateText = col(SourceHealthModel::StateColumn).data().toString();
        const QString last = col(SourceHealthModel::LastSuccessColumn).data().toString();
        // A live source's time is its last success anyway; a broken one says so explicitly.
        m_texts[r].shortHead = u"● "_s + name + u"  "_s + stateText;
        m_texts[r].head = m_texts[r].shortHead + u" · "_s +
                          (state == SourceHealth::State::Live ? tr("ok %1").arg(last) : tr("last ok %1").arg(last));
        m_texts[r].live = state == SourceHealth::State::Live;
        m_texts[r].error = col(SourceHealthModel::ErrorColumn).data().toString().simplified();

        QLabel* chip = m_chips.at(r);
        chip->setToolTip(col(0).data(Qt::ToolTipRole).toString());
        const QColor c = Theme::sourceStateColor(state);
        const bool bad = state != SourceHealth::State::Live;
        QFont font = chip->font();
        font.setBold(bad);
        chip->setFont(font);
        // Live sources are quiet green text; a problem source becomes a filled chip that stands out.
        chip->setStyleSheet(
            bad ? u"QLabel { background: %1; color: %2; border-radius: 4px; padding: 3px 8px; }"_s.arg(
                      c.name(), state == SourceHealth::State::Stale ? u"#1A1A1A"_s : u"#FFFFFF"_s)
                : u"QLabel { color: #C8E6C9; border: 1px solid #43A047; border-radius: 4px; padding: 3px 8px; }"_s);
    }
    fitChips();
}

void SourceHealthBar::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitChips();
}

void SourceHealthBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // After the chips themselves took the new font (they are polished after their parent).
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        QMetaObject::invokeMethod(this, &SourceHealthBar::fitChips, Qt::QueuedConnection);
}

void SourceHealthBar::fitChips()
{
    if (m_chips.isEmpty())
        return;
    constexpr int ChipPadding = 18; // 8 px padding each side plus the border
    const QString separator = u" · "_s;
    // Heads as long as the strip allows: first the live sources lose their time, then the broken ones theirs
    // (the tooltip keeps both); what still does not fit is elided, each chip to its share.
    QVector<QString> heads(m_chips.size());
    int headWidth = 0;
    for (int level = 0; level < 3; ++level) {
        headWidth = 0;
        for (int r = 0; r < m_chips.size(); ++r) {
            const ChipText& t = m_texts.at(r);
            heads[r] = (level == 0 || (level == 1 && !t.live)) ? t.head : t.shortHead;
            headWidth += QFontMetrics(m_chips.at(r)->font()).horizontalAdvance(heads.at(r)) + ChipPadding +
                         m_layout->spacing();
        }
        if (headWidth <= width() - 8)
            break;
    }
    const bool tooWide = headWidth > width() - 8;
    int errors = 0;
    for (const ChipText& t : std::as_const(m_texts))
        errors += t.error.isEmpty() ? 0 : 1;
    const int room = qMax(0, width() - headWidth - 8);
    const int share = errors ? room / errors : 0;
    const int chipShare = width() / int(m_chips.size()) - ChipPadding - m_layout->spacing();
    for (int r = 0; r < m_chips.size(); ++r) {
        const ChipText& t = m_texts.at(r);
        const QFontMetrics fm(m_chips.at(r)->font());
        QString text = tooWide ? fm.elidedText(heads.at(r), Qt::ElideRight, qMax(0, chipShare)) : heads.at(r);
        if (!tooWide && !t.error.isEmpty()) {
            const int errorRoom = share - fm.horizontalAdvance(separator);
            // Below a few words the error would be noise; the tooltip still has it, and the chip's colour says
            // "broken".
            if (errorRoom > fm.horizontalAdvance(u"connect to…"_s))
                text += separator + fm.elidedText(t.error, Qt::ElideRight, errorRoom);
        }
        m_chips.at(r)->setText(text);
    }
}
