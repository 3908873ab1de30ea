#pragma once
// A real PostgreSQL (Debian's postgresql package) for tests: a fresh cluster in a temporary directory,
// listening on a free 127.0.0.1 port only, trust authentication for its superuser "postgres", stopped and
// deleted when the object goes away. PostgreSQL refuses to run as root, so as root (CI) the cluster is
// owned by and run as the postgres system user through runuser.

#include <QDir>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>

#include <pwd.h>
#include <unistd.h>

#include <memory>

namespace testsupport {

struct PostgresProcess
{
    std::unique_ptr<QTemporaryDir> dir;
    QString binDir;
    quint16 port = 0;
    bool running = false;

    ~PostgresProcess() { stop(); }

    // The newest installed server's bin directory, empty when there is none.
    static QString findBinDir()
    {
        const QDir root(QStringLiteral("/usr/lib/postgresql"));
        QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        std::sort(versions.begin(), versions.end(), [](const QString& a, const QString& b) { return a.toInt() > b.toInt(); });
        for (const QString& v : versions) {
            const QString bin = root.filePath(v + QStringLiteral("/bin"));
            if (QFile::exists(bin + QStringLiteral("/initdb")) && QFile::exists(bin + QStringLiteral("/pg_ctl")))
                return bin;
        }
        return {};
    }

    QString url(const QString& database) const
    {
        return QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2").arg(port).arg(database);
    }

    bool start(QString* error)
    {
        binDir = findBinDir();
        if (binDir.isEmpty()) {
            *error = QStringLiteral("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)");
            return false;
        }
        dir = std::make_unique<QTemporaryDir>();
        if (!dir->isValid()) {
            *error = QStringLiteral("cannot create a temporary directory");
            return false;
        }
        if (geteuid() == 0) {
            const passwd* pg = getpwnam("postgres");
            if (!pg) {
                *error = QStringLiteral("running as root and there is no postgres system user to run the server as");
                return false;
            }
            if (::chown(QFile::encodeName(dir->path()).constData(), pg->pw_uid, pg->pw_gid) != 0) {
                *error = QStringLiteral("cannot hand %1 to the postgres user").arg(dir->path());
                return false;
            }
        }
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        port = probe.serverPort();
        probe.close();

        const QString data = dir->filePath(QStringLiteral("data"));
        if (!run(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), data, QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                  QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                 error))
            return false;
        // The socket goes into our directory (not /var/run/postgresql); fsync off: a test cluster.
        const QString serverOptions =
            QStringLiteral("-p %1 -h 127.0.0.1 -k %2 -F").arg(port).arg(dir->path());
        if (!run(QStringLiteral("pg_ctl"),
                 {QStringLiteral("-D"), data, QStringLiteral("-l"), dir->filePath(QStringLiteral("server.log")),
                  QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-o"), serverOptions,
                  QStringLiteral("start")},
                 error)) {
            QFile log(dir->filePath(QStringLiteral("server.log")));
            if (log.open(QIODevice::ReadOnly))
                *error += QStringLiteral("\n") + QString::fromUtf8(log.readAll().right(2000));
            return false;
        }
        running = true;
        return true;
    }

    void stop()
    {
        if (!running)
            return;
        running = false;
        QString ignored;
        run(QStringLiteral("pg_ctl"),
            {QStringLiteral("-D"), dir->filePath(QStringLiteral("data")), QStringLiteral("-m"), QStringLiteral("fast"),
             QStringLiteral("-w"), QStringLiteral("stop")},
            &ignored);
    }

    // CREATE DATABASE through a short-lived connection to the maintenance database.
    bool createDatabase(const QString& name, QString* error) const
    {
        const QString connection = QStringLiteral("tst-pg-admin");
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(port);
            db.setUserName(QStringLiteral("postgres"));
            db.setDatabaseName(QStringLiteral("postgres"));
            if (!db.open()) {
                *error = db.lastError().text();
            } else {
                QSqlQuery q(db);
                ok = q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name));
                if (!ok)
                    *error = q.lastError().text();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return ok;
    }

private:
    bool run(const QString& tool, const QStringList& args, QString* error) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(dir->path()); // the postgres user may not enter the test's directory
        const QString binary = binDir + QStringLiteral("/") + tool;
        if (geteuid() == 0)
            p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), binary} + args);
        else
            p.start(binary, args);
        if (!p.waitForStarted(10'000) || !p.waitForFinished(90'000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0) {
            *error = tool + QStringLiteral(" failed: ") + QString::fromUtf8(p.readAll()).trimmed() + p.errorString();
            return false;
        }
        return true;
    }
};

} // namespace testsupport
