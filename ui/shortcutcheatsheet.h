#pragma once
// ShortcutCheatSheet: the `?` dialog listing every action of a window with its keys, read from the
// QActions themselves, so a new action (or a changed key) shows up without anyone editing a list.

#include <QDialog>

class QAction;
class QTableWidget;

class ShortcutCheatSheet : public QDialog
{
    Q_OBJECT

public:
    explicit ShortcutCheatSheet(QWidget* window, QWidget* parent = nullptr);

    // Rebuilds the table from the window's actions (their text, shortcuts, checked state as of now).
    void refresh();

    QTableWidget* table() const { return m_table; }
    QStringList actionTexts() const;                 // as listed, without mnemonics
    static QString keysText(const QAction* action);  // "J or ↓"-like, native text, empty when none
    static QString plainText(const QAction* action); // the action's text without '&' mnemonics

private:
    QWidget* m_window = nullptr;
    QTableWidget* m_table = nullptr;
};
