#pragma once
// SourceAccessSpec: a source's access as written on the command line or in the settings (secrets only as
// env:NAME / keyring:NAME references, see SecretRef), turned into a ready SourceAccess: secrets resolved,
// headers checked, certificate files read. Every problem is one clear line naming the option.

#include "sourceaccess.h"

#include <QStringList>

#include <optional>

struct SourceAccessSpec
{
    QString token;       // reference; empty: the variable defaultTokenEnv when it is set
    QString user;        // basic auth user (not a secret)
    QString password;    // reference
    QStringList headers; // "Name: value"
    QString caFile;
    QString certFile;
    QString keyFile;

    // option: the command-line prefix used in errors, e.g. "alertmanager" for --alertmanager-token.
    std::optional<SourceAccess> resolve(const QString& option, const QString& defaultTokenEnv, QString* error) const;
};
