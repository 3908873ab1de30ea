#pragma once
// NotificationRowReader: the alerts of every notification read (columns 0-8 in this order: fingerprint, status,
// starts_at, ends_at, received_at, source, labels, annotations, generator_url). A storm repeats one alert
// thousands of times, so each fingerprint's label documents are decoded once per read.

#include "labeljson.h"
#include "model/alert.h"
#include "sqlvalues.h"

#include <QHash>

class NotificationRowReader
{
public:
    template <typename Row> // QSqlQuery or SqlStatement: anything with value(int)
    Alert read(const Row& row)
    {
        using namespace Qt::StringLiterals;
        Alert a;
        a.fingerprint = row.value(0).toString();
        a.status = row.value(1).toString() == u"resolved"_s ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = SqlValues::timeOf(row.value(2));
        a.endsAt = SqlValues::timeOf(row.value(3));
        a.receivedAt = SqlValues::timeOf(row.value(4));
        a.source = row.value(5).toString();
        auto it = m_decoded.find(a.fingerprint);
        if (it == m_decoded.end())
            it = m_decoded.insert(a.fingerprint, Decoded{LabelJson::decodeLabels(row.value(6).toString()),
                                                         LabelJson::decodeLabels(row.value(7).toString()),
                                                         row.value(8).toString()});
        a.labels = it->labels;
        a.annotations = it->annotations;
        a.generatorUrl = it->generatorUrl;
        return a;
    }

private:
    struct Decoded
    {
        LabelSet labels;
        LabelSet annotations;
        QString generatorUrl;
    };
    QHash<QString, Decoded> m_decoded;
};
