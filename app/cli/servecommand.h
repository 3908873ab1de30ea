#pragma once
// `nightwatch-cli serve`: the console without a window: webhook receiver, Alertmanager polling and the
// pipeline into the database, until SIGINT/SIGTERM. Prints one line per published snapshot change.

#include <QStringList>

int runServeCommand(const QStringList& args);
