// SqliteCheckpointer, which copies the write-ahead log into the database file on its own thread instead of inside
// the commit that answers a delivery: on a real SQLite file in WAL mode, a commit past the threshold is
// checkpointed by the thread (the file holds the pages, the log is reused) and every row reads back; after stop()
// the writer checkpoints itself again; a database without a log file is left alone.

#include "store/sqlitecheckpointer.h"
#include "store/sqlitestatement.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSqliteCheckpointer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void checkpointsOffTheWriter_data();
    void checkpointsOffTheWriter();
    void noLogNoThread_data();
    void noLogNoThread();

private:
    // Rows of about 1 KiB: count rows make count / 4 pages of log in one commit.
    bool insertRows(int first, int count);
    qint64 fileSize() const { return QFileInfo(m_path).size(); }

    QTemporaryDir m_dir;
    QString m_path;
    QSqlDatabase m_db;
};

void TestSqliteCheckpointer::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"checkpointer"_s);
    m_db.setDatabaseName(m_path);
    QVERIFY(m_db.open());
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
    QVERIFY(q.exec(u"PRAGMA synchronous=NORMAL"_s));
    QVERIFY(q.exec(u"CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)"_s));
}

void TestSqliteCheckpointer::cleanup()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"checkpointer"_s);
}

bool TestSqliteCheckpointer::insertRows(int first, int count)
{
    if (!m_db.transaction())
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO t(id, body) VALUES(?, ?)"_s);
    for (int i = first; i < first + count; ++i) {
        q.bindValue(0, i);
        q.bindValue(1, QByteArray(1000, char('a' + i % 26)));
        if (!q.exec())
            return false;
    }
    return m_db.commit();
}

void TestSqliteCheckpointer::checkpointsOffTheWriter_data()
{
    QTest::addColumn<int>("commits");
    QTest::addColumn<int>("rowsPerCommit");
    QTest::addRow("one big delivery") << 1 << 12000;
    QTest::addRow("many small ones") << 60 << 100;
}

void TestSqliteCheckpointer::checkpointsOffTheWriter()
{
    QFETCH(int, commits);
    QFETCH(int, rowsPerCommit);
    SqliteCheckpointer checkpointer;
    QString why;
    QVERIFY(checkpointer.start(SqliteStatement::handleOf(m_db), &why));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QVERIFY(checkpointer.isRunning());
    const qint64 before = fileSize();
    for (int c = 0; c < commits; ++c)
        QVERIFY(insertRows(c * rowsPerCommit, rowsPerCommit));
    // The log passed the threshold: the thread copies it into the file.
    QTRY_VERIFY(checkpointer.checkpointsDone() >= 1);
    QTRY_VERIFY2(fileSize() >= before + qint64(commits) * rowsPerCommit * 1000,
                 qPrintable(u"database file %1 bytes"_s.arg(fileSize())));
    // Every committed row reads back, from another connection too.
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"checkpointer-reader"_s);
        other.setDatabaseName(m_path);
        QVERIFY(other.open());
        QSqlQuery q(other);
        QVERIFY(q.exec(u"SELECT count(*), sum(length(body)) FROM t"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), commits * rowsPerCommit);
        QCOMPARE(q.value(1).toLongLong(), qint64(commits) * rowsPerCommit * 1000);
    }
    QSqlDatabase::removeDatabase(u"checkpointer-reader"_s);

    // Handed back: the writer checkpoints its own commits again, the thread is gone.
    checkpointer.stop();
    QVERIFY(!checkpointer.isRunning());
    const int done = checkpointer.checkpointsDone();
    const qint64 stopped = fileSize();
    QVERIFY(insertRows(commits * rowsPerCommit, 12000));
    QVERIFY(fileSize() >= stopped + 12000 * 1000); // at once, inside the commit: no thread to wait for
    QCOMPARE(checkpointer.checkpointsDone(), done);
}

void TestSqliteCheckpointer::noLogNoThread_data()
{
    QTest::addColumn<QString>("journal");
    QTest::addRow("rollback journal") << u"DELETE"_s;
    QTest::addRow("in memory") << QString();
}

void TestSqliteCheckpointer::noLogNoThread()
{
    QFETCH(QString, journal);
    QSqlDatabase db;
    if (journal.isEmpty()) {
        db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"checkpointer-nolog"_s);
        db.setDatabaseName(u":memory:"_s);
        QVERIFY(db.open());
    } else {
        QSqlQuery q(m_db);
        QVERIFY(q.exec(u"PRAGMA journal_mode=%1"_s.arg(journal)));
        db = m_db;
    }
    SqliteCheckpointer checkpointer;
    QString why;
    QVERIFY(!checkpointer.start(SqliteStatement::handleOf(db), &why));
    QVERIFY2(why.isEmpty(), qPrintable(why)); // not applicable, not a failure
    QVERIFY(!checkpointer.isRunning());
    if (journal.isEmpty()) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"checkpointer-nolog"_s);
    }
}

QTEST_GUILESS_MAIN(TestSqliteCheckpointer)
#include "tst_sqlitecheckpointer.moc"
