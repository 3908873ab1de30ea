#include "shortcutcheatsheet.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ShortcutCheatSheet::ShortcutCheatSheet(QWidget* window, QWidget* parent) : QDialog(parent), m_window(window)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    setObjectName(u"shortcutCheatSheet"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 16, 18, 14);
    layout->setSpacing(10);
    auto* intro = new QLabel(tr("Every action of the console, without a mouse. Letters work whenever the focus "
                                "is not in a text field; Esc leaves the alert filter."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table = new QTableWidget(0, 2, this);
    m_table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setFocusPolicy(Qt::StrongFocus);
    m_table->setAccessibleName(tr("Keyboard shortcuts"));
    layout->addWidget(m_table, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    refresh();
}

QString ShortcutCheatSheet::plainText(const QAction* action)
{
    QString text = action->text();
    text.remove(QRegularExpression(u"&(?!&)"_s));
    return text;
}

QString ShortcutCheatSheet::keysText(const QAction* action)
{
    QStringList keys;
    for (const QKeySequence& k : action->shortcuts())
        keys << k.toString(QKeySequence::NativeText);
    return keys.join(tr(" or "));
}

void ShortcutCheatSheet::refresh()
{
    QList<QAction*> actions;
    if (m_window) {
        for (QAction* a : m_window->actions()) {
            if (!a->text().isEmpty() && !a->isSeparator())
                actions << a;
        }
    }
    m_table->setRowCount(int(actions.size()));
    QFont keyFont = font();
    keyFont.setBold(true);
    for (int row = 0; row < actions.size(); ++row) {
        const QAction* a = actions.at(row);
        const QString keys = keysText(a);
        auto* keyItem = new QTableWidgetItem(keys.isEmpty() ? tr("(none)") : keys);
        keyItem->setFont(keyFont);
        QString text = plainText(a);
        if (a->isCheckable())
            text += a->isChecked() ? tr("  (on)") : tr("  (off)");
        auto* textItem = new QTableWidgetItem(text);
        textItem->setToolTip(a->toolTip());
        m_table->setItem(row, 0, keyItem);
        m_table->setItem(row, 1, textItem);
    }
    m_table->resizeColumnToContents(0);
    m_table->setColumnWidth(0, m_table->columnWidth(0) + 24);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    // Tall enough for every row without scrolling when the screen allows it.
    const int rowsHeight = m_table->verticalHeader()->length() + m_table->horizontalHeader()->height() + 4;
    m_table->setMinimumHeight(qMin(rowsHeight, 640));
    resize(qMax(width(), 620), sizeHint().height());
}

QStringList ShortcutCheatSheet::actionTexts() const
{
    QStringList texts;
    for (int row = 0; row < m_table->rowCount(); ++row)
        texts << m_table->item(row, 1)->text();
    return texts;
}
