#include "silenceclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 MaxAnswerBytes = 16 * 1024 * 1024; // a list of silences, not a dump

QString httpError(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString body = QString::fromUtf8(reply->read(300)).trimmed(); // Alertmanager says why in the body
    if (status == 0)
        return reply->errorString();
    return u"HTTP %1: %2"_s.arg(status).arg(body.isEmpty() ? reply->errorString() : body);
}

} // namespace

SilenceClient::SilenceClient(const QUrl& baseUrl, const SourceAccess& access, QObject* parent)
    : QObject(parent), m_base(baseUrl), m_access(access), m_network(new QNetworkAccessManager(this))
{
}

QList<QList<SilenceClient::Matcher>> SilenceClient::matchersFor(const AlertBatch& alerts)
{
    QList<QList<Matcher>> out;
    QSet<QString> seen;
    for (const Alert& a : alerts) {
        if (a.labels.isEmpty() || seen.contains(Alert::fingerprintOf(a.labels)))
            continue; // an alert with no labels cannot be matched without matching everything
        seen.insert(Alert::fingerprintOf(a.labels));
        QList<Matcher> matchers;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            matchers.append({it.key(), it.value()});
        out.append(matchers);
    }
    return out;
}

QString SilenceClient::osUser()
{
    for (const char* name : {"USER", "LOGNAME"}) {
        if (const QString user = qEnvironmentVariable(name); !user.isEmpty())
            return user;
    }
    return u"nightwatch"_s;
}

quint64 SilenceClient::create(const QList<Matcher>& matchers, const QDateTime& endsAt, const QString& comment,
                              const QString& createdBy)
{
    QJsonArray m;
    for (const Matcher& matcher : matchers)
        m.append(QJsonObject{
            {u"name"_s, matcher.name}, {u"value"_s, matcher.value}, {u"isRegex"_s, false}, {u"isEqual"_s, true}});
    const QJsonObject body{{u"matchers"_s, m},
                           {u"startsAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                           {u"endsAt"_s, endsAt.toUTC().toString(Qt::ISODateWithMs)},
                           {u"createdBy"_s, createdBy},
                           {u"comment"_s, comment}};
    QNetworkRequest request = m_access.request(SourceAccess::join(m_base, u"/api/v2/silences"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    return send(Kind::Create, m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
}

quint64 SilenceClient::list()
{
    return send(Kind::List, m_network->get(m_access.request(SourceAccess::join(m_base, u"/api/v2/silences"_s))));
}

quint64 SilenceClient::expire(const QString& silenceId)
{
    // The id goes into the path: only Alertmanager's UUID form is accepted, nothing that could change the path.
    const QString safeId = silenceId.toLower();
    const bool uuidLike = !safeId.isEmpty() && std::all_of(safeId.cbegin(), safeId.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || c == u'-';
    });
    const QUrl url = SourceAccess::join(m_base, u"/api/v2/silence/"_s + (uuidLike ? safeId : u"invalid"_s));
    const quint64 id = send(Kind::Expire, m_network->deleteResource(m_access.request(url)));
    return id;
}

quint64 SilenceClient::send(Kind kind, QNetworkReply* reply)
{
    const quint64 id = m_nextId++;
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > MaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, id, kind, reply] { onFinished(id, kind, reply); });
    return id;
}

void SilenceClient::onFinished(quint64 id, Kind kind, QNetworkReply* reply)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool ok = reply->error() == QNetworkReply::NoError && status >= 200 && status < 300;
    const QString error = ok ? QString() : httpError(reply);
    switch (kind) {
    case Kind::Create: {
        const QString silenceId =
            ok ? QJsonDocument::fromJson(reply->readAll()).object().value(u"silenceID"_s).toString() : QString();
        Q_EMIT created(id, silenceId, ok && silenceId.isEmpty() ? u"no silenceID in the answer"_s : error);
        break;
    }
    case Kind::List: {
        QList<Silence> silences;
        QJsonParseError parseError;
        const QJsonDocument doc = ok ? QJsonDocument::fromJson(reply->readAll(), &parseError) : QJsonDocument();
        if (ok && !doc.isArray()) {
            Q_EMIT listed(id, {}, u"bad answer: "_s + parseError.errorString());
            break;
        }
        for (const QJsonValue& v : doc.array()) {
            const QJsonObject o = v.toObject();
            Silence s;
            s.id = o.value(u"id"_s).toString();
            for (const QJsonValue& m : o.value(u"matchers"_s).toArray())
                s.matchers.append({m[u"name"_s].toString(), m[u"value"_s].toString()});
            s.startsAt = QDateTime::fromString(o.value(u"startsAt"_s).toString(), Qt::ISODateWithMs);
            s.endsAt = QDateTime::fromString(o.value(u"endsAt"_s).toString(), Qt::ISODateWithMs);
            s.createdBy = o.value(u"createdBy"_s).toString();
            s.comment = o.value(u"comment"_s).toString();
            s.state = o.value(u"status"_s).toObject().value(u"state"_s).toString();
            silences.append(s);
        }
        Q_EMIT listed(id, silences, error);
        break;
    }
    case Kind::Expire:
        Q_EMIT expired(id, error);
        break;
    }
}
