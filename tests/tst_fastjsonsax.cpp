// Tests for FastJsonSax: whatever it accepts, nlohmann's SAX parser accepts too and reports with the same events;
// whatever nlohmann refuses, it refuses. Checked on hand-picked texts (valid, invalid, the edges of strings, numbers
// and nesting), on trailing bytes after a document, and on every prefix of a webhook body, so a body cut short
// anywhere is never taken.

#include "ingest/fastjsonsax.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <string>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

// Writes every event down, so two parsers' event streams can be compared as text.
class Recorder : public nlohmann::json_sax<json>
{
public:
    std::string log;

    bool null() override { return add("null"); }
    bool boolean(bool value) override { return add(value ? "true" : "false"); }
    bool number_integer(number_integer_t value) override { return add("int " + std::to_string(value)); }
    bool number_unsigned(number_unsigned_t value) override { return add("uint " + std::to_string(value)); }
    bool number_float(number_float_t, const string_t& text) override { return add("float " + text); }
    bool string(string_t& value) override { return add("string " + value); }
    bool binary(binary_t&) override { return add("binary"); }
    bool start_object(std::size_t) override { return add("{"); }
    bool key(string_t& name) override { return add("key " + name); }
    bool end_object() override { return add("}"); }
    bool start_array(std::size_t) override { return add("["); }
    bool end_array() override { return add("]"); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    bool add(const std::string& event)
    {
        log += event;
        log += '\n';
        return true;
    }
};

bool nlohmannParse(const QByteArray& text, Recorder* recorder)
{
    const char* begin = text.constData();
    return json::sax_parse(begin, begin + text.size(), recorder, nlohmann::detail::input_format_t::json, true);
}

bool fastParse(const QByteArray& text, Recorder* recorder)
{
    const char* begin = text.constData();
    return FastJsonSax::parse(begin, begin + text.size(), recorder);
}

// Accepting is optional (the caller falls back to nlohmann); accepting what nlohmann refuses, or reporting other
// events, is the bug these tests exist for.
void checkAgainstNlohmann(const QByteArray& text)
{
    Recorder slow, fast;
    const bool slowOk = nlohmannParse(text, &slow);
    const bool fastOk = fastParse(text, &fast);
    if (fastOk) {
        QVERIFY2(slowOk, qPrintable(u"taken by the fast reader, refused by nlohmann: "_s + QString::fromUtf8(text)));
        QCOMPARE(QByteArray::fromStdString(fast.log), QByteArray::fromStdString(slow.log));
    }
}

} // namespace

class TestFastJsonSax : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameEventsAsNlohmann_data();
    void sameEventsAsNlohmann();
    void readsWhatWebhooksSend_data();
    void readsWhatWebhooksSend();
    void trailingBytesAreRefused_data();
    void trailingBytesAreRefused();
    void readsOnlyTheSlice();
    void handlerRefusalStops();
    void everyPrefixOfABodyIsRefused();
};

