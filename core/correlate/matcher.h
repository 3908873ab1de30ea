#pragma once
// Matcher: one Alertmanager label matcher (name, op, value), parsed and evaluated exactly as
// prometheus/alertmanager pkg/labels does, so rules copied from an alertmanager.yml behave the same here.

#include "model/alert.h"

#include <QRegularExpression>
#include <QString>
#include <QVector>

#include <optional>

class Matcher
{
public:
    enum class Type { Equal, NotEqual, Regexp, NotRegexp };

    // Builds a matcher; regexes are anchored as Alertmanager anchors them: ^(?:value)$.
    static std::optional<Matcher> create(Type type, const QString& name, const QString& value, QString* error = nullptr);

    // One matcher such as `severity="critical"` or `service=~"api|web"` (pkg/labels ParseMatcher).
    static std::optional<Matcher> parse(const QString& text, QString* error = nullptr);
    // A list such as `{alertname="X", severity!~"info|none"}`; braces optional (pkg/labels ParseMatchers).
    static std::optional<QVector<Matcher>> parseList(const QString& text, QString* error = nullptr);

    Type type() const { return m_type; }
    const QString& name() const { return m_name; }
    const QString& value() const { return m_value; }

    bool matches(const QString& labelValue) const;
    // A missing label matches as the empty string, as in Alertmanager.
    bool matches(const LabelSet& labels) const { return matches(labels.value(m_name)); }
    static bool matchesAll(const QVector<Matcher>& matchers, const LabelSet& labels);

    QString toString() const;

private:
    Type m_type = Type::Equal;
    QString m_name;
    QString m_value;
    QRegularExpression m_regex;
};
