#pragma once
// AlertObjectCache: the alerts a parser read lately, by the exact bytes of the JSON object they came from.
// Alertmanager re-sends every alert of a group unchanged each group_interval, so in a storm most alert
// objects are byte-for-byte repeats: their Alert is copied from here instead of being parsed again. Keyed by
// the bytes themselves (not a digest of them), so a changed object can never be mistaken for a repeat.
//
// Bounded: two generations of at most generationSize objects each; a hit in the older one moves the object
// into the newer, so what keeps repeating stays and one-off objects (a resolve's new endsAt) age out.
// Not thread-safe: one per thread.

#include "model/alert.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

class AlertObjectCache
{
public:
    explicit AlertObjectCache(qsizetype generationSize = 4096);

    // The alert read from exactly these bytes (receivedAt and source as they were stored), or nullptr. The
    // pointer is valid until the next insert().
    const Alert* find(QByteArrayView object);
    void insert(QByteArrayView object, const Alert& alert);
    // How many objects it holds at most (both generations).
    qsizetype capacity() const { return 2 * m_generationSize; }

private:
    qsizetype m_generationSize;
    QHash<QByteArray, Alert> m_current;
    QHash<QByteArray, Alert> m_previous;
};