void TestFastJsonSax::sameEventsAsNlohmann_data()
{
    QTest::addColumn<QByteArray>("text");
    const char* texts[] = {
        // valid
        R"({})", R"([])", R"("")", R"(0)", R"(-0)", R"(7)", R"(-7)", R"(true)", R"(false)", R"(null)",
        " \t\r\n{ \"a\" : [ 1 , -2 , true , null , { } , [ ] ] } \n",
        R"({"a":"b","a":"c"})", R"({"\u0041":"\u00e9\u4e2d\ud83d\ude80"})", R"(["\"\\\/\b\f\n\r\t"])",
        R"(["\u0000"])", "[\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x9a\x80 \xef\xbf\xbf\"]", R"([123456789012345678])",
        R"([1.5, 1e3, 1E-3, -0.0, 12345678901234567890, 1234567890123456789])",
        R"([0, -1, 9223372036854775807, 9223372036854775808, 18446744073709551615, -9223372036854775808])",
        R"([-0])", R"({"a":-0})", R"([0,-0])", R"({"n":0,"s":"2026-01-01T00:00:00Z"})", R"({"s":"a -0","n":0})",
        R"([18446744073709551616, -9223372036854775809, 1e400])", R"(["\ud800\udc00", "\udbff\udfff", "\uFFFF"])",
        R"({"a":{"b":[{"c":[]}],"d":{}},"e":[[],[{}]]})", "[\"\x7f\"]",
        // invalid
        "", " ", "{", "}", "[", "]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "{,}", "{\"a\" 1}",
        "{'a':1}", "{a:1}", "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "[tru]", "[nul]", "[True]", "[1 2]",
        "{\"a\":1}x", "{\"a\":1} {}", "[\"a]", "[\"a\\\"]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12g4\"]",
        "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"tab\there\"]", "[\"nl\nhere\"]",
        "[\"\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xe0\x80\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
        "[\"\xf5\x80\x80\x80\"]", "[\"\xff\"]", "[\"\x80\"]", "{\"a\":1]", "[1}", "\xef\xbb\xbf{}",
        "[\"\\ud800\\udbff\"]", "[\"\\udbff\"]", "[\"\xed\xbf\xbf\"]", "[\"\xf0\x8f\xbf\xbf\"]", "[\"\x1f\"]",
        "\x01[]", "[]\x01", "{\"a\"\xc3\xa9:1}", "{\"a\":1,\"a\"}", "[1,,2]", "[\"a\" \"b\"]",
    };
    for (const char* text : texts)
        QTest::addRow("%s", text) << QByteArray(text);
    // Long strings, read 8 bytes at a time: each special byte at every offset of a word.
    const QByteArray specials[] = {"\"", "\\n", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xff", "\xc3", " ", "~"};
    for (const QByteArray& special : specials) {
        for (int at = 0; at < 17; ++at) {
            const QByteArray text = "[\"" + QByteArray(at, 'a') + special + QByteArray(20, 'b') + "\"]";
            QTest::addRow("byte %s after %d plain ones", special.toHex().constData(), at) << text;
        }
    }
    QTest::addRow("with a NUL") << QByteArray("{\"a\":1}\0{", 9);
    QTest::addRow("deep") << (QByteArray(300, '[') + QByteArray(300, ']'));
    QTest::addRow("deep but allowed") << (QByteArray(200, '[') + QByteArray(200, ']'));
    QTest::addRow("deeper") << (QByteArray(2000, '[') + QByteArray(2000, ']'));
    QTest::addRow("deep objects") << (QByteArray("{\"a\":").repeated(500) + "1" + QByteArray(500, '}'));
    QTest::addRow("deep and cut") << QByteArray(300, '[') + QByteArray(299, ']');
}

void TestFastJsonSax::sameEventsAsNlohmann()
{
    QFETCH(QByteArray, text);
    checkAgainstNlohmann(text);
}

// Not only refusing safely: the shapes a webhook body has are taken (else the fast path would never run).
void TestFastJsonSax::readsWhatWebhooksSend_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("alertmanager") << QByteArray(
        R"({"version":"4","groupKey":"{}:{alertname=\"A\"}","truncatedAlerts":0,"alerts":[{"status":"firing",)"
        R"("labels":{"alertname":"A","service":"caf\u00e9"},"annotations":{"description":"line 1\nline 2 \u2713"},)"
        R"("startsAt":"2026-11-27T23:47:00.123Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":null}]})");
    QTest::addRow("unicode as is") << QByteArray("{\"summary\":\"\xc3\xa9t\xc3\xa9 \xf0\x9f\x9a\x80\"}");
    QTest::addRow("long plain strings") << QByteArray(R"({"description":"a long description read eight bytes at a )"
                                                      R"(time until its end","x":"0123456789abcdef01234567"})");
    QTest::addRow("negative and big integers") << QByteArray(R"({"a":-12,"b":999999999999999999,"c":-0})");
    QTest::addRow("zeros beside dates") << QByteArray(
        R"({"truncatedAlerts":0,"startsAt":"2026-01-05T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","n":[0,-10]})");
    QTest::addRow("escapes in keys") << QByteArray(R"({"a\"b\u00e9":"\u0000","\ud83d\ude80":[]})");
    QTest::addRow("deep") << (QByteArray(200, '[') + QByteArray(200, ']'));
    QTest::addRow("pretty and duplicate keys") << QByteArray("{\n  \"a\": 1,\r\n\t\"a\": [ \"x\" ]\n}\n");
    // A big body (each case is read twice: nothing carries over from one text to the next).
    QByteArray big = "{\"alerts\":[";
    for (int i = 0; i < 20000; ++i)
        big += R"({"labels":{"alertname":"A)" + QByteArray::number(i) + R"(","x":"caf\u00e9"},"n":)" +
               QByteArray::number(i) + "},";
    big.chop(1);
    big += "]}";
    QTest::addRow("over a megabyte") << big;
}

