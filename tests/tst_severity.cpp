// Severity and the one incident order, data-driven: every word a feed uses parses to the rank the console, the
// notifier and the CLI all compare with; Incident::listedBefore orders open before closed, then severity, then the
// newest onset; the thresholds callers use (do-not-disturb lets error and worse through) hold for every synonym.

#include "model/incident.h"
#include "notify/incidentnotifier.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kT0 = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

Incident incident(const QString& key, const QString& severity, int onsetSecs, bool open = true)
{
    Incident i;
    i.key = key;
    i.severity = severity;
    i.firstAlertAt = kT0.addSecs(onsetSecs);
    i.lastAlertAt = i.firstAlertAt.addSecs(60);
    i.state = open ? Incident::State::Triggered : Incident::State::Resolved;
    return i;
}

TrackedAlert member(const QString& severity)
{
    TrackedAlert t;
    if (!severity.isNull())
        t.latest.labels.insert(u"severity"_s, severity);
    return t;
}
} // namespace

class TestSeverity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void names();
    void listedBefore_data();
    void listedBefore();
    void sortIsTotal();
    void highestSeverity_data();
    void highestSeverity();
    void doNotDisturbThreshold_data();
    void doNotDisturbThreshold();
};

void TestSeverity::parse_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<Severity>("expected");
    const std::initializer_list<std::pair<const char*, Severity>> cases{
        {"critical", Severity::Critical}, {"CRITICAL", Severity::Critical}, {" Critical ", Severity::Critical},
        {"crit", Severity::Critical},     {"page", Severity::Critical},     {"high", Severity::Critical},
        {"fatal", Severity::Critical},    {"emergency", Severity::Critical}, {"error", Severity::Error},
        {"Error", Severity::Error},       {"err", Severity::Error},         {"warning", Severity::Warning},
        {"warn", Severity::Warning},      {"medium", Severity::Warning},    {"info", Severity::Info},
        {"informational", Severity::Info}, {"low", Severity::Info},         {"none", Severity::Info},
        {"notice", Severity::Info},       {"", Severity::Unknown},          {"p1", Severity::Unknown},
        {"criticality", Severity::Unknown}, {"warning2", Severity::Unknown},
    };
    for (const auto& [word, expected] : cases)
        QTest::addRow("'%s'", word) << QString::fromLatin1(word) << expected;
}

void TestSeverity::parse()
{
    QFETCH(QString, word);
    QFETCH(Severity, expected);
    QCOMPARE(parseSeverity(word), expected);
}

void TestSeverity::names()
{
    // Each level's name parses back to it, and the levels rank in declaration order.
    const QList<Severity> ascending{Severity::Unknown, Severity::Info, Severity::Warning, Severity::Error,
                                    Severity::Critical};
    for (qsizetype i = 0; i < ascending.size(); ++i) {
        QCOMPARE(parseSeverity(severityName(ascending[i])), ascending[i]);
        if (i > 0)
            QVERIFY(ascending[i - 1] < ascending[i]);
    }
    QVERIFY(severityName(Severity::Unknown).isEmpty());
    QCOMPARE(severityName(Severity::Error), u"error"_s);
}

void TestSeverity::listedBefore_data()
{
    QTest::addColumn<Incident>("a");
    QTest::addColumn<Incident>("b");
    QTest::addColumn<bool>("aFirst");
    QTest::addRow("open before resolved, whatever the severity")
        << incident(u"a"_s, u"info"_s, 0) << incident(u"b"_s, u"critical"_s, 100, false) << true;
    QTest::addRow("critical before error") << incident(u"a"_s, u"critical"_s, 0) << incident(u"b"_s, u"error"_s, 100)
                                           << true;
    QTest::addRow("error before warning (the console used to rank them equal)")
        << incident(u"a"_s, u"error"_s, 0) << incident(u"b"_s, u"warning"_s, 100) << true;
    QTest::addRow("page ranks as critical, so the newer goes first")
        << incident(u"a"_s, u"page"_s, 0) << incident(u"b"_s, u"critical"_s, 100) << false;
    QTest::addRow("warning before unknown") << incident(u"a"_s, u"warning"_s, 0) << incident(u"b"_s, u"p3"_s, 100)
                                            << true;
    QTest::addRow("same severity: newest onset first")
        << incident(u"a"_s, u"warning"_s, 200) << incident(u"b"_s, u"WARNING"_s, 100) << true;
    Incident renotified = incident(u"a"_s, u"warning"_s, 100);
    renotified.lastAlertAt = kT0.addSecs(5000);
    QTest::addRow("onset, not the last notification")
        << renotified << incident(u"b"_s, u"warning"_s, 200) << false;
    QTest::addRow("same severity and onset: key") << incident(u"b"_s, u"info"_s, 0) << incident(u"a"_s, u"info"_s, 0)
                                                  << false;
}

