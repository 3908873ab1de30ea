#include "changescommand.h"

#include "clicommand.h"

#include "common/runtimeoptions.h"
#include "ingest/ingestjson.h"
#include "store/store.h"

#include <QFile>

#include <cstdio>

using namespace Qt::StringLiterals;

int runChangesCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Import change events (deploys, config changes, feature flags)."_s);
    parser.addPositionalArgument(u"import"_s, u"The action: import."_s);
    parser.addPositionalArgument(u"file"_s, u"JSON: one change, an array, or {\"changes\": [...]}."_s);
    const QCommandLineOption db(u"db"_s, u"SQLite database or postgresql:// URL (default: the console's)."_s, u"file"_s);
    parser.addOption(db);
    if (const auto done = parseCommandLine(parser, "changes", args))
        return *done;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2 || positional.constFirst() != u"import")
        return failCommand("changes", u"usage: changes import FILE [--db DB]"_s);

    QFile file(positional.at(1));
    if (!file.open(QIODevice::ReadOnly))
        return failCommand("changes", u"cannot read %1: %2"_s.arg(file.fileName(), file.errorString()));
    nlohmann::json doc;
    QString error;
    QVector<ChangeEvent> changes;
    if (!IngestJson::parseDocument(file.readAll(), &doc, &error) || !IngestJson::readChanges(doc, &changes, &error))
        return failCommand("changes", file.fileName() + u": "_s + error);

    Store store(u"changes-import"_s);
    if (!store.open(parser.isSet(db) ? parser.value(db) : RuntimeOptions::defaultDatabasePath(false), &error))
        return failCommand("changes", error);
    for (const ChangeEvent& c : std::as_const(changes)) {
        if (!store.recordChange(c, &error))
            return failCommand("changes", error);
    }
    std::printf("imported %lld change events\n", qlonglong(changes.size()));
    return 0;
}
