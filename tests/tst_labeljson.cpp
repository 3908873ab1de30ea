// LabelJson's UTF-8 encoders, which SqliteIngest binds straight into alert rows: for every kind of label text they
// give byte for byte what the QString encoder followed by toUtf8() gives (the form rows were stored in before, and
// the one other backends still write), and what they write reads back as the same labels.

#include "store/labeljson.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestLabelJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void utf8MatchesQStringPath_data();
    void utf8MatchesQStringPath();
    void reusedBufferAppends();
};

void TestLabelJson::utf8MatchesQStringPath_data()
{
    QTest::addColumn<LabelSet>("labels");
    QTest::addColumn<QString>("plain"); // a source or generator URL: converted, not escaped
    QTest::addColumn<bool>("roundTrips"); // false: text UTF-8 cannot hold (an unpaired surrogate)

    const QString lone = QString(QChar(0xd800)) + u"x"_s + QString(QChar(0xdfff)); // unpaired surrogates
    QString controls;
    for (char16_t c = 0; c < 0x20; ++c)
        controls += QChar(c);
    controls += QChar(0x7f);

    QTest::addRow("empty set") << LabelSet{} << QString() << true;
    QTest::addRow("plain ascii") << LabelSet{{u"alertname"_s, u"HighLatency"_s}, {u"job"_s, u"node"_s}}
                                 << u"webhook:alertmanager"_s << true;
    QTest::addRow("empty name and value") << LabelSet{{QString(), QString()}, {u"a"_s, QString()}} << QString()
                                          << true;
    QTest::addRow("quotes and backslashes")
        << LabelSet{{u"q\"k"_s, u"say \"hi\" \\ path\\to\\"_s}, {u"\\"_s, u"\""_s}} << u"a\"b\\c"_s << true;
    QTest::addRow("control characters") << LabelSet{{u"c"_s, controls}, {controls, u"x"_s}} << controls << true;
    QTest::addRow("newline tab return") << LabelSet{{u"summary"_s, u"line1\nline2\r\n\tindented"_s}} << u"\n"_s
                                        << true;
    QTest::addRow("latin and cjk") << LabelSet{{u"instance"_s, u"müller-östra 東京 ß"_s}} << u"replay:/tmp/ä.json"_s
                                   << true;
    QTest::addRow("emoji surrogate pairs") << LabelSet{{u"icon"_s, u"🔥 fire 🚒"_s}, {u"🔥"_s, u"\"🔥\""_s}}
                                           << u"🔥"_s << true;
    QTest::addRow("lone surrogates") << LabelSet{{u"broken"_s, lone}, {lone, u"\""_s + lone + u"\\"_s}} << lone
                                     << false;
    QTest::addRow("non-ascii next to escapes") << LabelSet{{u"m"_s, u"é\"é\\é\né"_s}} << u"é\"é"_s << true;
    QTest::addRow("long value") << LabelSet{{u"description"_s, QString(5000, u'x') + u"ü"_s + QString(3000, u'"')}}
                                << QString(4000, u'y') << true;
}

void TestLabelJson::utf8MatchesQStringPath()
{
    QFETCH(LabelSet, labels);
    QFETCH(QString, plain);
    QFETCH(bool, roundTrips);

    QByteArray object;
    LabelJson::appendUtf8Object(object, labels);
    QCOMPARE(object, LabelJson::encode(labels).toUtf8());
    // What the store reads back: the same labels (a lone surrogate cannot survive UTF-8 either way).
    QCOMPARE(LabelJson::decodeLabels(QString::fromUtf8(object)),
             LabelJson::decodeLabels(QString::fromUtf8(LabelJson::encode(labels).toUtf8())));
    if (roundTrips)
        QCOMPARE(LabelJson::decodeLabels(QString::fromUtf8(object)), labels);

    QByteArray text;
    LabelJson::appendUtf8(text, plain);
    QCOMPARE(text, plain.toUtf8());
}

void TestLabelJson::reusedBufferAppends()
{
    // SqliteIngest truncates and refills one buffer per row: what was there before must not leak into the next row.
    QByteArray buffer = "left over from a longer row, much longer than the next"_ba;
    buffer.truncate(0);
    LabelJson::appendUtf8Object(buffer, {{u"a"_s, u"b"_s}});
    QCOMPARE(buffer, "{\"a\":\"b\"}"_ba);
    LabelJson::appendUtf8(buffer, u"+ü"_s);
    QCOMPARE(buffer, "{\"a\":\"b\"}+\xc3\xbc"_ba);
}

QTEST_GUILESS_MAIN(TestLabelJson)
#include "tst_labeljson.moc"
