#pragma once
// A real Prometheus (Debian's /usr/bin/prometheus) for tests, serving a TSDB the test built with promtool from
// an OpenMetrics file: no scrape targets, on a free 127.0.0.1 port, killed when the object goes away.

#include "alertmanagerprocess.h" // freePort()

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

namespace testsupport {

inline const QString prometheusBinary = QStringLiteral("/usr/bin/prometheus");
inline const QString promtoolBinary = QStringLiteral("/usr/bin/promtool");

inline bool writeTestFile(const QString& path, const QByteArray& contents, QString* error)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(contents) == contents.size())
        return true;
    *error = QStringLiteral("cannot write ") + path;
    return false;
}

struct PrometheusProcess
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<QProcess> process;
    quint16 port = 0;

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }
    QString dataDir() const { return dir->filePath(QStringLiteral("data")); }
    qint64 pid() const { return process ? process->processId() : 0; }

    ~PrometheusProcess() { stop(); }

    void stop()
    {
        if (process && process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }

    // Step 1: `promtool tsdb create-blocks-from openmetrics` turns the text into blocks under dataDir().
    bool createBlocks(const QByteArray& openMetrics, QString* error)
    {
        dir = std::make_unique<QTemporaryDir>();
        const QString input = dir->filePath(QStringLiteral("series.om"));
        if (!writeTestFile(input, openMetrics, error))
            return false;
        QProcess promtool;
        promtool.setProcessChannelMode(QProcess::MergedChannels);
        promtool.start(promtoolBinary, {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"),
                                        QStringLiteral("openmetrics"), input, dataDir()});
        if (!promtool.waitForFinished(120'000) || promtool.exitStatus() != QProcess::NormalExit ||
            promtool.exitCode() != 0) {
            *error = QStringLiteral("promtool failed: ") + promtool.errorString() + u' ' +
                     QString::fromUtf8(promtool.readAll());
            return false;
        }
        return true;
    }

    // Step 2: Prometheus over those blocks. The retention is long because the data is in the past and
    // Prometheus would otherwise drop it at start. Ready means /-/ready answers 200 (up to 30 s).
    bool start(QNetworkAccessManager& nam, QString* error, bool scrapeItself = false)
    {
        if (!dir)
            dir = std::make_unique<QTemporaryDir>();
        port = freePort();
        // Scraping itself every second gives live, real series (up{job="self"}) without any data file.
        const QByteArray config = scrapeItself ? "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n"
                                                 "    static_configs:\n      - targets: ['127.0.0.1:" +
                                                     QByteArray::number(port) + "']\n"
                                               : QByteArrayLiteral("global:\n  scrape_interval: 15s\n");
        const QString configPath = dir->filePath(QStringLiteral("prometheus.yml"));
        if (!writeTestFile(configPath, config, error))
            return false;
        process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::MergedChannels);
        process->start(prometheusBinary, {QStringLiteral("--config.file=") + configPath,
                                          QStringLiteral("--storage.tsdb.path=") + dataDir(),
                                          QStringLiteral("--storage.tsdb.retention.time=10y"),
                                          QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port)});
        if (!process->waitForStarted(10'000)) {
            *error = process->errorString();
            return false;
        }
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 30'000) {
            QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(url().toString() + QStringLiteral("/-/ready"))));
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(2000);
            const bool ready = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
            reply->deleteLater();
            if (ready)
                return true;
            if (process->state() == QProcess::NotRunning)
                break;
            QTest::qWait(200);
        }
        *error = QStringLiteral("Prometheus not ready: ") + QString::fromUtf8(process->readAll());
        return false;
    }
};

} // namespace testsupport
