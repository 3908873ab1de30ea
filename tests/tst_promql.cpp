// PromQLTemplate: hostile label values end up escaped inside the quoted matcher (exact expected queries),
// and templates whose placeholder could land anywhere else are refused with a clear reason.
#include "metrics/promqltemplate.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString kExact = u"sum(pg_stat_activity_count{service=\"{service}\"})"_s;
const QString kRegex = u"rate(x_total{job!=\"a\",service =~ \"{service}\"}[5m])"_s;

QString exact(const QString& inner)
{
    return u"sum(pg_stat_activity_count{service=\""_s + inner + u"\"})"_s;
}

QString regex(const QString& inner)
{
    return u"rate(x_total{job!=\"a\",service =~ \""_s + inner + u"\"}[5m])"_s;
}
} // namespace

class TestPromQL : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void render_data();
    void render();
    void everyPlaceholderIsFilled();
    void rejected_data();
    void rejected();
    void defaultsCompile();
};

void TestPromQL::render_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("expected");
    // An exact matcher: the value escaped for a PromQL double-quoted string.
    QTest::addRow("plain") << kExact << u"postgres-0"_s << exact(u"postgres-0"_s);
    QTest::addRow("empty") << kExact << QString() << exact(QString());
    QTest::addRow("double quote") << kExact << u"a\"b"_s << exact(u"a\\\"b"_s);
    QTest::addRow("backslash") << kExact << u"a\\b"_s << exact(u"a\\\\b"_s);
    QTest::addRow("trailing backslash") << kExact << u"abc\\"_s << exact(u"abc\\\\"_s);
    QTest::addRow("escaped quote stays a quote") << kExact << u"\\\""_s << exact(u"\\\\\\\""_s);
    QTest::addRow("newline") << kExact << u"line1\nline2"_s << exact(u"line1\\nline2"_s);
    QTest::addRow("carriage return and tab") << kExact << u"a\r\tb"_s << exact(u"a\\r\\tb"_s);
    QTest::addRow("other controls") << kExact << u"\x01x\x1b\x7f"_s << exact(u"\\u0001x\\u001b\\u007f"_s);
    QTest::addRow("C1 control") << kExact << QString(QChar(0x85)) << exact(u"\\u0085"_s);
    QTest::addRow("injection") << kExact << u"\"} or vector(1) #"_s << exact(u"\\\"} or vector(1) #"_s);
    QTest::addRow("injection with newline") << kExact << u"x\"}\nor vector(1)"_s << exact(u"x\\\"}\\nor vector(1)"_s);
    QTest::addRow("unicode") << kExact << u"café-日本-🚀"_s << exact(u"café-日本-🚀"_s);
    QTest::addRow("lone surrogate") << kExact << QString(QChar(0xd800)) << exact(QString(QChar(0xfffd)));
    QTest::addRow("plus and percent") << kExact << u"a+b%20c"_s << exact(u"a+b%20c"_s);
    // A regex matcher: RE2-quoted first, then escaped, so the value matches only itself.
    QTest::addRow("regex plain") << kRegex << u"order-service"_s << regex(u"order-service"_s);
    QTest::addRow("regex dot is literal") << kRegex << u"a.b"_s << regex(u"a\\\\.b"_s);
    QTest::addRow("regex wildcard is literal") << kRegex << u".*"_s << regex(u"\\\\.\\\\*"_s);
    QTest::addRow("regex backslash") << kRegex << u"a\\b"_s << regex(u"a\\\\\\\\b"_s);
    QTest::addRow("regex injection") << kRegex << u"\"} or vector(1) #"_s
                                     << regex(u"\\\"\\\\} or vector\\\\(1\\\\) #"_s);
    QTest::addRow("regex all meta")
        << kRegex << u"\\.+*?()|[]{}^$"_s
        << regex(u"\\\\\\\\\\\\.\\\\+\\\\*\\\\?\\\\(\\\\)\\\\|\\\\[\\\\]\\\\{\\\\}\\\\^\\\\$"_s);
    QTest::addRow("regex unicode") << kRegex << u"ß-日本"_s << regex(u"ß-日本"_s);
}

void TestPromQL::render()
{
    QFETCH(QString, text);
    QFETCH(QString, service);
    QFETCH(QString, expected);
    QString error;
    const auto t = PromQLTemplate::compile(u"t"_s, u"x"_s, text, &error);
    QVERIFY2(t, qPrintable(error));
    QCOMPARE(t->render(service), expected);
}

