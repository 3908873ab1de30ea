// Fuzz target: an Alertmanager API v2 answer, read both as GET /api/v2/alerts and as /api/v2/alerts/groups.
#include "ingest/alertmanagerapiparser.h"

#include <QByteArray>
#include <QDateTime>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    QString error;
    if (const auto alerts = AlertmanagerApiParser::parseAlerts(body, &error, receivedAt, u"fuzz"_s))
        (void)AlertmanagerApiParser::toBatch(*alerts);
    else if (error.isEmpty())
        std::abort(); // a refusal must say why
    error.clear();
    if (const auto groups = AlertmanagerApiParser::parseGroups(body, &error, receivedAt, u"fuzz"_s)) {
        for (const AlertmanagerApiGroup& group : *groups)
            (void)AlertmanagerApiParser::toBatch(group.alerts);
    } else if (error.isEmpty()) {
        std::abort();
    }
    return 0;
}
