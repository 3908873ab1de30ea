#include "secretref.h"

#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace SecretRef {

bool isReference(const QString& text)
{
    return text.startsWith(u"env:"_s) || text.startsWith(u"keyring:"_s);
}

QString resolve(const QString& reference, QString* error, int timeoutMs)
{
    if (reference.startsWith(u"env:"_s)) {
        const QString name = reference.mid(4);
        const QString value = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
        if (name.isEmpty() || value.isEmpty())
            *error = u"environment variable %1 is not set"_s.arg(name);
        return value;
    }
    if (reference.startsWith(u"keyring:"_s)) {
        const QString name = reference.mid(8);
        const QString tool = QStandardPaths::findExecutable(u"secret-tool"_s);
        if (tool.isEmpty()) {
            *error = u"secret-tool is not installed (Debian: libsecret-tools), cannot read keyring:%1"_s.arg(name);
            return {};
        }
        QProcess process;
        process.start(tool, {u"lookup"_s, u"service"_s, u"nightwatch"_s, u"secret"_s, name});
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(1000);
            *error = u"the keyring did not answer for %1"_s.arg(name);
            return {};
        }
        const QString value = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0 || value.isEmpty())
            *error = u"no secret named %1 in the keyring"_s.arg(name);
        return value;
    }
    // Never echo the value: it is probably the secret itself.
    *error = u"a secret must be given as env:VARIABLE or keyring:NAME, never in plain text"_s;
    return {};
}

QString configured(const char* envVar, const QString& settingKey, const QString& settingValue, QString* error,
                   bool* plainText)
{
    if (plainText)
        *plainText = false;
    if (const QString fromEnv = qEnvironmentVariable(envVar).trimmed(); !fromEnv.isEmpty())
        return fromEnv;
    if (settingValue.isEmpty())
        return {};
    if (!isReference(settingValue)) {
        if (plainText)
            *plainText = true;
        *error = u"the setting %1 holds a secret in plain text: set %2 in the environment, or store "
                 u"it with `secret-tool store --label=Nightwatch service nightwatch secret NAME` and set %1 to "
                 u"keyring:NAME (or env:VARIABLE)"_s.arg(settingKey, QString::fromLatin1(envVar));
        return {};
    }
    QString why;
    const QString value = resolve(settingValue, &why);
    if (!why.isEmpty())
        *error = settingKey + u": "_s + why;
    return value;
}

QString plainHttpRefusal(const QUrl& url)
{
    if (url.scheme() != u"http")
        return {};
    const QHostAddress address(url.host());
    if (url.host() == u"localhost" || (!address.isNull() && address.isLoopback()))
        return {};
    return u"refusing to send credentials to %1 over plain http: use https (only loopback may use http)"_s.arg(
        url.toString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
}

} // namespace SecretRef
