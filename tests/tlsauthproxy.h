#pragma once
// A small TLS + auth reverse proxy for tests, in front of a real Alertmanager or Prometheus on loopback, the way
// companies deploy them: HTTPS with a certificate from a private CA, optionally a required client certificate
// (mTLS), a required Authorization header, a required tenant header (Mimir/Cortex X-Scope-OrgID), and a path
// prefix that is stripped before forwarding (Grafana's /api/alertmanager/grafana). A request failing a check is
// answered 401 (auth, tenant) or 404 (prefix) like those gateways do. TestCertificates makes the CA, the server
// certificate for 127.0.0.1 and a client certificate with the openssl command-line tool.

#include <QFile>
#include <QHostAddress>
#include <QPointer>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace testsupport {

struct TestCertificates
{
    std::unique_ptr<QTemporaryDir> dir;

    QString path(const QString& name) const { return dir->filePath(name); }
    QString caCert() const { return path(QStringLiteral("ca.crt")); }
    QString otherCaCert() const { return path(QStringLiteral("other-ca.crt")); } // signs nothing we serve
    QString serverCert() const { return path(QStringLiteral("server.crt")); }
    QString serverKey() const { return path(QStringLiteral("server.key")); }
    QString clientCert() const { return path(QStringLiteral("client.crt")); }
    QString clientKey() const { return path(QStringLiteral("client.key")); }

    bool make(QString* error)
    {
        dir = std::make_unique<QTemporaryDir>();
        const auto openssl = [&](const QStringList& args) {
            QProcess p;
            p.setWorkingDirectory(dir->path());
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral("openssl"), args);
            if (!p.waitForFinished(60'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
                *error = QStringLiteral("openssl %1: %2").arg(args.join(u' '), QString::fromUtf8(p.readAll()));
                return false;
            }
            return true;
        };
        const auto makeCa = [&](const QString& name) {
            return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                            QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                            QStringLiteral("-nodes"), QStringLiteral("-keyout"), name + QStringLiteral(".key"),
                            QStringLiteral("-out"), name + QStringLiteral(".crt"), QStringLiteral("-days"),
                            QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                            QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                            QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
        };
        const auto makeLeaf = [&](const QString& name, const QByteArray& extensions) {
            QFile ext(path(name + QStringLiteral(".ext")));
            if (!ext.open(QIODevice::WriteOnly) || ext.write(extensions) != extensions.size()) {
                *error = QStringLiteral("cannot write ") + ext.fileName();
                return false;
            }
            ext.close();
            return openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                            QStringLiteral("-nodes"), QStringLiteral("-keyout"), name + QStringLiteral(".key"),
                            QStringLiteral("-out"), name + QStringLiteral(".csr"), QStringLiteral("-subj"),
                            QStringLiteral("/CN=") + name}) &&
                   openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                            name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                            QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
                            QStringLiteral("-out"), name + QStringLiteral(".crt"), QStringLiteral("-days"),
                            QStringLiteral("2"), QStringLiteral("-extfile"), name + QStringLiteral(".ext")});
        };
        return makeCa(QStringLiteral("ca")) && makeCa(QStringLiteral("other-ca")) &&
               makeLeaf(QStringLiteral("server"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n") &&
               makeLeaf(QStringLiteral("client"), "extendedKeyUsage=clientAuth\n");
    }
};

class TlsAuthProxy : public QObject
{
public:
    QUrl upstream;                    // http://127.0.0.1:port of the real server
    QByteArray requiredAuthorization; // empty: none asked
    QByteArray requiredTenant;        // empty: none asked
    QString prefix;                   // requests must start with it; stripped before forwarding
    QList<QByteArray> tenantsSeen;    // X-Scope-OrgID of every request that reached the checks

    bool start(const TestCertificates& certs, bool requireClientCert, QString* error)
    {
        QFile certFile(certs.serverCert());
        QFile keyFile(certs.serverKey());
        QFile caFile(certs.caCert());
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly) ||
            !caFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the test certificates");
            return false;
        }
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(QSslCertificate(certFile.readAll(), QSsl::Pem));
        ssl.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem));
        ssl.setCaCertificates(QSslCertificate::fromData(caFile.readAll(), QSsl::Pem));
        ssl.setPeerVerifyMode(requireClientCert ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
        m_server.setSslConfiguration(ssl);
        connect(&m_server, &QSslServer::pendingConnectionAvailable, this, [this] {
            while (auto* socket = static_cast<QSslSocket*>(m_server.nextPendingConnection()))
                serve(socket);
        });
        if (!m_server.listen(QHostAddress::LocalHost, 0)) {
            *error = m_server.errorString();
            return false;
        }
        return true;
    }

    QUrl url(const QString& path = {}) const
    {
        return QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }

private:
    void serve(QSslSocket* client)
    {
        connect(client, &QSslSocket::disconnected, client, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        connect(client, &QSslSocket::readyRead, client, [this, client, buffer] {
            buffer->append(client->readAll());
            const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QList<QByteArray> lines = buffer->left(headEnd).split('\n');
            qsizetype contentLength = 0;
            QByteArray authorization;
            QByteArray tenant;
            QByteArray forwardedHeaders;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length")
                    contentLength = value.toLongLong();
                if (name == "authorization")
                    authorization = value;
                if (name == "x-scope-orgid")
                    tenant = value;
                if (name != "host" && name != "connection" && name != "authorization")
                    forwardedHeaders += line + "\r\n";
            }
            if (buffer->size() < headEnd + 4 + contentLength)
                return; // the body is still coming
            disconnect(client, &QSslSocket::readyRead, client, nullptr);
            const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
            const QByteArray body = buffer->mid(headEnd + 4, contentLength);
            tenantsSeen.append(tenant);
            if (requestLine.size() != 3)
                return answer(client, "400 Bad Request");
            if (!requiredAuthorization.isEmpty() && authorization != requiredAuthorization)
                return answer(client, "401 Unauthorized");
            if (!requiredTenant.isEmpty() && tenant != requiredTenant)
                return answer(client, "401 Unauthorized"); // Mimir: "no org id"
            QByteArray target = requestLine.at(1);
            if (!target.startsWith(prefix.toUtf8() + '/'))
                return answer(client, "404 Not Found");
            target = target.mid(prefix.toUtf8().size());
            auto* up = new QTcpSocket(client);
            connect(up, &QTcpSocket::connected, up, [this, up, requestLine, target, forwardedHeaders, body] {
                up->write(requestLine.at(0) + ' ' + target + " HTTP/1.1\r\nHost: " + upstream.authority().toUtf8() +
                          "\r\nConnection: close\r\n" + forwardedHeaders + "\r\n" + body);
            });
            connect(up, &QTcpSocket::readyRead, client, [up, client] { client->write(up->readAll()); });
            connect(up, &QTcpSocket::disconnected, client, [up, client] {
                client->write(up->readAll());
                client->disconnectFromHost();
            });
            // A dead upstream is a 502, as nginx or Grafana's proxy would answer, not a hanging request.
            connect(up, &QTcpSocket::errorOccurred, client, [up, client](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::ConnectionRefusedError && up->bytesToWrite() == 0)
                    answer(client, "502 Bad Gateway");
            });
            up->connectToHost(QHostAddress::LocalHost, quint16(upstream.port()));
        });
    }

    static void answer(QSslSocket* client, const QByteArray& status)
    {
        client->write("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        client->disconnectFromHost();
    }

    QSslServer m_server;
};

} // namespace testsupport
