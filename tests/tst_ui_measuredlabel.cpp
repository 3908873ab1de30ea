// MeasuredLabel keeps its measurements only while they hold: after each change that moves a wrapped text (the text,
// the font, a style sheet's padding or type, the wrapping itself) it answers what a plain QLabel set up the same way
// answers, and while nothing changes it answers the same as before.

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

QTEST_MAIN(TestUiMeasuredLabel)
#include "tst_ui_measuredlabel.moc"
