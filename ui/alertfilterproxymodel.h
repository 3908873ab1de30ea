#pragma once
// AlertFilterProxyModel: filters the alerts table from one line of text. Each whitespace-separated
// term must match: "key=value", "key!=value", "key=~regex", "key!~regex" test one label with
// Alertmanager's matcher operators (values may be "double quoted"); any other term is a
// case-insensitive substring searched in every label, annotation and column.

#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QVector>

class AlertFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit AlertFilterProxyModel(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    bool isFilterValid() const { return m_valid; } // false when a regex term does not compile

    // Onset ascending is the order the source model keeps (the incident's own): that sort keeps the source order rather
    // than sorting again. Every other column and order is sorted here.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    struct Term
    {
        enum class Op
        {
            Contains,
            Equal,
            NotEqual,
            Match,
            NotMatch
        };
        Op op = Op::Contains;
        QString key;
        QString value;
        QRegularExpression regex;
    };

    static QStringList tokenize(const QString& text);

    QString m_text;
    QVector<Term> m_terms;
    bool m_valid = true;
};
