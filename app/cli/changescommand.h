#pragma once
// `nightwatch-cli changes import FILE --db DB`: deploys, config changes and flag flips recorded elsewhere
// (a JSON object, an array, or a scenario's "changes") stored as diagnosis context; every event is
// validated before the first is stored, so a bad file stores nothing.

#include <QStringList>

int runChangesCommand(const QStringList& args);
