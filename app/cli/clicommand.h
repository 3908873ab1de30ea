#pragma once
// What every nightwatch-cli command does alike: one-line errors ("nightwatch-cli COMMAND: reason", exit
// code 2) and parsing its arguments with --help.

#include <QString>

#include <cstdio>

inline int failCommand(const char* command, const QString& message)
{
    std::fprintf(stderr, "nightwatch-cli %s: %s\n", command, qPrintable(QString(message).replace(u'\n', u' ')));
    return 2;
}

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <optional>

// Parses a command's arguments (help option added here). Returns the exit code when the command is done
// already: 0 after printing --help, 2 after a one-line error; nullopt when it should go on.
inline std::optional<int> parseCommandLine(QCommandLineParser& parser, const char* command, const QStringList& args)
{
    parser.addHelpOption();
    if (!parser.parse(QStringList{QString::fromLatin1(command)} + args))
        return failCommand(command, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt's usage line names the program by its path; name the command too: "nightwatch-cli replay [options] feed".
        QString help = parser.helpText();
        const QString program = QCoreApplication::arguments().value(0);
        const qsizetype at = help.indexOf(program);
        if (!program.isEmpty() && at >= 0 && at < help.indexOf(u'\n'))
            help.replace(at, program.size(), QStringLiteral("nightwatch-cli ") + QString::fromLatin1(command));
        QTextStream(stdout) << help;
        return 0;
    }
    return std::nullopt;
}
