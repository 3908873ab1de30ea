#pragma once
// SilenceClient: silences in one Alertmanager (API v2): create them for an incident's alerts, list them, expire
// them. Requests go through SourceAccess like the poller's (token, tenant header, TLS, path prefix).
//
// Which matchers: one silence per distinct alert, matching all its labels exactly. The labels an incident's
// alerts share are often only `severity` or `env`: a silence on those would mute unrelated services for hours,
// the worst surprise for the next on-call. Exact label sets mute exactly what the engineer saw; an alert that
// joins the incident later still pages, which is what one expects from "silence these alerts".

#include "ingest/sourceaccess.h"
#include "model/alert.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

class SilenceClient : public QObject
{
    Q_OBJECT

public:
    struct Matcher
    {
        QString name;
        QString value;
        bool operator==(const Matcher&) const = default;
    };
    struct Silence
    {
        QString id;
        QList<Matcher> matchers;
        QDateTime startsAt;
        QDateTime endsAt;
        QString createdBy;
        QString comment;
        QString state; // "active", "pending", "expired"
    };

    SilenceClient(const QUrl& baseUrl, const SourceAccess& access, QObject* parent = nullptr);

    // The matcher sets for these alerts: one per distinct label set (see the header comment).
    static QList<QList<Matcher>> matchersFor(const AlertBatch& alerts);
    // The OS user, for createdBy ($USER, else $LOGNAME, else "nightwatch").
    static QString osUser();

    // Each returns a request id (never 0); the answer signal follows later, never from inside the call.
    quint64 create(const QList<Matcher>& matchers, const QDateTime& endsAt, const QString& comment,
                   const QString& createdBy);
    quint64 list();
    quint64 expire(const QString& silenceId);

Q_SIGNALS:
    void created(quint64 requestId, const QString& silenceId, const QString& error);
    void listed(quint64 requestId, const QList<SilenceClient::Silence>& silences, const QString& error);
    void expired(quint64 requestId, const QString& error);

private:
    enum class Kind
    {
        Create,
        List,
        Expire
    };
    quint64 send(Kind kind, QNetworkReply* reply);
    void onFinished(quint64 id, Kind kind, QNetworkReply* reply);

    QUrl m_base;
    SourceAccess m_access;
    QNetworkAccessManager* m_network;
    quint64 m_nextId = 1;
};
Q_DECLARE_METATYPE(SilenceClient::Silence)
