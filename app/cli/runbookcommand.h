#pragma once
// `nightwatch-cli runbook plan|run FILE`: a dry run printing the resolved steps as JSON, or a run of the
// steps approved on the command line, in order, through the same executor and audit as the console.

#include <QStringList>

int runRunbookCommand(const QStringList& args);
