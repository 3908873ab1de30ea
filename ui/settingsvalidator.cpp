#include "settingsvalidator.h"

#include "secrets/secretref.h"

#include "graph/servicegraph.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QUrl>

using namespace Qt::StringLiterals;

QStringList SettingsValidator::lines(const QString& text)
{
    QStringList out;
    for (const QString& line : text.split(u'\n'))
        if (!line.trimmed().isEmpty())
            out << line.trimmed();
    return out;
}

QString SettingsValidator::url(const QString& text, bool required)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return required ? tr("a URL is required") : QString();
    const QUrl u(t, QUrl::StrictMode);
    if (!u.isValid() || (u.scheme() != u"http" && u.scheme() != u"https") || u.host().isEmpty())
        return tr("'%1' is not an http(s) URL with a host").arg(t);
    return {};
}

QString SettingsValidator::secretReference(const QString& text)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || SecretRef::isReference(t))
        return {};
    return tr("a secret is not kept in the settings file: give env:VARIABLE or keyring:NAME");
}

QString SettingsValidator::urlList(const QStringList& list)
{
    for (const QString& line : list)
        if (const QString error = url(line); !error.isEmpty())
            return error;
    return {};
}

QString SettingsValidator::file(const QString& path)
{
    if (path.trimmed().isEmpty())
        return {};
    const QFileInfo info(path.trimmed());
    if (!info.exists())
        return tr("'%1' does not exist").arg(path.trimmed());
    if (!info.isFile())
        return tr("'%1' is not a file").arg(path.trimmed());
    if (!info.isReadable())
        return tr("'%1' cannot be read").arg(path.trimmed());
    return {};
}

QString SettingsValidator::graphFile(const QString& path)
{
    if (const QString error = file(path); !error.isEmpty() || path.trimmed().isEmpty())
        return error;
    // The console refuses to start on a graph it cannot read: say so now, not at the next start.
    QString error;
    if (!ServiceGraph::fromFile(path.trimmed(), &error))
        return tr("not a dependency graph: %1").arg(error);
    return {};
}

QString SettingsValidator::folder(const QString& path)
{
    if (path.trimmed().isEmpty())
        return {};
    const QFileInfo info(path.trimmed());
    if (!info.exists())
        return tr("'%1' does not exist").arg(path.trimmed());
    if (!info.isDir())
        return tr("'%1' is not a folder").arg(path.trimmed());
    return {};
}

QString SettingsValidator::listenAddress(const QString& text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return {};
    const QString expected = tr("expected host:port such as 127.0.0.1:9797, got '%1'").arg(t);
    const qsizetype colon = t.lastIndexOf(u':');
    if (colon <= 0)
        return expected;
    bool ok = false;
    const uint port = t.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return tr("'%1' is not a port between 1 and 65535").arg(t.mid(colon + 1));
    QString host = t.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host != u"localhost" && !address.setAddress(host))
        return tr("'%1' is not an IP address (or localhost)").arg(host);
    return {};
}
