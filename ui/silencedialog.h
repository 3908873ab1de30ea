#pragma once
// SilenceDialog: how long and why, before the incident's alerts are silenced in Alertmanager. Keyboard-only:
// the duration combo, then the comment (required: the next on-call reads it), Enter silences.

#include "model/incident.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QPushButton;

class SilenceDialog : public QDialog
{
    Q_OBJECT
public:
    SilenceDialog(const Incident& incident, int silenceCount, QWidget* parent = nullptr);

    int durationMinutes() const;
    QString comment() const;

    QComboBox* durationCombo() const { return m_duration; }
    QLineEdit* commentEdit() const { return m_comment; }
    QPushButton* silenceButton() const { return m_silence; }

private:
    QComboBox* m_duration;
    QLineEdit* m_comment;
    QPushButton* m_silence;
};
