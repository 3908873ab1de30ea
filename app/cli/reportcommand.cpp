#include "reportcommand.h"

#include "clicommand.h"
#include "reportoutput.h"

#include "common/runtimeoptions.h"
#include "report/healthreport.h"
#include "report/healthreportdocument.h"
#include "reportpdfwriter.h"
#include "store/store.h"

#include <QFileInfo>
#include <QTimeZone>

using namespace Qt::StringLiterals;

bool reportCommandNeedsGui(const QStringList& args)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args.at(i) == u"--format=pdf"_s || (args.at(i) == u"--format"_s && args.value(i + 1) == u"pdf"_s))
            return true;
    }
    return false;
}

int runReportCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"On-call health report for a period: pages per week, dedup, MTTA, MTTR, "
                                     "auto-resolved share, night pages, noisy alerts, recurring root causes."_s);
    const QCommandLineOption from(u"from"_s, u"First day of the period (YYYY-MM-DD, local)."_s, u"date"_s);
    const QCommandLineOption to(u"to"_s, u"Day after the period (YYYY-MM-DD, exclusive)."_s, u"date"_s);
    const QCommandLineOption format(u"format"_s, u"md, html or pdf (default md)."_s, u"format"_s, u"md"_s);
    const QCommandLineOption db(u"db"_s, u"SQLite database (default: the console's)."_s, u"file"_s);
    const QCommandLineOption out(u"out"_s, u"Output file (default: standard output; pdf needs a file)."_s, u"file"_s);
    const QCommandLineOption tz(u"tz"_s,
                                u"Time zone of the dates and of night pages, e.g. Europe/Berlin "
                                "(default: the system's)."_s,
                                u"zone"_s);
    parser.addOptions({from, to, format, db, out, tz});
    if (const auto done = parseCommandLine(parser, "report", args))
        return *done;
    if (!parser.positionalArguments().isEmpty())
        return failCommand("report", u"unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));
    if (!parser.isSet(from) || !parser.isSet(to))
        return failCommand("report", u"--from and --to are required (YYYY-MM-DD)"_s);
    const QDate fromDate = QDate::fromString(parser.value(from), Qt::ISODate);
    const QDate toDate = QDate::fromString(parser.value(to), Qt::ISODate);
    if (!fromDate.isValid())
        return failCommand("report", u"--from: '%1' is not a date (YYYY-MM-DD)"_s.arg(parser.value(from)));
    if (!toDate.isValid())
        return failCommand("report", u"--to: '%1' is not a date (YYYY-MM-DD)"_s.arg(parser.value(to)));
    if (fromDate >= toDate)
        return failCommand("report", u"--to must be after --from (the end date is exclusive)"_s);
    const QString fmt = parser.value(format);
    if (fmt != u"md" && fmt != u"html" && fmt != u"pdf")
        return failCommand("report", u"--format: '%1' is not md, html or pdf"_s.arg(fmt));
    if (fmt == u"pdf" && !parser.isSet(out))
        return failCommand("report", u"--format pdf needs --out FILE"_s);
    QTimeZone zone = QTimeZone::systemTimeZone();
    if (parser.isSet(tz)) {
        zone = QTimeZone(parser.value(tz).toUtf8());
        if (!zone.isValid())
            return failCommand(
                "report", u"--tz: unknown time zone '%1' (use Area/City, e.g. Europe/Berlin)"_s.arg(parser.value(tz)));
    }

    const QString path = parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false);
    if (!QFileInfo::exists(path)) // opening would create an empty database and report nothing
        return failCommand("report", u"no database at %1"_s.arg(path));
    QString error;
    Store store(u"report-command"_s);
    if (!store.open(path, &error))
        return failCommand("report", error);
    const auto report = HealthReport::fromStore(store, fromDate, toDate, zone, &error);
    if (!report)
        return failCommand("report", error);
    const ReportDocument doc = HealthReportDocument::build(*report);

    if (fmt == u"pdf") {
        if (!ReportPdfWriter::writeHealthReport(*report, parser.value(out), &error))
            return failCommand("report", error);
        return 0;
    }
    const QByteArray bytes = (fmt == u"md" ? doc.toMarkdown() : doc.toHtml()).toUtf8();
    if (!writeReportOutput(parser.value(out), bytes, &error))
        return failCommand("report", error);
    return 0;
}
