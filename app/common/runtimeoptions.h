#pragma once
// RuntimeOptions: the command-line options `nightwatch` and `nightwatch-cli serve` share, and how they
// combine with QSettings into a ConsoleRuntime::Config. The command line wins over settings; settings win
// over built-in defaults (SQLite in the user's data dir, webhook on 127.0.0.1:9797).

#include "pipeline/consoleruntime.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>

class RuntimeOptions
{
public:
    RuntimeOptions();
    void addTo(QCommandLineParser& parser) const;
    // nullopt with a one-line reason when a value is unusable (unreadable graph, bad URL, bad address).
    std::optional<ConsoleRuntime::Config> config(const QCommandLineParser& parser, QString* error) const;
    bool isDemo(const QCommandLineParser& parser) const { return parser.isSet(demo); }

    static QString defaultDatabasePath(bool demo);

    QCommandLineOption demo;
    QCommandLineOption database;
    QCommandLineOption graph;
    QCommandLineOption alertmanager;
    QCommandLineOption pollInterval;
    QCommandLineOption replay;
    QCommandLineOption listen;
    QCommandLineOption noWebhook;
    QCommandLineOption insecureListen;
    QCommandLineOption inhibitRules;
    QCommandLineOption genericMapping;
    QCommandLineOption prometheus;

    // --<source>-token, -user, -password, -header, -ca, -cert, -key; settings <group>/token... (same names).
    struct AccessOptions
    {
        explicit AccessOptions(const QString& source);
        QString source;
        QCommandLineOption token, user, password, header, ca, cert, key;
    };
    AccessOptions alertmanagerAccess{QStringLiteral("alertmanager")};
    AccessOptions prometheusAccess{QStringLiteral("prometheus")};

    // Graph discovery from Prometheus service-graph metrics (settings graph/discoverPrometheus, ...).
    QCommandLineOption discoverGraph;
    QCommandLineOption discoverInterval;
    QCommandLineOption discoverWindow;
};