void TestSeverity::listedBefore()
{
    QFETCH(Incident, a);
    QFETCH(Incident, b);
    QFETCH(bool, aFirst);
    QCOMPARE(Incident::listedBefore(a, b), aFirst);
    QCOMPARE(Incident::listedBefore(b, a), !aFirst); // never both, never neither: a total order
    QVERIFY(!Incident::listedBefore(a, a));
}

void TestSeverity::sortIsTotal()
{
    // Every permutation of a mixed list sorts to the same order (std::sort, as the pipeline uses, is not stable).
    QVector<Incident> list{incident(u"k1"_s, u"warning"_s, 10), incident(u"k2"_s, u"critical"_s, 5),
                           incident(u"k3"_s, u"high"_s, 5),     incident(u"k4"_s, u"info"_s, 50, false),
                           incident(u"k5"_s, u"error"_s, 7),    incident(u"k6"_s, u""_s, 99)};
    const auto keys = [](const QVector<Incident>& l) {
        QStringList k;
        for (const Incident& i : l)
            k << i.key;
        return k;
    };
    std::sort(list.begin(), list.end(), [](const Incident& a, const Incident& b) { return a.key < b.key; });
    QVector<Incident> expected = list;
    std::sort(expected.begin(), expected.end(), &Incident::listedBefore);
    QCOMPARE(keys(expected), (QStringList{u"k2"_s, u"k3"_s, u"k5"_s, u"k1"_s, u"k6"_s, u"k4"_s}));
    do {
        QVector<Incident> sorted = list;
        std::sort(sorted.begin(), sorted.end(), &Incident::listedBefore);
        QCOMPARE(keys(sorted), keys(expected));
    } while (std::next_permutation(list.begin(), list.end(),
                                   [](const Incident& a, const Incident& b) { return a.key < b.key; }));
}

void TestSeverity::highestSeverity_data()
{
    QTest::addColumn<QStringList>("members");
    QTest::addColumn<QString>("expected");
    QTest::addRow("none") << QStringList() << QString();
    QTest::addRow("unknown words only") << QStringList{u"p2"_s, QString()} << QString();
    QTest::addRow("the raw word of the worst") << QStringList{u"warning"_s, u"Page"_s, u"error"_s} << u"Page"_s;
    QTest::addRow("ties go to the first") << QStringList{u"info"_s, u"critical"_s, u"high"_s} << u"critical"_s;
    QTest::addRow("info beats unknown") << QStringList{u"sev9"_s, u"info"_s} << u"info"_s;
}

void TestSeverity::highestSeverity()
{
    QFETCH(QStringList, members);
    QFETCH(QString, expected);
    QVector<TrackedAlert> alerts;
    for (const QString& s : members)
        alerts << member(s);
    QCOMPARE(Incident::highestSeverity(alerts), expected);
}

void TestSeverity::doNotDisturbThreshold_data()
{
    QTest::addColumn<QString>("severity");
    QTest::addColumn<bool>("critical");
    for (const char* word : {"critical", "page", "high", "error", "ERR"})
        QTest::addRow("%s gets through", word) << QString::fromLatin1(word) << true;
    for (const char* word : {"warning", "medium", "info", "none", "", "p1"})
        QTest::addRow("'%s' is held", word) << QString::fromLatin1(word) << false;
}

void TestSeverity::doNotDisturbThreshold()
{
    QFETCH(QString, severity);
    QFETCH(bool, critical);
    QCOMPARE(IncidentNotifier::isCritical(incident(u"k"_s, severity, 0)), critical);
}

QTEST_GUILESS_MAIN(TestSeverity)
#include "tst_severity.moc"
