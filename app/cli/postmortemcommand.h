#pragma once
// `nightwatch-cli postmortem INCIDENT_ID --format md|html [--db FILE] [--out FILE] [--tz ZONE]`: a postmortem
// draft prefilled from one stored incident.

#include <QStringList>

int runPostmortemCommand(const QStringList& args);
