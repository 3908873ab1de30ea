#pragma once
// InhibitRule: one Alertmanager inhibit rule. A firing source alert mutes target alerts that agree with
// it on the `equal` labels (missing labels compare as empty), with Alertmanager's own semantics.

#include "matcher.h"

#include <QStringList>
#include <QVector>

class InhibitRule
{
public:
    QVector<Matcher> sourceMatchers;
    QVector<Matcher> targetMatchers;
    QStringList equal;

    bool isSource(const LabelSet& labels) const { return Matcher::matchesAll(sourceMatchers, labels); }
    bool isTarget(const LabelSet& labels) const { return Matcher::matchesAll(targetMatchers, labels); }
    bool equalLabelsAgree(const LabelSet& source, const LabelSet& target) const;

    // Does this firing source mute target? An alert that matches both sides is only muted by sources
    // that do not match the target side themselves (inhibit.go hasEqual's excludeTwoSidedMatch).
    bool inhibits(const LabelSet& source, const LabelSet& target) const;
};
