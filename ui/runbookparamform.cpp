#include "runbookparamform.h"

#include "runbookstyle.h"

#include "runbook/paramresolver.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

bool sourceHasValue(const RunbookParam& p, const LabelSet& labels, const QString& service)
{
    switch (p.source) {
    case RunbookParam::Source::Label:
        return p.hasDefault || labels.contains(p.label.isEmpty() ? p.name : p.label);
    case RunbookParam::Source::Service:
        return p.hasDefault || !service.isEmpty();
    case RunbookParam::Source::Input:
        return p.hasDefault;
    }
    return false;
}

QString nameStyle()
{
    return u"color: %1; font-weight: 600; padding-top: 3px;"_s.arg(Theme::text().name());
}

} // namespace

QString RunbookParamForm::sourceText(const QString& source)
{
    if (source.startsWith(u"label:"))
        return tr("from alert label %1").arg(source.mid(6));
    if (source == u"service")
        return tr("from the diagnosed service");
    if (source == u"default")
        return tr("the runbook's default");
    return tr("typed by you");
}

RunbookParamForm::RunbookParamForm(QWidget* parent) : QWidget(parent)
{
    m_form = new QFormLayout(this);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setHorizontalSpacing(10);
    m_form->setVerticalSpacing(4);
    m_form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void RunbookParamForm::setParams(const QVector<RunbookParam>& params, const LabelSet& labels, const QString& service)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
    m_labels = labels;
    m_service = service;
    for (const RunbookParam& p : params) {
        auto* name = new QLabel(p.name, this);
        name->setTextFormat(Qt::PlainText);
        name->setStyleSheet(nameStyle());
        name->setToolTip((p.description.isEmpty() ? QString() : p.description + u"\n"_s) +
                         tr("Pattern: %1 (at most %2 characters)").arg(p.pattern).arg(p.maxLength));
        auto* box = new QWidget(this);
        auto* column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(0);
        auto* edit = new QLineEdit(box);
        edit->setObjectName(u"param_"_s + p.name);
        // No maxLength: a long paste is rejected with a message, never silently cut into something valid.
        edit->setClearButtonEnabled(true);
        auto* note = RunbookStyle::wrappedLabel(box);
        column->addWidget(edit);
        column->addWidget(note);
        m_form->addRow(name, box);
        m_fields.append(Field{p, edit, note, {}});
        const qsizetype i = m_fields.size() - 1;
        connect(edit, &QLineEdit::textChanged, this, [this, i]() {
            check(m_fields[i]);
            Q_EMIT changed();
        });
    }
    for (Field& f : m_fields)
        check(f);
    Q_EMIT changed();
}

void RunbookParamForm::setSource(const LabelSet& labels, const QString& service)
{
    if (labels == m_labels && service == m_service)
        return;
    m_labels = labels;
    m_service = service;
    for (Field& f : m_fields)
        check(f);
    Q_EMIT changed();
}

void RunbookParamForm::check(Field& field)
{
    const RunbookParam& p = field.param;
    const QString text = field.edit->text();
    QString note;
    field.problem.clear();
    if (!text.isEmpty()) {
        QString why;
        if (!ParamResolver::validate(p, text, &why))
            field.problem = tr("Rejected: %1").arg(why);
        else
            note = tr("typed; runs as one argument");
        field.edit->setPlaceholderText(QString());
    } else if (!sourceHasValue(p, m_labels, m_service)) {
        field.problem = p.source == RunbookParam::Source::Input
                            ? tr("Required: type a value")
                            : tr("Required: %1 gives no value; type one")
                                  .arg(sourceText(p.source == RunbookParam::Source::Service
                                                      ? u"service"_s
                                                      : u"label:"_s + (p.label.isEmpty() ? p.name : p.label)));
        field.edit->setPlaceholderText(QString());
    } else {
        // The resolver itself, on this one parameter: the same source order and the same validation.
        Runbook single;
        single.id = u"param"_s;
        single.params = {p};
        ParamResolver::Context context;
        context.labels = m_labels;
        context.service = m_service;
        QString error;
        if (const auto resolved = ParamResolver::resolve(single, context, &error)) {
            const ResolvedParam& r = resolved->params.constFirst();
            field.edit->setPlaceholderText(r.value);
            note = sourceText(r.source);
        } else {
            field.problem = tr("Rejected: %1").arg(error.section(u": "_s, 1));
            field.edit->setPlaceholderText(QString());
        }
    }
    field.note->setText(field.problem.isEmpty() ? note : field.problem);
    styleField(field);
    field.edit->setToolTip(field.problem);
}

void RunbookParamForm::styleField(Field& field)
{
    field.note->setStyleSheet(field.problem.isEmpty()
                                  ? u"color: %1; font-size: 8pt;"_s.arg(Theme::secondaryText().name())
                                  : u"color: %1; font-size: 8pt; font-weight: 600;"_s.arg(RunbookStyle::errorText().name()));
    field.edit->setStyleSheet(field.problem.isEmpty()
                                  ? QString()
                                  : u"QLineEdit { border: 2px solid %1; }"_s.arg(RunbookStyle::errorBorder().name()));
}

void RunbookParamForm::applyTheme()
{
    for (int row = 0; row < m_form->rowCount(); ++row)
        if (QLayoutItem* item = m_form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
            item->widget()->setStyleSheet(nameStyle());
    for (Field& f : m_fields)
        styleField(f);
}

QVector<QRect> RunbookParamForm::rowRects(const QWidget* in) const
{
    QVector<QRect> rows;
    for (int row = 0; row < m_form->rowCount(); ++row) {
        QRect r;
        for (QFormLayout::ItemRole role : {QFormLayout::LabelRole, QFormLayout::FieldRole})
            if (QLayoutItem* item = m_form->itemAt(row, role); item && item->widget())
                r |= QRect(item->widget()->mapTo(in, QPoint()), item->widget()->size());
        if (!r.isEmpty())
            rows.append(r);
    }
    return rows;
}

QMap<QString, QString> RunbookParamForm::input() const
{
    QMap<QString, QString> out;
    for (const Field& f : m_fields)
        if (!f.edit->text().isEmpty())
            out.insert(f.param.name, f.edit->text());
    return out;
}

bool RunbookParamForm::isValid() const
{
    return std::all_of(m_fields.cbegin(), m_fields.cend(), [](const Field& f) { return f.problem.isEmpty(); });
}

QStringList RunbookParamForm::problems() const
{
    QStringList out;
    for (const Field& f : m_fields)
        if (!f.problem.isEmpty())
            out << u"%1: %2"_s.arg(f.param.name, f.problem);
    return out;
}

QStringList RunbookParamForm::invalidNames() const
{
    QStringList out;
    for (const Field& f : m_fields)
        if (!f.problem.isEmpty())
            out << f.param.name;
    return out;
}

QLineEdit* RunbookParamForm::editor(const QString& name) const
{
    for (const Field& f : m_fields)
        if (f.param.name == name)
            return f.edit;
    return nullptr;
}

QString RunbookParamForm::errorText(const QString& name) const
{
    for (const Field& f : m_fields)
        if (f.param.name == name)
            return f.problem;
    return {};
}
