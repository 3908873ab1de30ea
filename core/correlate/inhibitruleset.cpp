#include "inhibitruleset.h"

#include <QFile>

#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace {
QString qs(const YAML::Node& node)
{
    return QString::fromStdString(node.as<std::string>());
}

// source_matchers: a list of strings, each itself parsed as a matcher list (config.Matchers).
bool readMatcherList(const YAML::Node& node, QVector<Matcher>* out, QString* error)
{
    if (!node)
        return true;
    if (!node.IsSequence()) {
        *error = u"matchers must be a list of strings"_s;
        return false;
    }
    for (const auto& item : node) {
        if (!item.IsScalar()) {
            *error = u"matchers must be a list of strings"_s;
            return false;
        }
        auto parsed = Matcher::parseList(qs(item), error);
        if (!parsed)
            return false;
        *out << *parsed;
    }
    return true;
}

// source_match / source_match_re: a map name -> value.
bool readMatchMap(const YAML::Node& node, Matcher::Type type, QVector<Matcher>* out, QString* error)
{
    if (!node)
        return true;
    if (!node.IsMap()) {
        *error = u"match maps must map label names to values"_s;
        return false;
    }
    for (const auto& kv : node) {
        auto m = Matcher::create(type, qs(kv.first), qs(kv.second), error);
        if (!m)
            return false;
        *out << *m;
    }
    return true;
}
} // namespace

std::optional<InhibitRuleSet> InhibitRuleSet::fromYaml(const QByteArray& yaml, QString* error)
{
    QString why;
    auto fail = [&](const QString& reason) -> std::optional<InhibitRuleSet> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        YAML::Node rules = root;
        if (root.IsMap())
            rules = root["inhibit_rules"];
        InhibitRuleSet set;
        if (!rules || rules.IsNull())
            return set;
        if (!rules.IsSequence())
            return fail(u"inhibit_rules must be a list"_s);
        int index = 0;
        for (const auto& r : rules) {
            if (!r.IsMap())
                return fail(u"inhibit rule %1 is not a map"_s.arg(index));
            InhibitRule rule;
            const bool ok = readMatcherList(r["source_matchers"], &rule.sourceMatchers, &why)
                && readMatcherList(r["target_matchers"], &rule.targetMatchers, &why)
                && readMatchMap(r["source_match"], Matcher::Type::Equal, &rule.sourceMatchers, &why)
                && readMatchMap(r["source_match_re"], Matcher::Type::Regexp, &rule.sourceMatchers, &why)
                && readMatchMap(r["target_match"], Matcher::Type::Equal, &rule.targetMatchers, &why)
                && readMatchMap(r["target_match_re"], Matcher::Type::Regexp, &rule.targetMatchers, &why);
            if (!ok)
                return fail(u"inhibit rule %1: %2"_s.arg(index).arg(why));
            if (const auto eq = r["equal"]) {
                if (!eq.IsSequence())
                    return fail(u"inhibit rule %1: equal must be a list of label names"_s.arg(index));
                for (const auto& name : eq)
                    rule.equal << qs(name);
            }
            set.addRule(rule);
            ++index;
        }
        return set;
    } catch (const YAML::Exception& e) {
        return fail(u"invalid YAML: %1"_s.arg(QString::fromStdString(e.what())));
    }
}

std::optional<InhibitRuleSet> InhibitRuleSet::fromFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    return fromYaml(file.readAll(), error);
}

int InhibitRuleSet::inhibitingRule(const LabelSet& source, const LabelSet& target) const
{
    for (int i = 0; i < m_rules.size(); ++i)
        if (m_rules[i].inhibits(source, target))
            return i;
    return -1;
}