void TestFastJsonSax::readsWhatWebhooksSend()
{
    QFETCH(QByteArray, text);
    Recorder slow, fast;
    QVERIFY(nlohmannParse(text, &slow));
    QVERIFY(fastParse(text, &fast));
    QCOMPARE(QByteArray::fromStdString(fast.log), QByteArray::fromStdString(slow.log));
    Recorder again;
    QVERIFY(fastParse(text, &again));
    QCOMPARE(again.log, fast.log);
}

// Issue 20: a NUL or garbage after the document was answered 200. Only whitespace may follow.
void TestFastJsonSax::trailingBytesAreRefused_data()
{
    QTest::addColumn<QByteArray>("tail");
    QTest::addRow("NUL") << QByteArray(1, '\0');
    QTest::addRow("NUL and garbage") << QByteArray("\0garbage", 8);
    QTest::addRow("whitespace then NUL") << QByteArray(" \n\0", 3);
    QTest::addRow("garbage") << QByteArray("x");
    QTest::addRow("a second document") << QByteArray(" {}");
    QTest::addRow("a comma") << QByteArray(",");
    QTest::addRow("a closing brace") << QByteArray("}");
    QTest::addRow("a byte over 0x7f") << QByteArray("\xff");
    QTest::addRow("a number") << QByteArray(" 1");
}

void TestFastJsonSax::trailingBytesAreRefused()
{
    QFETCH(QByteArray, tail);
    const QByteArray document = R"({"version":"4","alerts":[{"labels":{"a":"b"}}],"n":1})";
    Recorder whole;
    QVERIFY(fastParse(document + " \r\n\t", &whole));
    Recorder recorder;
    QVERIFY(!fastParse(document + tail, &recorder)); // the receiver answers 400: tst_webhookserver trailingGarbage
}

// The text may be a slice of a bigger buffer (an alert object inside a body): only its own bytes are read.
void TestFastJsonSax::readsOnlyTheSlice()
{
    const QByteArray buffer = R"([{"a":[1,2]},{"b":"c"}])";
    const QByteArray first = R"({"a":[1,2]})";
    Recorder slice, alone;
    const char* begin = buffer.constData() + 1;
    QVERIFY(FastJsonSax::parse(begin, begin + first.size(), &slice));
    QVERIFY(fastParse(first, &alone));
    QCOMPARE(slice.log, alone.log);
    Recorder cut;
    QVERIFY(!FastJsonSax::parse(begin, begin + first.size() - 1, &cut));
}

// A handler's false stops the walk there and is the answer.
void TestFastJsonSax::handlerRefusalStops()
{
    class RefusesKeyB : public Recorder
    {
    public:
        bool key(string_t& name) override { return name != "b" && Recorder::key(name); }
    };
    RefusesKeyB recorder;
    QVERIFY(!fastParse(R"({"a":1,"b":2,"c":3})", &recorder));
    QCOMPARE(recorder.log, std::string("{\nkey a\nuint 1\n"));
}

void TestFastJsonSax::everyPrefixOfABodyIsRefused()
{
    const QByteArray body = R"({"version":"4","alerts":[{"status":"firing","labels":{"a":"\u00e9\n"},)"
                            R"("startsAt":"2026-11-27T23:47:00Z","n":[-1,true,false,null]}]})";
    Recorder whole;
    QVERIFY(fastParse(body, &whole));
    for (qsizetype cut = 0; cut < body.size(); ++cut) {
        Recorder recorder;
        QVERIFY2(!fastParse(body.left(cut), &recorder), qPrintable(u"taken when cut at %1"_s.arg(cut)));
    }
}

QTEST_GUILESS_MAIN(TestFastJsonSax)
#include "tst_fastjsonsax.moc"
