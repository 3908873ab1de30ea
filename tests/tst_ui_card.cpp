// The incident card's runner-up causes: by confidence, and never a "0 %" possibility.

#include "incidentsummarycard.h"
#include "tst_ui_fixture.h"

#include <QLabel>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiCard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alsoPossible_data();
    void alsoPossible();
    void confidenceSaysWhatItIs();
};

void TestUiCard::alsoPossible_data()
{
    QTest::addColumn<QList<double>>("confidences"); // runners-up in ranking order
    QTest::addColumn<QString>("line");
    QTest::addRow("sorted by confidence") << QList<double>{0.02, 0.15, 0.05} << u"Also possible: b 15\u00A0%, c 5\u00A0%, a 2\u00A0%"_s;
    QTest::addRow("zero percent dropped") << QList<double>{0.004, 0.1, 0.0} << u"Also possible: b 10\u00A0%"_s;
    QTest::addRow("at most three") << QList<double>{0.03, 0.04, 0.05, 0.06} << u"Also possible: d 6\u00A0%, c 5\u00A0%, b 4\u00A0%"_s;
    QTest::addRow("none left") << QList<double>{0.001} << QString();
}

void TestUiCard::alsoPossible()
{
    QFETCH(QList<double>, confidences);
    QFETCH(QString, line);
    Incident incident = fixture::blackFridayIncident();
    incident.rootCauses.resize(1);
    for (int i = 0; i < confidences.size(); ++i) {
        RootCauseCandidate c;
        c.service = QString(QChar(u'a' + i));
        c.confidence = confidences.at(i);
        incident.rootCauses.append(c);
    }
    IncidentSummaryCard card;
    card.setIncident(incident);
    const QStringList lines = card.notesText().split(u'\n');
    const auto also = std::find_if(lines.cbegin(), lines.cend(), [](const QString& l) { return l.startsWith(u"Also"_s); });
    QCOMPARE(also == lines.cend() ? QString() : *also, line);
}

// The percentage is calibrated on generated suites only: its tooltip must say so rather than promise a probability.
void TestUiCard::confidenceSaysWhatItIs()
{
    IncidentSummaryCard card;
    card.setIncident(fixture::blackFridayIncident());
    QVERIFY(!card.confidenceText().isEmpty());
    const auto labels = card.findChildren<QLabel*>();
    const auto shown = std::find_if(labels.cbegin(), labels.cend(),
                                    [&](const QLabel* l) { return l->text() == card.confidenceText(); });
    QVERIFY(shown != labels.cend());
    QVERIFY2((*shown)->toolTip().startsWith(u"Likelihood on test suites"_s), qPrintable((*shown)->toolTip()));
}

QTEST_MAIN(TestUiCard)
#include "tst_ui_card.moc"
