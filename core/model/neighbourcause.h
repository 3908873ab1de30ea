#pragma once
// NeighbourCause: the probable cause (top candidate) of another incident under way at the same time, which a
// bigger incident may adopt (Diagnoser::causeLentBy). Shared by the diagnoser, the incident-set diagnosis and
// the console's pipeline.

#include <QString>

struct NeighbourCause
{
    QString service;
    int alerts = 0;        // how many alerts that incident holds
    qint64 firstOnset = 0; // its first alert's onset, seconds since the epoch
    bool operator==(const NeighbourCause&) const = default;
};
