#include "alertfilterproxymodel.h"

#include "alerttablemodel.h"

using namespace Qt::StringLiterals;

AlertFilterProxyModel::AlertFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(AlertTableModel::SortRole);
}

void AlertFilterProxyModel::sort(int column, Qt::SortOrder order)
{
    // A sorting proxy sorts every row again when the source changes its layout, and places each inserted row by
    // comparisons through data(). The alerts of a storm with late onsets bring both with every snapshot: at 15,000
    // alerts that re-sort was most of the window's work per snapshot. The source rows are in onset order already (a
    // stable sort by onset, as this proxy's), so for that sort the proxy only maps and filters.
    if (column == AlertTableModel::OnsetColumn && order == Qt::AscendingOrder)
        column = -1; // -1: the source's order
    QSortFilterProxyModel::sort(column, order);
}

QStringList AlertFilterProxyModel::tokenize(const QString& text)
{
    // Whitespace separates terms except inside double quotes, so service="order service" is one term.
    QStringList tokens;
    QString current;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == u'"') {
            quoted = !quoted;
            continue;
        }
        if (c.isSpace() && !quoted) {
            if (!current.isEmpty())
                tokens.append(current);
            current.clear();
            continue;
        }
        current.append(c);
    }
    if (!current.isEmpty())
        tokens.append(current);
    return tokens;
}

void AlertFilterProxyModel::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_terms.clear();
    m_valid = true;

    static const QRegularExpression matcher(u"^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)$"_s);
    for (const QString& token : tokenize(text)) {
        Term term;
        const QRegularExpressionMatch m = matcher.match(token);
        if (m.hasMatch()) {
            term.key = m.captured(1);
            term.value = m.captured(3);
            const QString op = m.captured(2);
            if (op == u"=")
                term.op = Term::Op::Equal;
            else if (op == u"!=")
                term.op = Term::Op::NotEqual;
            else {
                term.op = op == u"=~" ? Term::Op::Match : Term::Op::NotMatch;
                // Anchored like Alertmanager's regex matchers.
                term.regex = QRegularExpression(u"^(?:"_s + term.value + u")$"_s);
                if (!term.regex.isValid()) {
                    m_valid = false;
                    continue; // an unfinished regex while typing filters nothing out
                }
            }
        } else {
            term.value = token.toLower();
        }
        m_terms.append(term);
    }
    invalidateFilter();
}

bool AlertFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_terms.isEmpty())
        return true;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    const QVariantMap labels = idx.data(AlertTableModel::LabelsRole).toMap();
    QString haystack = idx.data(AlertTableModel::SearchTextRole).toString();
    for (int c = 0; c < sourceModel()->columnCount(sourceParent); ++c)
        haystack += u'\n' + sourceModel()->index(sourceRow, c, sourceParent).data().toString().toLower();

    for (const Term& term : m_terms) {
        // A missing label matches as the empty string, as in Alertmanager.
        const QString value = labels.value(term.key).toString();
        bool ok = true;
        switch (term.op) {
        case Term::Op::Contains:
            ok = haystack.contains(term.value);
            break;
        case Term::Op::Equal:
            ok = value == term.value;
            break;
        case Term::Op::NotEqual:
            ok = value != term.value;
            break;
        case Term::Op::Match:
            ok = term.regex.match(value).hasMatch();
            break;
        case Term::Op::NotMatch:
            ok = !term.regex.match(value).hasMatch();
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}
