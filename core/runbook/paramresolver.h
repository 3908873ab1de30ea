#pragma once
// ParamResolver: turns a loaded Runbook into a ResolvedRunbook: takes each parameter's value from its
// source (user input first, then the alert label or diagnosed service it names, then its default),
// validates it, and substitutes it into argv elements. A value always ends up inside exactly one argv
// element: it is never split, never re-scanned for placeholders and never seen by a shell.

#include "model/runbook.h"
#include "runbook/resolvedrunbook.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

class ParamResolver
{
public:
    struct Context
    {
        LabelSet labels;              // of the alert the runbook is proposed for
        QString service;              // the diagnosed root-cause service
        QMap<QString, QString> input; // typed by the user; wins over the declared source
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment(); // for the env allowlist
    };

    // Fails (with a one-line reason naming the parameter) when a value is missing or invalid, or
    // when input names a parameter the runbook does not declare.
    static std::optional<ResolvedRunbook> resolve(const Runbook& runbook, const Context& context, QString* error);

    // The rules every value passes, in this order: valid UTF-8 (no U+FFFD, no lone surrogate), at most
    // maxLength, no NUL, no line break, no other control character, no leading '-' (it would read as an
    // option), and a full match of the parameter's pattern. *why names the rule that failed.
    // A path parameter then also passes checkPath.
    static bool validate(const RunbookParam& param, const QString& value, QString* why);
    // For a path value: absolute, no '.' or '..' segment, and under root both as written and with the
    // symbolic links of its existing part resolved. *why names the rule that failed.
    static bool checkPath(const QString& root, const QString& value, QString* why);
    // The value as substituted: a path parameter's value with '//' and a trailing '/' removed.
    static QString normalised(const RunbookParam& param, const QString& value);
    // Strict UTF-8 for values arriving as bytes: nullopt on any invalid sequence.
    static std::optional<QString> decodeUtf8(const QByteArray& bytes);

    // The {name} placeholders in one argv element, in order. Anything else in braces (JSON) is literal.
    static QStringList placeholders(const QString& element);
    // One pass over element: each {name} becomes values[name]; substituted text is not scanned again.
    static QString substitute(const QString& element, const QMap<QString, QString>& values);
};
