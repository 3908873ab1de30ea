#pragma once
// SettingsValidator: the checks the settings dialog runs on every edit, the same rules the console applies
// at start (app/common/runtimeoptions.cpp): URLs are http(s) with a host, files and folders exist, the
// webhook address is host:port. Each returns an empty string when the value is usable, else one sentence.

#include <QCoreApplication>
#include <QString>
#include <QStringList>

class SettingsValidator
{
    Q_DECLARE_TR_FUNCTIONS(SettingsValidator)

public:
    static QString url(const QString& text, bool required = false);
    static QString urlList(const QStringList& lines); // blank lines are ignored
    // A secret is only named in the settings (env:VARIABLE or keyring:NAME, see SecretRef); empty is fine.
    static QString secretReference(const QString& text);
    static QString file(const QString& path);         // empty: not set, fine
    static QString graphFile(const QString& path);    // exists and parses as a dependency graph
    static QString folder(const QString& path);
    static QString listenAddress(const QString& text); // empty: the default 127.0.0.1:9797
    static QStringList lines(const QString& text);     // trimmed, non-empty
};
