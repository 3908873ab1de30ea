#pragma once
// PromQLTemplate: one per-service PromQL query with a {service} placeholder, checked once so that a label
// value taken from an alert can only ever land inside a double-quoted label matcher, escaped; alert data
// never becomes PromQL syntax.

#include <QString>
#include <QStringView>
#include <QVector>

#include <optional>

class PromQLTemplate
{
public:
    // The placeholder a template uses for the service name.
    static constexpr QStringView placeholder = u"{service}";

    // Checks text and splits it at its placeholders. Every {service} must sit inside a double-quoted value
    // of a label matcher ({service="{service}"} or a regex matcher =~ / !~); anything else is rejected
    // with a message saying where and why, and nullopt is returned.
    // id: a stable key for settings ("error_ratio"); noun: how evidence names the series ("errors").
    static std::optional<PromQLTemplate> compile(const QString& id, const QString& noun, const QString& text,
                                                 QString* error);

    // The built-in set: request error ratio, p99 latency, saturation (pg_stat_activity_count), CPU, memory.
    static QVector<PromQLTemplate> defaults();

    // The query for one service. Exact matchers get the value escaped for a PromQL string; regex
    // matchers get it RE2-quoted first, so "a.b" matches only "a.b".
    QString render(const QString& service) const;

    QString id() const { return m_id; }
    QString noun() const { return m_noun; }
    QString text() const { return m_text; }

    // value as the body of a PromQL double-quoted string: \ " newline, CR, tab and every other control
    // character escaped, everything else (any Unicode) kept as it is.
    static QString escapeStringContent(QStringView value);
    // value as an RE2 pattern that matches exactly value (Go's regexp.QuoteMeta).
    static QString quoteRegexMeta(QStringView value);

private:
    enum class Slot
    {
        None,
        Exact,
        Regex
    };
    struct Piece
    {
        QString literal; // template text before the slot
        Slot slot = Slot::None;
    };

    PromQLTemplate() = default;

    QString m_id;
    QString m_noun;
    QString m_text;
    QVector<Piece> m_pieces;
};
