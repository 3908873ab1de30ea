#include "postmortemcommand.h"

#include "clicommand.h"
#include "reportoutput.h"

#include "common/runtimeoptions.h"
#include "report/postmortem.h"
#include "report/reportquery.h"
#include "store/store.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

int runPostmortemCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"A postmortem draft prefilled from one stored incident."_s);
    parser.addPositionalArgument(u"incident"_s, u"The incident's id in the database."_s);
    const QCommandLineOption format(u"format"_s, u"md or html (default md)."_s, u"format"_s, u"md"_s);
    const QCommandLineOption db(u"db"_s, u"SQLite database (default: the console's)."_s, u"file"_s);
    const QCommandLineOption out(u"out"_s, u"Output file (default: standard output)."_s, u"file"_s);
    const QCommandLineOption tz(u"tz"_s, u"Time zone of the times shown (default UTC)."_s, u"zone"_s);
    parser.addOptions({format, db, out, tz});
    if (const auto done = parseCommandLine(parser, "postmortem", args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return failCommand("postmortem", u"usage: postmortem INCIDENT_ID [--format md|html] [--db F] [--out F]"_s);
    bool ok = false;
    const qint64 id = parser.positionalArguments().constFirst().toLongLong(&ok);
    if (!ok || id <= 0)
        return failCommand("postmortem", u"'%1' is not an incident id (a positive number)"_s.arg(
                                             parser.positionalArguments().constFirst()));
    const QString fmt = parser.value(format);
    if (fmt != u"md" && fmt != u"html")
        return failCommand("postmortem", u"--format: '%1' is not md or html"_s.arg(fmt));
    QTimeZone zone = QTimeZone::utc();
    if (parser.isSet(tz)) {
        zone = QTimeZone(parser.value(tz).toUtf8());
        if (!zone.isValid())
            return failCommand("postmortem", u"--tz: unknown time zone '%1'"_s.arg(parser.value(tz)));
    }
    const QString path = parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false);
    if (!QFileInfo::exists(path))
        return failCommand("postmortem", u"no database at %1"_s.arg(path));
    QString error;
    Store store(u"postmortem-command"_s);
    if (!store.open(path, &error))
        return failCommand("postmortem", error);
    const auto record = ReportQuery(store).incidentRecord(id, &error);
    if (!record)
        return failCommand("postmortem", error);
    const ReportDocument doc = Postmortem::build(*record, zone);
    if (!writeReportOutput(parser.value(out), (fmt == u"md" ? doc.toMarkdown() : doc.toHtml()).toUtf8(), &error))
        return failCommand("postmortem", error);
    return 0;
}
