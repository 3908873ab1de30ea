#pragma once
// SecretRef: where a secret (a source's bearer token or password, the webhook token, a Slack webhook URL, a
// database password) is read from. Settings files and command lines are readable by others (a backup, `ps`),
// so they only ever name the secret:
//   env:NAME       the environment variable NAME
//   keyring:NAME   the desktop keyring, `secret-tool lookup service nightwatch secret NAME`
//                  (store it once with `secret-tool store --label=Nightwatch service nightwatch secret NAME`)
// Anything else is refused as a secret written in plain text. The keyring lookup blocks (at most timeoutMs):
// it is meant for start-up, before the console runs, like reading a settings file.

#include <QString>

class QUrl;

namespace SecretRef {

// True when text is a reference (env:/keyring:), not a secret itself.
bool isReference(const QString& text);

// The secret, or nullopt-like empty with *error set. An empty env variable or keyring entry is an error:
// a source configured with a token must not silently be asked without one.
QString resolve(const QString& reference, QString* error, int timeoutMs = 10'000);

// A secret configured the usual way: the environment variable envVar when set, else the setting's value, which
// must be a reference. Empty without error when neither is set. *plainText is set when the setting holds the secret
// itself (then the result is empty and *error says how to move it): the caller warns or refuses.
QString configured(const char* envVar, const QString& settingKey, const QString& settingValue, QString* error,
                   bool* plainText = nullptr);

// Why a secret must not be sent to url (plain http to a host other than loopback: anyone on the path reads
// it), else empty. Every client that sends a token or key asks this first.
QString plainHttpRefusal(const QUrl& url);

} // namespace SecretRef
