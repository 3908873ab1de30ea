#pragma once
// InhibitRuleSet: the inhibit_rules of an Alertmanager configuration, read with yaml-cpp. Accepts the
// current source_matchers/target_matchers and the older source_match(_re)/target_match(_re) forms.

#include "inhibitrule.h"

#include <QString>
#include <QVector>

#include <optional>

class InhibitRuleSet
{
public:
    // The whole alertmanager.yml (only inhibit_rules is read) or just a list of rules.
    static std::optional<InhibitRuleSet> fromYaml(const QByteArray& yaml, QString* error);
    static std::optional<InhibitRuleSet> fromFile(const QString& path, QString* error);

    void addRule(const InhibitRule& rule) { m_rules << rule; }
    const QVector<InhibitRule>& rules() const { return m_rules; }
    bool isEmpty() const { return m_rules.isEmpty(); }

    // Index of the first rule under which source mutes target, or -1.
    int inhibitingRule(const LabelSet& source, const LabelSet& target) const;

private:
    QVector<InhibitRule> m_rules;
};
