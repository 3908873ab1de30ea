// MeasuredLabel keeps its measurements only while they hold: after each change that moves a wrapped text (the text,
// the font, a style sheet's padding or type, the wrapping itself) it answers what a plain QLabel set up the same way
// answers, and while nothing changes it answers the same as before. A plain text whose digits alone changed keeps the
// measurements (a storm's counts change on every snapshot) and still answers as QLabel; any other change measures anew.

#include "measuredlabel.h"

#include <QApplication>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

using Change = std::function<void(QLabel&)>;
Q_DECLARE_METATYPE(Change)

class TestUiMeasuredLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersAsQLabelAfterChange_data();
    void answersAsQLabelAfterChange();
    void digitsAloneKeepMeasurements_data();
    void digitsAloneKeepMeasurements();
};

void TestUiMeasuredLabel::answersAsQLabelAfterChange_data()
{
    const QString longText = u"order-service exhausted its connection pool against postgres-main; payment, checkout "
                             u"and inventory followed within two minutes, kafka lag grew behind them"_s;
    QTest::addColumn<Change>("change");
    QTest::addRow("longer text") << Change([=](QLabel& l) { l.setText(longText + u' ' + longText); });
    QTest::addRow("shorter text") << Change([](QLabel& l) { l.setText(u"postgres-main"_s); });
    QTest::addRow("rich text") << Change([=](QLabel& l) {
        l.setTextFormat(Qt::RichText);
        l.setText(u"<table><tr><td><b>•</b></td><td>%1</td></tr><tr><td>•</td><td>%1</td></tr></table>"_s.arg(longText));
    });
    QTest::addRow("bigger font") << Change([](QLabel& l) {
        QFont f = l.font();
        f.setPointSizeF(f.pointSizeF() * 1.6);
        l.setFont(f);
    });
    QTest::addRow("style sheet type") << Change([](QLabel& l) { l.setStyleSheet(u"font-size: 20pt;"_s); });
    QTest::addRow("style sheet padding") << Change([](QLabel& l) { l.setStyleSheet(u"padding: 12px 30px;"_s); });
    QTest::addRow("margins") << Change([](QLabel& l) { l.setContentsMargins(20, 10, 20, 10); });
    QTest::addRow("no wrapping") << Change([](QLabel& l) { l.setWordWrap(false); });
}

void TestUiMeasuredLabel::answersAsQLabelAfterChange()
{
    QFETCH(Change, change);
    const QString text = u"order-service exhausted its connection pool against postgres-main"_s;
    MeasuredLabel measured;
    QLabel plain;
    for (QLabel* l : {static_cast<QLabel*>(&measured), &plain}) {
        l->setWordWrap(true);
        l->setTextFormat(Qt::PlainText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setText(text);
    }
    const QList<int> widths{80, 160, 400};
    // Asked before the change, so a stale answer would be there to give.
    const QSize hintBefore = measured.sizeHint();
    QList<int> heightsBefore;
    for (int w : widths) {
        QCOMPARE(measured.heightForWidth(w), plain.heightForWidth(w));
        heightsBefore << measured.heightForWidth(w);
    }
    QCOMPARE(measured.heightForWidth(80), plain.heightForWidth(80)); // the kept answer, asked again

    change(measured);
    change(plain);
    QCOMPARE(measured.sizeHint(), plain.sizeHint());
    QCOMPARE(measured.minimumSizeHint(), plain.minimumSizeHint());
    bool moved = plain.sizeHint() != hintBefore;
    for (qsizetype i = 0; i < widths.size(); ++i) {
        QCOMPARE(measured.heightForWidth(widths.at(i)), plain.heightForWidth(widths.at(i)));
        moved = moved || plain.heightForWidth(widths.at(i)) != heightsBefore.at(i);
    }
    QVERIFY2(moved, "the change moved nothing: the case tests nothing");
}

void TestUiMeasuredLabel::digitsAloneKeepMeasurements_data()
{
    QTest::addColumn<Qt::TextFormat>("format");
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<bool>("kept");
    const QString tail = u" across the checkout, payment and inventory services of the west region"_s;
    QTest::addRow("counts") << Qt::PlainText << u"1048 alerts · 1048 notifications"_s + tail
                            << u"1337 alerts · 2590 notifications"_s + tail << true;
    QTest::addRow("clock") << Qt::PlainText << u"10:37:29 → 10:37:34  (0 min)"_s << u"10:37:29 → 10:38:01  (1 min)"_s
                           << true;
    QTest::addRow("one more digit") << Qt::PlainText << u"999 alerts"_s + tail << u"1000 alerts"_s + tail << false;
    QTest::addRow("digit to letter") << Qt::PlainText << u"10 alerts"_s + tail << u"1O alerts"_s + tail << false;
    QTest::addRow("digit to space") << Qt::PlainText << u"10 alerts"_s + tail << u"1  alerts"_s + tail << false;
    // In markup a digit can be a font size.
    QTest::addRow("rich text") << Qt::RichText << u"<span style='font-size:9pt'>12 alerts</span>"_s + tail
                               << u"<span style='font-size:29pt'>12 alerts</span>"_s + tail << false;
}

void TestUiMeasuredLabel::digitsAloneKeepMeasurements()
{
    QFETCH(Qt::TextFormat, format);
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(bool, kept);
    MeasuredLabel measured;
    QLabel plain;
    for (QLabel* l : {static_cast<QLabel*>(&measured), &plain}) {
        l->setWordWrap(true);
        l->setTextFormat(format);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setText(before);
    }
    const QFontMetricsF fm(measured.font());
    for (char16_t d = u'1'; d <= u'9'; ++d)
        if (kept && fm.horizontalAdvance(QChar(d)) != fm.horizontalAdvance(u'0'))
            QSKIP("this font draws digits at different widths: nothing can be kept");
    const QList<int> widths{60, 120, 400};
    (void)measured.sizeHint();
    (void)measured.minimumSizeHint();
    for (int w : widths)
        (void)measured.heightForWidth(w);
    const int measurements = measured.measurements();

    measured.setText(after);
    plain.setText(after);
    QCOMPARE(measured.sizeHint(), plain.sizeHint());
    QCOMPARE(measured.minimumSizeHint(), plain.minimumSizeHint());
    for (int w : widths)
        QCOMPARE(measured.heightForWidth(w), plain.heightForWidth(w));
    QCOMPARE(measured.measurements() == measurements, kept);
}

QTEST_MAIN(TestUiMeasuredLabel)
#include "tst_ui_measuredlabel.moc"
