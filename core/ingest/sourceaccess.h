#pragma once
// SourceAccess: how to reach an Alertmanager or a Prometheus as companies deploy them: behind a bearer token
// (Grafana service account) or basic auth, with a tenant header (Mimir/Cortex X-Scope-OrgID), over TLS signed by
// a private CA, with a client certificate (mTLS). A path prefix is the base URL's path
// (https://grafana/api/alertmanager/grafana, https://mimir/alertmanager, https://proxy/prometheus): join() keeps it.
// The poller and the Prometheus client build every request through request(), so nothing is attached twice or
// forgotten. Secrets arrive already resolved (see SecretRef): this type never reads settings.

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <utility>

struct SourceAccess
{
    QString bearerToken;
    QString basicUser;
    QString basicPassword;
    QList<std::pair<QByteArray, QByteArray>> headers; // e.g. {"X-Scope-OrgID", "team-a"}
    QString caFile;                                   // PEM: trust only these CAs instead of the system's
    QString clientCertFile;                           // PEM, with clientKeyFile: mTLS
    QString clientKeyFile;

    bool hasCredentials() const { return !bearerToken.isEmpty() || !basicUser.isEmpty(); }

    // Reads the CA and client certificate files; false with a one-line reason. Call once before request().
    bool loadFiles(QString* error);

    // Why these credentials must not go to url (plain http to a host other than loopback), else empty.
    QString refusalFor(const QUrl& url) const;

    // A GET request for url with the headers, credentials and TLS settings. Credentials are left out when
    // refusalFor(url) says so: the server then answers 401 rather than a secret crossing the network in clear.
    QNetworkRequest request(const QUrl& url) const;

    // How url is reached, for people: TLS and whose CA, client certificate, bearer or basic auth (the user, never
    // the secret), the tenant header with its value, other headers by name only (their values may be keys).
    QString describe(const QUrl& url) const;

    // base's path (the prefix) + apiPath, e.g. https://h/api/alertmanager/grafana + /api/v2/alerts.
    static QUrl join(const QUrl& base, const QString& apiPath);

    // "Name: value" -> pair; false for a malformed header or one that would smuggle a line break.
    static bool parseHeader(const QString& text, std::pair<QByteArray, QByteArray>* out);

private:
    QSslConfiguration m_ssl = QSslConfiguration::defaultConfiguration();
};
