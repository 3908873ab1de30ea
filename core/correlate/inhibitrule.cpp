#include "inhibitrule.h"

bool InhibitRule::equalLabelsAgree(const LabelSet& source, const LabelSet& target) const
{
    for (const QString& name : equal)
        if (source.value(name) != target.value(name))
            return false;
    return true;
}

bool InhibitRule::inhibits(const LabelSet& source, const LabelSet& target) const
{
    if (!isTarget(target) || !isSource(source) || !equalLabelsAgree(source, target))
        return false;
    if (isSource(target) && isTarget(source))
        return false;
    return true;
}
