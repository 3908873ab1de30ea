#pragma once
// A real Alertmanager (Debian's prometheus-alertmanager) for tests: started on a free 127.0.0.1 port
// with clustering off, in a temporary directory, killed when the object goes away.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

namespace testsupport {

inline const QString alertmanagerBinary = QStringLiteral("/usr/bin/prometheus-alertmanager");

inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct AlertmanagerProcess
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<QProcess> process;
    quint16 port = 0;

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }

    ~AlertmanagerProcess() { stop(); }

    void stop()
    {
        if (process && process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }

    // config: alertmanager.yml contents. Ready means /-/ready answers 200 (up to 30 s).
    bool start(const QByteArray& config, QNetworkAccessManager& nam, QString* error)
    {
        dir = std::make_unique<QTemporaryDir>();
        const QString configPath = dir->filePath(QStringLiteral("alertmanager.yml"));
        QFile file(configPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size()) {
            *error = QStringLiteral("cannot write ") + configPath;
            return false;
        }
        file.close();
        QDir(dir->path()).mkpath(QStringLiteral("data"));
        port = freePort();
        process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::MergedChannels);
        process->start(alertmanagerBinary, {QStringLiteral("--config.file=") + configPath,
                                            QStringLiteral("--storage.path=") + dir->filePath(QStringLiteral("data")),
                                            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                                            QStringLiteral("--cluster.listen-address=")});
        if (!process->waitForStarted(10'000)) {
            *error = process->errorString();
            return false;
        }
        for (int attempt = 0; attempt < 150; ++attempt) {
            QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(url().toString() + QStringLiteral("/-/ready"))));
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(2000);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->deleteLater();
            if (status == 200)
                return true;
            if (process->state() == QProcess::NotRunning) {
                *error = QString::fromUtf8(process->readAll());
                return false;
            }
            QTest::qWait(200);
        }
        *error = QStringLiteral("not ready after 30 s: ") + QString::fromUtf8(process->readAll());
        return false;
    }

    // POST /api/v2/alerts; true on 200.
    bool postAlerts(const QJsonArray& alerts, QNetworkAccessManager& nam) const
    {
        QNetworkRequest request(QUrl(url().toString() + QStringLiteral("/api/v2/alerts")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply* reply = nam.post(request, QJsonDocument(alerts).toJson(QJsonDocument::Compact));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(10'000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200)
            qWarning() << "POST alerts answered" << status << reply->readAll();
        reply->deleteLater();
        return status == 200;
    }
};

} // namespace testsupport
