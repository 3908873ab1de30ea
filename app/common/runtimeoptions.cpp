#include "runtimeoptions.h"

#include "graph/servicegraph.h"
#include "ingest/genericjsonmapping.h"
#include "ingest/sourceaccessspec.h"
#include "secrets/secretref.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>

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

// Command line first, else the settings group (sources/alertmanager, metrics/prometheus).
std::optional<SourceAccess> accessFrom(const QCommandLineParser& parser, const QSettings& settings,
                                       const RuntimeOptions::AccessOptions& o, const QString& group, QString* error)
{
    const auto value = [&](const QCommandLineOption& option, const QString& key) {
        return parser.isSet(option) ? parser.value(option) : settings.value(group + u'/' + key).toString();
    };
    SourceAccessSpec spec;
    spec.token = value(o.token, u"token"_s);
    spec.user = value(o.user, u"user"_s);
    spec.password = value(o.password, u"password"_s);
    spec.headers =
        parser.isSet(o.header) ? parser.values(o.header) : settings.value(group + u"/headers"_s).toStringList();
    spec.caFile = value(o.ca, u"ca"_s);
    spec.certFile = value(o.cert, u"cert"_s);
    spec.keyFile = value(o.key, u"key"_s);
    return spec.resolve(o.source, u"NIGHTWATCH_%1_TOKEN"_s.arg(o.source.toUpper()), error);
}

// An http(s) URL with a host, no credentials in it, and none of `access`'s sent over plain http off loopback.
bool checkedUrl(const QString& option, const QString& accessOption, const QString& text, const SourceAccess& access,
                QUrl* out, QString* error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        *error = u"--%1: '%2' is not an http(s) URL"_s.arg(option, text);
        return false;
    }
    if (!url.userInfo().isEmpty()) {
        *error = u"--%1: credentials in the URL would be shown and stored; use --%2-user and --%2-password"_s.arg(
            option, accessOption);
        return false;
    }
    if (const QString refusal = access.refusalFor(url); !refusal.isEmpty()) {
        *error = u"--%1: %2"_s.arg(option, refusal);
        return false;
    }
    *out = url;
    return true;
}

// One kind of source: its URLs (command line, else urlsKey) and how to reach them (accessFrom).
bool readSource(const QCommandLineParser& parser, const QSettings& settings, const QCommandLineOption& urlOption,
                const RuntimeOptions::AccessOptions& accessOptions, const QString& urlsKey, const QString& group,
                QList<QUrl>* urls, SourceAccess* access, QString* error)
{
    const auto resolved = accessFrom(parser, settings, accessOptions, group, error);
    if (!resolved)
        return false;
    *access = *resolved;
    const QString option = accessOptions.source;
    const QStringList texts =
        parser.isSet(urlOption) ? parser.values(urlOption) : settings.value(urlsKey).toStringList();
    for (const QString& u : texts) {
        QUrl url;
        if (!checkedUrl(option, accessOptions.source, u, *access, &url, error))
            return false;
        *urls << url;
    }
    return true;
}

