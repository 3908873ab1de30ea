#pragma once
// Alert: one normalised alert notification, whatever feed delivered it. The value every stage passes on.

#include "labelset.h" // sorted by name, as Alertmanager sorts label sets

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QVector>

struct Alert
{
    enum class Status { Firing, Resolved };

    QString fingerprint; // from the source when given, else fingerprintOf(labels)
    LabelSet labels;
    LabelSet annotations;
    Status status = Status::Firing;
    QDateTime startsAt;   // UTC
    QDateTime endsAt;     // UTC; invalid while firing with no end known
    QDateTime receivedAt; // UTC; when the feed delivered this notification
    QString source;       // which feed: "alertmanager-poll:URL", "webhook:alertmanager", "replay:FILE", ...
    QString generatorUrl;
    qint64 storedId = 0; // the store's notification id when read back from it (arrival order); 0 otherwise

    QString service() const { return labels.value(QStringLiteral("service")); }
    QString alertName() const { return labels.value(QStringLiteral("alertname")); }
    QString severity() const { return labels.value(QStringLiteral("severity")); }
    bool isFiring() const { return status == Status::Firing; }

    // A stable 16-hex-digit hash of the sorted label set; used when a feed gives no fingerprint.
    static QString fingerprintOf(const LabelSet& labels);
};

using AlertBatch = QVector<Alert>;

// Every member is an implicitly shared Qt handle or a plain value, so a vector of alerts may grow by moving bytes:
// most of a storm's correlate time went to moving and destroying alerts as their group vectors grew.
Q_DECLARE_TYPEINFO(Alert, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(Alert)
Q_DECLARE_METATYPE(AlertBatch)
