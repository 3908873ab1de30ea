#pragma once
// `nightwatch-cli replay FEED.json --db FILE`: feeds a recorded feed through the whole pipeline (store,
// correlate, diagnose) into a database, all at once, and prints the resulting incidents as JSON.

#include <QStringList>

int runReplayCommand(const QStringList& args);