void TestPromQL::everyPlaceholderIsFilled()
{
    QString error;
    const auto t = PromQLTemplate::compile(
        u"ratio"_s, u"errors"_s,
        u"sum(rate(http_requests_total{service=\"{service}\",code=~\"5..\"}[5m])) # per per service: comment\n"
        u" / sum(rate(http_requests_total{service!=\"\",service=\"{service}\"}[5m]))"_s,
        &error);
    QVERIFY2(t, qPrintable(error));
    QCOMPARE(t->render(u"a\"b"_s),
             u"sum(rate(http_requests_total{service=\"a\\\"b\",code=~\"5..\"}[5m])) # per per service: comment\n"
             u" / sum(rate(http_requests_total{service!=\"\",service=\"a\\\"b\"}[5m]))"_s);
    // Escapes the author wrote stay as written; a placeholder-looking text after one is still a placeholder.
    const auto escaped = PromQLTemplate::compile(u"e"_s, u"x"_s, u"up{a=\"x\\\"{service}\"}"_s, &error);
    QVERIFY2(escaped, qPrintable(error));
    QCOMPARE(escaped->render(u"\\"_s), u"up{a=\"x\\\"\\\\\"}"_s);
}

void TestPromQL::rejected_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("because");
    QTest::addRow("bare in matcher") << u"up{service={service}}"_s << u"outside any quotes"_s;
    QTest::addRow("bare alone") << u"{service}"_s << u"outside any quotes"_s;
    QTest::addRow("bare in function") << u"absent(up) or {service}"_s << u"outside any quotes"_s;
    QTest::addRow("single quotes") << u"up{service='{service}'}"_s << u"single quotes"_s;
    QTest::addRow("backticks") << u"up{service=`{service}`}"_s << u"backticks"_s;
    QTest::addRow("function argument") << u"label_replace(up, \"dst\", \"{service}\", \"\", \"\")"_s
                                       << u"not a label matcher value"_s;
    QTest::addRow("top-level string") << u"\"{service}\""_s << u"not a label matcher value"_s;
    QTest::addRow("comment") << u"up # {service}"_s << u"in a comment"_s;
    QTest::addRow("no placeholder") << u"sum(up)"_s << u"no {service} placeholder"_s;
    QTest::addRow("unterminated string") << u"up{service=\"{service}}"_s << u"unterminated string"_s;
    QTest::addRow("string across lines") << u"up{service=\"{service}\n\"}"_s << u"unterminated string"_s;
    QTest::addRow("unbalanced open") << u"up{service=\"{service}\""_s << u"unbalanced '{'"_s;
    QTest::addRow("unbalanced close") << u"up{service=\"{service}\"}}"_s << u"unbalanced '}'"_s;
}

void TestPromQL::rejected()
{
    QFETCH(QString, text);
    QFETCH(QString, because);
    QString error;
    QVERIFY(!PromQLTemplate::compile(u"bad"_s, u"x"_s, text, &error));
    QVERIFY2(error.contains(because), qPrintable(error));
    QVERIFY2(error.startsWith(u"template \"bad\": "_s), qPrintable(error));
    QVERIFY2(error.contains(u"line 1, column "_s) || error.contains(u"line 2, column "_s), qPrintable(error));
}

void TestPromQL::defaultsCompile()
{
    const auto defaults = PromQLTemplate::defaults();
    QStringList ids;
    for (const PromQLTemplate& t : defaults)
        ids << t.id();
    QCOMPARE(ids, (QStringList{u"error_ratio"_s, u"latency_p99"_s, u"saturation"_s, u"cpu"_s, u"memory"_s}));
    QCOMPARE(defaults.at(2).render(u"postgres-0"_s), u"sum(pg_stat_activity_count{service=\"postgres-0\"})"_s);
    QCOMPARE(defaults.at(0).render(u"o\"s"_s), u"sum(rate(http_requests_total{service=\"o\\\"s\",code=~\"5..\"}[5m]))"
                                               u" / sum(rate(http_requests_total{service=\"o\\\"s\"}[5m]))"_s);
}

QTEST_GUILESS_MAIN(TestPromQL)
#include "tst_promql.moc"
