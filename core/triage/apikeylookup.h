#pragma once
// ApiKeyLookup: where the LLM endpoint's key comes from, never from a settings file: the environment
// (NIGHTWATCH_LLM_API_KEY) first, else the desktop keyring through libsecret's command-line tool,
//   secret-tool lookup service nightwatch llm <name>
// (store it once with `secret-tool store --label="Nightwatch LLM" service nightwatch llm <name>`; <name> is
// the endpoint's host, e.g. api.openai.com). The keyring is asked asynchronously: it may prompt to unlock.

#include <QObject>
#include <QString>

class QProcess;

class ApiKeyLookup : public QObject
{
    Q_OBJECT

public:
    explicit ApiKeyLookup(QObject* parent = nullptr);

    static QString fromEnvironment();
    static bool keyringAvailable(); // secret-tool (Debian: libsecret-tools) on PATH

    // finished() follows, never from inside this call; an empty key with the reason when there is none.
    void start(const QString& name, int timeoutMs = 10'000);

Q_SIGNALS:
    void finished(const QString& key, const QString& error);

private:
    QProcess* m_process = nullptr;
};
