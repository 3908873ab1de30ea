#pragma once
// `nightwatch-cli report --from DATE --to DATE --format md|html|pdf [--db FILE] [--out FILE] [--tz ZONE]`:
// the on-call health report of a period (the end date is exclusive). The pdf format needs a
// QGuiApplication: main() creates one for it (offscreen when there is no display).

#include <QStringList>

int runReportCommand(const QStringList& args);
// Whether these arguments (after the command name) ask for a PDF, so main() knows to start a GUI app.
bool reportCommandNeedsGui(const QStringList& args);
