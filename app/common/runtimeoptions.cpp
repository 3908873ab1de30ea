#include "runtimeoptions.h"

#include "graph/servicegraph.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {
const QString demoGraph = u":/demo/blackfriday-graph.json"_s;
const QString demoFeed = u":/demo/blackfriday-feed.json"_s;

bool parseListen(const QString& text, QHostAddress* address, quint16* port)
{
    const int colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (!ok || p > 65535 || !address->setAddress(host == u"localhost" ? u"127.0.0.1"_s : host))
        return false;
    *port = quint16(p);
    return true;
}
} // namespace

RuntimeOptions::RuntimeOptions()
    : demo(u"demo"_s, QCoreApplication::translate(
                          "RuntimeOptions",
                          "Replay the built-in Black-Friday alert storm on the demo graph (fresh demo database).")),
      database(u"db"_s,
               QCoreApplication::translate("RuntimeOptions",
                                           "SQLite database file (default: nightwatch.sqlite in the user's data "
                                           "directory), or a shared team store: "
                                           "postgresql://user[:password]@host[:port]/database."),
               QCoreApplication::translate("RuntimeOptions", "file|url")),
      graph(u"graph"_s,
            QCoreApplication::translate("RuntimeOptions",
                                        "Dependency graph JSON: {\"nodes\":[{\"id\"}],\"edges\":[{\"from\",\"to\"}]}."),
            QCoreApplication::translate("RuntimeOptions", "file")),
      alertmanager(u"alertmanager"_s,
                   QCoreApplication::translate("RuntimeOptions",
                                               "Poll this Alertmanager's API v2 (repeatable, e.g. an HA pair)."),
                   QCoreApplication::translate("RuntimeOptions", "url")),
      pollInterval(u"poll-interval"_s,
                   QCoreApplication::translate("RuntimeOptions", "Seconds between Alertmanager polls (default 15)."),
                   QCoreApplication::translate("RuntimeOptions", "seconds")),
      replay(u"replay"_s,
             QCoreApplication::translate("RuntimeOptions",
                                         "Replay a recorded feed (scenario format) paced by its arrival times."),
             QCoreApplication::translate("RuntimeOptions", "file")),
      listen(
          u"listen"_s,
          QCoreApplication::translate(
              "RuntimeOptions", "Webhook receiver address (default 127.0.0.1:9797). Token: NIGHTWATCH_WEBHOOK_TOKEN."),
          QCoreApplication::translate("RuntimeOptions", "host:port")),
      noWebhook(u"no-webhook"_s, QCoreApplication::translate("RuntimeOptions", "Do not start the webhook receiver.")),
      inhibitRules(u"inhibit-rules"_s,
                   QCoreApplication::translate("RuntimeOptions", "Alertmanager config YAML whose inhibit_rules apply."),
                   QCoreApplication::translate("RuntimeOptions", "file"))
{
}

void RuntimeOptions::addTo(QCommandLineParser& parser) const
{
    parser.addOptions({demo, database, graph, alertmanager, pollInterval, replay, listen, noWebhook, inhibitRules});
}

QString RuntimeOptions::defaultDatabasePath(bool demo)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath(demo ? u"demo.sqlite"_s : u"nightwatch.sqlite"_s);
}

std::optional<ConsoleRuntime::Config> RuntimeOptions::config(const QCommandLineParser& parser, QString* error) const
{
    const QSettings settings;
    const auto value = [&](const QCommandLineOption& option, const QString& key) {
        return parser.isSet(option) ? parser.value(option) : settings.value(key).toString();
    };
    const bool isDemo = parser.isSet(demo);
    ConsoleRuntime::Config config;

    config.databasePath = parser.isSet(database) ? parser.value(database)
                          : isDemo               ? defaultDatabasePath(true)
                                   : settings.value(u"store/database"_s, defaultDatabasePath(false)).toString();
    if (isDemo && !parser.isSet(database)) {
        // The demo replays the same recorded storm shifted to now: yesterday's demo must not pile up in it.
        for (const QString& suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            QFile::remove(config.databasePath + suffix);
    }

    const QString graphFile = isDemo && !parser.isSet(graph) ? demoGraph : value(graph, u"graph/file"_s);
    if (!graphFile.isEmpty()) {
        auto g = ServiceGraph::fromFile(graphFile, error);
        if (!g)
            return std::nullopt;
        config.graph = std::make_shared<const ServiceGraph>(std::move(*g));
    }
    // A settings graph describes production; a replayed recording brings its own (ConsoleRuntime::Config).
    config.graphExplicit = parser.isSet(graph) || isDemo;
    config.inhibitRulesFile = value(inhibitRules, u"correlate/inhibitRulesFile"_s);

    const QStringList urls = parser.isSet(alertmanager) ? parser.values(alertmanager)
                                                        : settings.value(u"sources/alertmanagers"_s).toStringList();
    for (const QString& u : urls) {
        const QUrl url(u, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
            *error = QCoreApplication::translate("RuntimeOptions", "--alertmanager: '%1' is not an http(s) URL").arg(u);
            return std::nullopt;
        }
        config.alertmanagerUrls << url;
    }
    const QString interval = value(pollInterval, u"sources/pollIntervalSeconds"_s);
    if (!interval.isEmpty()) {
        bool ok = false;
        const double seconds = interval.toDouble(&ok);
        if (!ok || seconds < 1 || seconds > 3600) {
            *error =
                QCoreApplication::translate("RuntimeOptions", "--poll-interval: expected 1 to 3600 seconds, got '%1'")
                    .arg(interval);
            return std::nullopt;
        }
        config.pollIntervalMs = int(seconds * 1000);
    }

    config.webhookEnabled = !parser.isSet(noWebhook) && settings.value(u"webhook/enabled"_s, true).toBool();
    const QString listenAt = value(listen, u"webhook/listen"_s);
    if (!listenAt.isEmpty() && !parseListen(listenAt, &config.webhookAddress, &config.webhookPort)) {
        *error = QCoreApplication::translate("RuntimeOptions",
                                             "--listen: expected host:port such as 127.0.0.1:9797, got '%1'")
                     .arg(listenAt);
        return std::nullopt;
    }
    config.webhookToken =
        qEnvironmentVariable("NIGHTWATCH_WEBHOOK_TOKEN", settings.value(u"webhook/token"_s).toString());

    if (isDemo && !parser.isSet(replay)) {
        config.replayFile = demoFeed;
        config.replayFillWithinMs = 4000; // the window fills within seconds, onset order visible as it comes
    } else if (parser.isSet(replay)) {
        config.replayFile = parser.value(replay);
        config.replaySpeed = 60.0; // a recorded minute per second
    }
    return config;
}
