#pragma once
// LabelInterner: makes the equal strings of the alerts a pipeline keeps share one QString. A storm's alerts repeat
// the same few label values (service, severity, namespace, job), annotation texts and generator URLs thousands of
// times, and every parsed or stored alert brings its own copy of each; the open alerts live in the correlator, the
// incidents, the snapshots and the store's cache of known alerts for as long as they fire. Interning each batch
// once, before anything else keeps it, makes all of those share the one string. Label names are interned too, in place
// (a LabelSet's names can be replaced without reordering it). Bounded: the table starts over when full, so one-off
// values (pod names, hashes) cannot grow it; the strings interned until then stay shared.
// Not thread-safe: one per pipeline, used on its thread.

#include "model/alert.h"

#include <QSet>
#include <QString>

class LabelInterner
{
public:
    explicit LabelInterner(qsizetype capacity = 65'536);

    void intern(Alert& alert);
    void intern(AlertBatch& batch);
    // The one shared instance equal to s (s itself the first time).
    QString intern(const QString& s);
    qsizetype size() const { return m_strings.size(); }

private:
    bool isInterned(const QString& s) const;
    void internSet(LabelSet& set);

    QSet<QString> m_strings;
    qsizetype m_capacity;
};
