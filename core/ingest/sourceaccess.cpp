#include "sourceaccess.h"

#include "secrets/secretref.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringList>
#include <QSslCertificate>
#include <QSslKey>

#include <cctype>

using namespace Qt::StringLiterals;

namespace {

bool readFile(const QString& path, QByteArray* out, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    *out = file.readAll();
    return true;
}

} // namespace

bool SourceAccess::loadFiles(QString* error)
{
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!caFile.isEmpty()) {
        QByteArray pem;
        if (!readFile(caFile, &pem, error))
            return false;
        const QList<QSslCertificate> cas = QSslCertificate::fromData(pem, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = u"%1 holds no PEM certificate"_s.arg(caFile);
            return false;
        }
        m_ssl.setCaCertificates(cas); // pinned: the system's CAs no longer vouch for this source
    }
    if (clientCertFile.isEmpty() != clientKeyFile.isEmpty()) {
        *error = u"a client certificate needs both the certificate and the key file"_s;
        return false;
    }
    if (!clientCertFile.isEmpty()) {
        QByteArray certPem;
        QByteArray keyPem;
        if (!readFile(clientCertFile, &certPem, error) || !readFile(clientKeyFile, &keyPem, error))
            return false;
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (chain.isEmpty()) {
            *error = u"%1 holds no PEM certificate"_s.arg(clientCertFile);
            return false;
        }
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (key.isNull()) {
            *error = u"%1 holds no unencrypted PEM RSA or EC key"_s.arg(clientKeyFile);
            return false;
        }
        m_ssl.setLocalCertificateChain(chain);
        m_ssl.setPrivateKey(key);
    }
    return true;
}

QString SourceAccess::refusalFor(const QUrl& url) const
{
    return hasCredentials() ? SecretRef::plainHttpRefusal(url) : QString();
}

QNetworkRequest SourceAccess::request(const QUrl& url) const
{
    QNetworkRequest request(url);
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    if (refusalFor(url).isEmpty()) {
        if (!bearerToken.isEmpty())
            request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + bearerToken.toUtf8());
        else if (!basicUser.isEmpty())
            request.setRawHeader(QByteArrayLiteral("Authorization"),
                                 "Basic " + (basicUser + u':' + basicPassword).toUtf8().toBase64());
    }
    if (url.scheme() == u"https")
        request.setSslConfiguration(m_ssl);
    return request;
}

QString SourceAccess::describe(const QUrl& url) const
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("SourceAccess", text); };
    QStringList parts;
    if (url.scheme() == u"https")
        parts << (caFile.isEmpty() ? tr("TLS") : tr("TLS (own CA)"));
    else
        parts << tr("plain HTTP");
    if (!clientCertFile.isEmpty())
        parts << tr("client certificate");
    if (hasCredentials() && !refusalFor(url).isEmpty())
        parts << tr("credentials withheld (plain HTTP)"); // what request() does: better a 401 than a leak
    else if (!bearerToken.isEmpty())
        parts << tr("bearer");
    else if (!basicUser.isEmpty())
        parts << tr("basic auth as %1").arg(basicUser);
    for (const auto& [name, value] : headers) {
        // The tenant names whose data is shown, which is worth seeing; any other header may carry a key.
        if (name.compare("X-Scope-OrgID", Qt::CaseInsensitive) == 0)
            parts << QString::fromLatin1(name) + u' ' + QString::fromUtf8(value);
        else
            parts << QString::fromLatin1(name);
    }
    return parts.join(u" · "_s);
}

QUrl SourceAccess::join(const QUrl& base, const QString& apiPath)
{
    QUrl url = base;
    QString path = base.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + apiPath);
    return url;
}

bool SourceAccess::parseHeader(const QString& text, std::pair<QByteArray, QByteArray>* out)
{
    const int colon = text.indexOf(u':');
    if (colon <= 0 || text.contains(u'\r') || text.contains(u'\n'))
        return false;
    const QByteArray name = text.left(colon).trimmed().toLatin1();
    for (const char c : name) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    }
    *out = {name, text.mid(colon + 1).trimmed().toUtf8()};
    return !name.isEmpty();
}