// "3600", "90m", "1h", "2d" -> seconds; 0 when malformed.
int durationSeconds(const QString& text)
{
    static const QHash<QChar, int> unit{{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}};
    const QString t = text.trimmed();
    const int factor = t.isEmpty() ? 0 : unit.value(t.back(), 0);
    bool ok = false;
    const qint64 n = (factor ? t.chopped(1) : t).toLongLong(&ok);
    return ok && n > 0 && n * qMax(1, factor) <= 30ll * 86400 ? int(n * qMax(1, factor)) : 0;
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
      insecureListen(u"insecure-listen"_s,
                     QCoreApplication::translate("RuntimeOptions",
                                                 "Allow --listen on a non-loopback address without a token.")),
      inhibitRules(u"inhibit-rules"_s,
                   QCoreApplication::translate("RuntimeOptions", "Alertmanager config YAML whose inhibit_rules apply."),
                   QCoreApplication::translate("RuntimeOptions", "file")),
      genericMapping(u"generic-mapping"_s,
                     QCoreApplication::translate(
                         "RuntimeOptions",
                         "JSON pointers (YAML or JSON file) for POST /api/v1/alerts/generic. PagerDuty webhook "
                         "secret: NIGHTWATCH_PAGERDUTY_SECRET."),
                     QCoreApplication::translate("RuntimeOptions", "file")),
      // Context "main": the option was the GUI's own and its translations are kept.
      prometheus(
          u"prometheus"_s,
          QCoreApplication::translate("main", "Prometheus base URL for the metrics beside an incident (repeatable)."),
          QCoreApplication::translate("main", "url")),
      discoverGraph(u"discover-graph"_s,
                    QCoreApplication::translate("RuntimeOptions",
                                                "Discover the dependency graph from this Prometheus' service-graph "
                                                "metrics (Tempo, Istio), merged with --graph; access as --prometheus-*."),
                    QCoreApplication::translate("RuntimeOptions", "url")),
      discoverInterval(u"discover-interval"_s,
                       QCoreApplication::translate("RuntimeOptions",
                                                   "Seconds between graph discoveries (default 300)."),
                       QCoreApplication::translate("RuntimeOptions", "seconds")),
      discoverWindow(u"discover-window"_s,
                     QCoreApplication::translate(
                         "RuntimeOptions", "Calls within this window make a discovered edge, e.g. 1h or 30m (default 1h)."),
                     QCoreApplication::translate("RuntimeOptions", "duration"))
{
}

RuntimeOptions::AccessOptions::AccessOptions(const QString& source)
    : source(source),
      token(source + u"-token"_s,
            u"Bearer token for %1, as env:VARIABLE or keyring:NAME (default: $NIGHTWATCH_%2_TOKEN)."_s.arg(
                source, source.toUpper()),
            u"ref"_s),
      user(source + u"-user"_s, u"Basic auth user for %1."_s.arg(source), u"name"_s),
      password(source + u"-password"_s, u"Basic auth password for %1, as env:VARIABLE or keyring:NAME."_s.arg(source),
               u"ref"_s),
      header(source + u"-header"_s, u"Extra header for %1, e.g. 'X-Scope-OrgID: team-a' (repeatable)."_s.arg(source),
             u"header"_s),
      ca(source + u"-ca"_s, u"PEM file of the CA(s) that sign %1's certificate (replaces the system's)."_s.arg(source),
         u"file"_s),
      cert(source + u"-cert"_s, u"PEM client certificate for %1 (mTLS; with --%1-key)."_s.arg(source), u"file"_s),
      key(source + u"-key"_s, u"PEM private key of the client certificate for %1."_s.arg(source), u"file"_s)
{
}

void RuntimeOptions::addTo(QCommandLineParser& parser) const
{
    parser.addOptions(
        {demo, database, graph, alertmanager, pollInterval, replay, listen, noWebhook, insecureListen, inhibitRules,
         genericMapping, prometheus});
    for (const AccessOptions* o : {&alertmanagerAccess, &prometheusAccess})
        parser.addOptions({o->token, o->user, o->password, o->header, o->ca, o->cert, o->key});
    parser.addOptions({discoverGraph, discoverInterval, discoverWindow});
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
    if (Store::isServerUrl(config.databasePath) && !QUrl(config.databasePath).password().isEmpty()) {
        if (parser.isSet(database)) {
            std::fprintf(
                stderr, "nightwatch: %s\n",
                qPrintable(
                    u"warning: the password in --db shows in the process list; give the URL without it and the password in NIGHTWATCH_DB_PASSWORD or PGPASSWORD"_s));
        } else {
            // Kept out of the settings file: the one in it is ignored, the environment supplies it.
            QUrl withoutPassword(config.databasePath);
            withoutPassword.setPassword({});
            config.databasePath = withoutPassword.toString();
            std::fprintf(
                stderr, "nightwatch: %s\n",
                qPrintable(
                    u"warning: the password in the setting store/database is ignored; set NIGHTWATCH_DB_PASSWORD or PGPASSWORD instead and remove it from the file"_s));
        }
    }
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

    if (!readSource(parser, settings, alertmanager, alertmanagerAccess, u"sources/alertmanagers"_s,
                    u"sources/alertmanager"_s, &config.alertmanagerUrls, &config.alertmanagerAccess, error) ||
        !readSource(parser, settings, prometheus, prometheusAccess, u"metrics/prometheusUrls"_s,
                    u"metrics/prometheus"_s, &config.prometheusUrls, &config.prometheusAccess, error))
        return std::nullopt;
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
    // A token left in plain text in the settings refuses the start: ignoring it would open the receiver to all.
    QString tokenError;
    config.webhookToken = SecretRef::configured("NIGHTWATCH_WEBHOOK_TOKEN", u"webhook/token"_s,
                                                settings.value(u"webhook/token"_s).toString(), &tokenError);
    if (!tokenError.isEmpty()) {
        *error = u"refusing to start: "_s + tokenError;
        return std::nullopt;
    }
    // A signing secret never lives in the settings file, which is often readable by more than its owner.
    config.webhookFeeds.pagerDutySecret = qgetenv("NIGHTWATCH_PAGERDUTY_SECRET");
    const QString mappingFile = value(genericMapping, u"webhook/genericMapping"_s);
    if (!mappingFile.isEmpty()) {
        QString why;
        auto mapping = GenericJsonMapping::fromFile(mappingFile, &why);
        if (!mapping) {
            *error = QCoreApplication::translate("RuntimeOptions", "--generic-mapping: %1").arg(why);
            return std::nullopt;
        }
        config.webhookFeeds.genericMapping = std::make_shared<const GenericJsonMapping>(std::move(*mapping));
    }
    // Reachable from other machines with no token, anyone on the network could inject alerts and deploys.
    if (config.webhookEnabled && !config.webhookAddress.isLoopback() && config.webhookToken.isEmpty() &&
        !parser.isSet(insecureListen)) {
        *error = QCoreApplication::translate("RuntimeOptions",
                                             "--listen %1: a non-loopback address needs a token "
                                             "(NIGHTWATCH_WEBHOOK_TOKEN), or --insecure-listen")
                     .arg(config.webhookAddress.toString());
        return std::nullopt;
    }
    config.webhookAllowedOrigins = settings.value(u"webhook/allowedOrigins"_s).toStringList();

    // Graph discovery: the Prometheus may be one of --prometheus or another; it is reached as those are.
    if (const QString discoverUrl = value(discoverGraph, u"graph/discoverPrometheus"_s); !discoverUrl.isEmpty()) {
        if (!checkedUrl(discoverGraph.names().constFirst(), prometheusAccess.source, discoverUrl,
                        config.prometheusAccess, &config.discoverGraphUrl, error))
            return std::nullopt;
        if (const QString interval = value(discoverInterval, u"graph/discoverIntervalSeconds"_s); !interval.isEmpty()) {
            bool ok = false;
            const int seconds = interval.toInt(&ok);
            if (!ok || seconds < 10 || seconds > 86400) {
                *error = QCoreApplication::translate("RuntimeOptions",
                                                     "--discover-interval: expected 10 to 86400 seconds, got '%1'")
                             .arg(interval);
                return std::nullopt;
            }
            config.discoverIntervalMs = seconds * 1000;
        }
        if (const QString window = value(discoverWindow, u"graph/discoverWindow"_s); !window.isEmpty()) {
            config.discoverWindowSeconds = durationSeconds(window);
            if (config.discoverWindowSeconds < 60) {
                *error = QCoreApplication::translate("RuntimeOptions",
                                                     "--discover-window: expected 1m to 30d such as 1h or 30m, got '%1'")
                             .arg(window);
                return std::nullopt;
            }
        }
    }

    if (isDemo && !parser.isSet(replay)) {
        config.replayFile = demoFeed;
        config.replayFillWithinMs = 4000; // the window fills within seconds, onset order visible as it comes
    } else if (parser.isSet(replay)) {
        config.replayFile = parser.value(replay);
        config.replaySpeed = 60.0; // a recorded minute per second
    }
    return config;
}
