// Fuzz target: an alertmanager.yml (or a bare list of inhibit rules); the rules it yields are then applied
// to a few label sets, so the matchers the loader built (regexes included) are exercised too.
#include "correlate/inhibitruleset.h"

#include <QByteArray>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray yaml(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    const auto rules = InhibitRuleSet::fromYaml(yaml, &error);
    if (!rules) {
        if (error.isEmpty())
            std::abort(); // a refusal must say why
        return 0;
    }
    const LabelSet critical{{u"alertname"_s, u"NodeDown"_s}, {u"severity"_s, u"critical"_s},
                            {u"instance"_s, u"db-1"_s}, {u"service"_s, u"checkout"_s}};
    const LabelSet warning{{u"alertname"_s, u"HighLatency"_s}, {u"severity"_s, u"warning"_s},
                           {u"instance"_s, u"db-1"_s}, {u"service"_s, u"checkout"_s}};
    const LabelSet empty;
    (void)rules->inhibitingRule(critical, warning);
    (void)rules->inhibitingRule(warning, critical);
    (void)rules->inhibitingRule(critical, critical);
    (void)rules->inhibitingRule(empty, warning);
    return 0;
}
