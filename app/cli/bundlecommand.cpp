#include "bundlecommand.h"

#include "clicommand.h"
#include "reportoutput.h"

#include "common/runtimeoptions.h"
#include "report/incidentbundle.h"
#include "store/store.h"

#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

int runBundleCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Export one incident as a JSON bundle, or import a bundle."_s);
    parser.addPositionalArgument(u"action"_s, u"export INCIDENT_ID | import FILE"_s);
    const QCommandLineOption db(u"db"_s, u"SQLite database (default: the console's)."_s, u"file"_s);
    const QCommandLineOption out(u"out"_s, u"export: output file (default: standard output)."_s, u"file"_s);
    parser.addOptions({db, out});
    if (const auto done = parseCommandLine(parser, "bundle", args))
        return *done;
    const QStringList positional = parser.positionalArguments();
    const QString usage = u"usage: bundle export INCIDENT_ID [--out FILE] [--db F] | bundle import FILE [--db F]"_s;
    if (positional.size() != 2 || (positional.constFirst() != u"export" && positional.constFirst() != u"import"))
        return failCommand("bundle", usage);
    const QString path = parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false);
    QString error;

    if (positional.constFirst() == u"export") {
        bool ok = false;
        const qint64 id = positional.at(1).toLongLong(&ok);
        if (!ok || id <= 0)
            return failCommand("bundle", u"'%1' is not an incident id (a positive number)"_s.arg(positional.at(1)));
        if (!QFileInfo::exists(path))
            return failCommand("bundle", u"no database at %1"_s.arg(path));
        Store store(u"bundle-export"_s);
        if (!store.open(path, &error))
            return failCommand("bundle", error);
        const auto bytes = IncidentBundle::exportIncident(store, id, &error);
        if (!bytes)
            return failCommand("bundle", error);
        if (!writeReportOutput(parser.value(out), *bytes, &error))
            return failCommand("bundle", error);
        return 0;
    }

    // Read and check the whole bundle before the database is even opened: a bad file changes nothing.
    QFile file(positional.at(1));
    if (!file.open(QIODevice::ReadOnly))
        return failCommand("bundle", u"cannot read %1: %2"_s.arg(file.fileName(), file.errorString()));
    const QByteArray bytes = file.readAll();
    if (!IncidentBundle::fromJson(bytes, &error))
        return failCommand("bundle", file.fileName() + u": "_s + error);
    Store store(u"bundle-import"_s);
    if (!store.open(path, &error))
        return failCommand("bundle", error);
    const auto result = IncidentBundle::importBundle(store, bytes, &error);
    if (!result)
        return failCommand("bundle", file.fileName() + u": "_s + error);
    if (result->alreadyPresent)
        std::printf("already present as incident %lld (same key); nothing imported\n", qlonglong(result->incidentId));
    else
        std::printf("imported as incident %lld\n", qlonglong(result->incidentId));
    return 0;
}
