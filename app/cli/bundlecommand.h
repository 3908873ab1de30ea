#pragma once
// `nightwatch-cli bundle export INCIDENT_ID [--out FILE] [--db FILE]` and `bundle import FILE [--db FILE]`:
// one incident as a JSON bundle to share, and back into another database (same key: not imported twice).

#include <QStringList>

int runBundleCommand(const QStringList& args);
