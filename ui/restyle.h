#pragma once
// restyle: sets a widget's style sheet only when it differs. QWidget::setStyleSheet repolishes the widget even for
// the same sheet, and a repolish invalidates its layout: a view that restyles on every snapshot made the whole card
// lay out its text again each time (tst_ui_stormstall's perf profile).

#include <QString>
#include <QWidget>

inline bool restyle(QWidget* widget, const QString& sheet)
{
    if (widget->styleSheet() == sheet)
        return false;
    widget->setStyleSheet(sheet);
    return true;
}
