#pragma once
// RunbookParamForm: one line edit per runbook parameter, validated on every keystroke by the same rules
// the resolver applies (pattern, length, no control characters, no leading '-'), with the reason shown
// under the field. An empty field means "take the value from the parameter's source" (the alert label,
// the diagnosed service or the default), shown as its placeholder; typing overrides it.

#include "model/runbook.h"

#include <QMap>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;

class RunbookParamForm : public QWidget
{
    Q_OBJECT
public:
    explicit RunbookParamForm(QWidget* parent = nullptr);

    // Rebuilds the fields (typed text is dropped) for another runbook.
    void setParams(const QVector<RunbookParam>& params, const LabelSet& labels, const QString& service);
    // The same runbook, fresher alert data: typed text stays, placeholders follow the sources.
    void setSource(const LabelSet& labels, const QString& service);
    void applyTheme(); // the current scheme's colours (Theme::scheme())
    QVector<QRect> rowRects(const QWidget* in) const; // each parameter's row (name, field, note), mapped to in

    QMap<QString, QString> input() const; // the non-empty fields, as typed
    bool isValid() const;                 // every parameter has a valid value (typed or from its source)
    QStringList problems() const;         // one line per parameter without a valid value
    QStringList invalidNames() const;     // the names of those parameters, in form order
    QLineEdit* editor(const QString& name) const;
    QString errorText(const QString& name) const;
    // "from alert label namespace", "the runbook's default", ...: a ResolvedParam::source in words.
    static QString sourceText(const QString& source);

Q_SIGNALS:
    void changed();

private:
    struct Field
    {
        RunbookParam param;
        QLineEdit* edit = nullptr;
        QLabel* note = nullptr;
        QString problem; // empty: valid
    };
    void check(Field& field);
    static void styleField(Field& field);

    QFormLayout* m_form = nullptr;
    QVector<Field> m_fields;
    LabelSet m_labels;
    QString m_service;
};
