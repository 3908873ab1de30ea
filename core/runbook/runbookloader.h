#pragma once
// RunbookLoader: reads runbook YAML files (one runbook per file) into Runbook values and refuses any
// file it cannot fully understand, with a one-line error naming the file and the field. Unknown keys
// are errors too: a misspelt "requires_approval" or "rollback" must not silently change what runs.

#include "model/runbook.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

class RunbookLoader
{
public:
    // path may be a file or a Qt resource (":/runbooks/x.yaml").
    static std::optional<Runbook> loadFile(const QString& path, QString* error);
    // fileName only names the source in errors and in Runbook::file.
    static std::optional<Runbook> parse(const QByteArray& yaml, const QString& fileName, QString* error);

    struct Folder
    {
        QVector<Runbook> runbooks; // sorted by file name
        QStringList errors;        // one line per file skipped (invalid, or an id already loaded)
        QStringList warnings;      // one line per risk in a file that loaded (Runbook::warnings)
    };
    // Every *.yaml / *.yml directly in dir. One bad file does not hide the others.
    static Folder loadFolder(const QString& dir);
};
