#pragma once
// LabelInterner: makes the equal strings of the alerts a pipeline keeps share one QString. A storm's alerts repeat
// the same few label values (service, severity, namespace, job), annotation texts and generator URLs thousands of
// times, and every parsed or stored alert brings its own copy of each; the open alerts live in the correlator, the
// incidents, the snapshots and the store's cache of known alerts for as long as they fire. Interning each batch
// once, before anything else keeps it, makes all of those share the one string. Label names are interned too, in place
// (a LabelSet's names can be replaced without reordering it).
//
// Only a string met twice is kept: the first time only a small tag of its hash is noted. One-off values (pod names,
// instance addresses, an alert name each in a big body) would otherwise fill the table and make it start over, over
// and over: a 100,000-alert body of distinct alert names did it once and a half per body, each time dropping what the
// storm's repeated values had shared. The price is one unshared copy of each repeated string, its first. Bounded: the
// table still starts over when full, so a flood of values met twice cannot grow it either; the strings interned until
// then stay shared.
// Thread-safe: the pipeline interns on its thread while a big delivery is interned ahead of its chunks on another
// (ChunkAhead). One lock per call: uncontended but for those moments.

#include "model/alert.h"

#include <QMutex>
#include <QSet>
#include <QString>

#include <vector>

class LabelInterner
{
public:
    explicit LabelInterner(qsizetype capacity = 65'536);

    void intern(Alert& alert);
    void intern(AlertBatch& batch);
    // The one shared instance equal to s: s itself the first two times it is met (the second time it becomes that
    // instance), then the second one's.
    QString intern(const QString& s);
    // Strings kept (met at least twice since the table last started over).
    qsizetype size() const;

private:
    // Under m_mutex.
    QString internLocked(const QString& s);
    void internLocked(Alert& alert);
    bool isInterned(const QString& s) const;
    bool metBefore(const QString& s);
    void internSet(LabelSet& set);

    mutable QMutex m_mutex;
    QSet<QString> m_strings;
    qsizetype m_capacity;
    // Strings met once, as a tag of their hash in a bucket chosen by its low bits: a string whose bucket holds its
    // tag was (most likely) met before. A wrong "yes" keeps a one-off value; a lost tag costs a repeated string one
    // more unshared copy.
    std::vector<quint32> m_metOnce;
};
