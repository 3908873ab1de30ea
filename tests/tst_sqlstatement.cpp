// SqlStatement, the store's prepare/bind/exec helper: every way a statement can go wrong gives false with an
// error that names the task, the cause and the statement, never a silent false or a NULL written in place of a
// value. Runs on a real SQLite database in a temporary directory.

#include "store/sqlstatement.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestSqlStatement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void namedBindsRoundTrip();
    void badStatementGivesClearError_data();
    void badStatementGivesClearError();

private:
    QTemporaryDir m_dir;
    QSqlDatabase m_db;
};

void TestSqlStatement::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-sqlstatement"_s);
    m_db.setDatabaseName(m_dir.filePath(u"t.sqlite"_s));
    QVERIFY(m_db.open());
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER)"_s));
}

void TestSqlStatement::cleanupTestCase()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"tst-sqlstatement"_s);
}

void TestSqlStatement::namedBindsRoundTrip()
{
    QString error;
    SqlStatement insert(m_db, u"store note"_s);
    // A name used twice and a colon inside a literal (not a parameter).
    QVERIFY2(insert.prepare(u"INSERT INTO notes(body, at) VALUES(:body || ' at 12:30', :at + :at)"_s, &error),
             qPrintable(error));
    QVERIFY2(insert.bind(u"body"_s, u"pool full"_s).bind(u":at"_s, 21).exec(&error), qPrintable(error));
    QCOMPARE(insert.rowsAffected(), 1);
    const qint64 id = insert.lastInsertId();
    QVERIFY(id > 0);

    SqlStatement select(m_db, u"read note"_s);
    QVERIFY2(select.prepare(u"SELECT body, at FROM notes WHERE id = :id"_s, &error), qPrintable(error));
    QVERIFY2(select.bind(u"id"_s, id).exec(&error), qPrintable(error));
    QVERIFY(select.next());
    QCOMPARE(select.value(0).toString(), u"pool full at 12:30"_s);
    QCOMPARE(select.value(1).toInt(), 42);
    // Binds do not carry over to the next run: each exec says what it is missing.
    select.finish();
    QVERIFY(!select.exec(&error));
    QVERIFY2(error.contains(u"parameter :id not bound"_s), qPrintable(error));
}

void TestSqlStatement::badStatementGivesClearError_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("names"); // bound to 'x' in order
    QTest::addColumn<bool>("prepares");
    QTest::addColumn<QStringList>("errorParts");

    QTest::addRow("syntax error") << u"INSRT INTO notes(body) VALUES(:body)"_s << QStringList{u"body"_s} << false
                                  << QStringList{u"cannot store note"_s, u"syntax error"_s, u"INSRT INTO notes"_s};
    QTest::addRow("no such table") << u"INSERT INTO nowhere(body) VALUES(:body)"_s << QStringList{u"body"_s} << false
                                   << QStringList{u"cannot store note"_s, u"no such table"_s, u"nowhere"_s};
    QTest::addRow("misspelt bind") << u"INSERT INTO notes(body) VALUES(:body)"_s << QStringList{u"boddy"_s} << true
                                   << QStringList{u"no parameter :boddy"_s, u"VALUES(:body)"_s};
    QTest::addRow("unbound parameter")
        << u"INSERT INTO notes(body, at) VALUES(:body, :at)"_s << QStringList{u"body"_s} << true
        << QStringList{u"parameter :at not bound"_s};
    QTest::addRow("nothing bound") << u"INSERT INTO notes(body) VALUES(:body)"_s << QStringList{} << true
                                << QStringList{u"parameter :body not bound"_s};
    QTest::addRow("NOT NULL violated")
        << u"INSERT INTO notes(body, at) VALUES(NULL, :at)"_s << QStringList{u"at"_s} << true
        << QStringList{u"cannot store note"_s, u"NOT NULL"_s, u"notes.body"_s};
}

void TestSqlStatement::badStatementGivesClearError()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, names);
    QFETCH(bool, prepares);
    QFETCH(QStringList, errorParts);

    SqlStatement s(m_db, u"store note"_s);
    QString error;
    QCOMPARE(s.prepare(sql, &error), prepares);
    QCOMPARE(error.isEmpty(), prepares);
    for (const QString& name : std::as_const(names))
        s.bind(name, u"x"_s);
    QString execError;
    QVERIFY(!s.exec(&execError));
    if (prepares) {
        error = execError;
    } else { // running it anyway is refused too, not run against nothing
        QVERIFY2(execError.contains(u"did not compile"_s), qPrintable(execError));
    }
    for (const QString& part : std::as_const(errorParts))
        QVERIFY2(error.contains(part, Qt::CaseInsensitive), qPrintable(u"'%1' not in: %2"_s.arg(part, error)));
    // Nothing was written by any of them.
    QSqlQuery count(m_db);
    QVERIFY(count.exec(u"SELECT count(*) FROM notes WHERE body = 'x'"_s) && count.next());
    QCOMPARE(count.value(0).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestSqlStatement)
#include "tst_sqlstatement.moc"
