// Alertmanager matcher parsing and inhibit-rule semantics, compared with what Alertmanager itself accepts.
#include "correlate/correlator.h"
#include "correlate/inhibitruleset.h"
#include "correlate/matcher.h"
#include "graph/servicegraph.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestInhibition : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseMatchers_data();
    void parseMatchers();
    void regexIsAnchored();
    void ruleApplication_data();
    void ruleApplication();
    void yamlRules();
    void correlatorMarksInhibited();
};

void TestInhibition::parseMatchers_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("normalised"); // matchers joined with ";" via toString()

    QTest::addRow("braced equal") << u"{foo=\"bar\"}"_s << true << u"foo=\"bar\""_s;
    QTest::addRow("regex") << u"{foo=~\"bar.*\"}"_s << true << u"foo=~\"bar.*\""_s;
    QTest::addRow("not equal") << u"foo!=\"bar\""_s << true << u"foo!=\"bar\""_s;
    QTest::addRow("not regex") << u"foo!~\"bar.*\""_s << true << u"foo!~\"bar.*\""_s;
    QTest::addRow("unquoted") << u"foo=bar"_s << true << u"foo=\"bar\""_s;
    QTest::addRow("empty value") << u"foo="_s << true << u"foo=\"\""_s;
    QTest::addRow("spaces") << u"  foo  =  \"bar\"  "_s << true << u"foo=\"bar\""_s;
    QTest::addRow("two") << u"{foo=\"bar\", baz!=\"quux\"}"_s << true << u"foo=\"bar\";baz!=\"quux\""_s;
    QTest::addRow("comma in quotes") << u"foo=\"bar,quux\""_s << true << u"foo=\"bar,quux\""_s;
    QTest::addRow("escaped quote") << u"foo=\"bar\\\"baz\""_s << true << u"foo=\"bar\\\"baz\""_s;
    QTest::addRow("escaped newline") << u"foo=\"a\\nb\""_s << true << u"foo=\"a\\nb\""_s;
    QTest::addRow("spurious escape kept") << u"foo=\"a\\qb\""_s << true << u"foo=\"a\\\\qb\""_s;
    QTest::addRow("trailing comma") << u"a=\"1\", b!~\"x,y\" , "_s << true << u"a=\"1\";b!~\"x,y\""_s;
    QTest::addRow("colon name") << u"job:rate=x"_s << true << u"job:rate=\"x\""_s;
    QTest::addRow("empty braces") << u"{}"_s << true << QString();
    QTest::addRow("unquoted comma splits") << u"foo=bar,quux"_s << false << QString();
    QTest::addRow("stray quote") << u"foo=\"bar\"baz\""_s << false << QString();
    QTest::addRow("unterminated quote") << u"foo=\"bar"_s << false << QString();
    QTest::addRow("digit name") << u"1foo=bar"_s << false << QString();
    QTest::addRow("no operator") << u"foo"_s << false << QString();
    QTest::addRow("bad regex") << u"foo=~\"a[b\""_s << false << QString();
    QTest::addRow("double comma") << u"a=1,,b=2"_s << false << QString();
}

void TestInhibition::parseMatchers()
{
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QFETCH(QString, normalised);
    QString error;
    const auto parsed = Matcher::parseList(input, &error);
    QCOMPARE(parsed.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QStringList texts;
    for (const Matcher& m : *parsed)
        texts << m.toString();
    QCOMPARE(texts.join(u';'), normalised);
}

void TestInhibition::regexIsAnchored()
{
    const auto m = Matcher::parse(u"service=~\"api|web\""_s);
    QVERIFY(m);
    QVERIFY(m->matches(u"api"_s));
    QVERIFY(m->matches(u"web"_s));
    QVERIFY(!m->matches(u"api-2"_s));
    QVERIFY(!m->matches(u"my-web"_s));
    // A missing label is the empty string.
    const auto empty = Matcher::parse(u"team=\"\""_s);
    QVERIFY(empty && empty->matches(LabelSet{{u"service"_s, u"x"_s}}));
}

static LabelSet labels(std::initializer_list<std::pair<QString, QString>> list)
{
    LabelSet l;
    for (const auto& [k, v] : list)
        l.insert(k, v);
    return l;
}

void TestInhibition::ruleApplication_data()
{
    QTest::addColumn<LabelSet>("source");
    QTest::addColumn<LabelSet>("target");
    QTest::addColumn<bool>("inhibited");

    const auto crit = [](const QString& svc) {
        return labels({{u"alertname"_s, u"DbDown"_s}, {u"severity"_s, u"critical"_s}, {u"service"_s, svc}});
    };
    const auto warn = [](const QString& svc) {
        return labels({{u"alertname"_s, u"Latency"_s}, {u"severity"_s, u"warning"_s}, {u"service"_s, svc}});
    };
    QTest::addRow("equal label agrees") << crit(u"db"_s) << warn(u"db"_s) << true;
    QTest::addRow("equal label differs") << crit(u"db"_s) << warn(u"api"_s) << false;
    QTest::addRow("both missing equal label") << labels({{u"severity"_s, u"critical"_s}})
                                              << labels({{u"severity"_s, u"warning"_s}}) << true;
    QTest::addRow("one missing equal label") << labels({{u"severity"_s, u"critical"_s}}) << warn(u"db"_s) << false;
    QTest::addRow("target side does not match") << crit(u"db"_s) << crit(u"db"_s) << false;
    QTest::addRow("source side does not match") << warn(u"db"_s) << warn(u"db"_s) << false;
}

void TestInhibition::ruleApplication()
{
    QFETCH(LabelSet, source);
    QFETCH(LabelSet, target);
    QFETCH(bool, inhibited);
    InhibitRule rule;
    rule.sourceMatchers = *Matcher::parseList(u"severity=\"critical\""_s);
    rule.targetMatchers = *Matcher::parseList(u"severity=\"warning\""_s);
    rule.equal = {u"service"_s};
    QCOMPARE(rule.inhibits(source, target), inhibited);
}

void TestInhibition::yamlRules()
{
    QString error;
    const auto set = InhibitRuleSet::fromFile(QFINDTESTDATA("data/engine_inhibit.yml"), &error);
    QVERIFY2(set, qPrintable(error));
    QCOMPARE(set->rules().size(), 2);
    const InhibitRule& old = set->rules().at(1);
    QCOMPARE(old.sourceMatchers.size(), 1);
    QCOMPARE(old.targetMatchers.front().type(), Matcher::Type::Regexp);
    QCOMPARE(old.equal, QStringList{u"cluster"_s});
    // Old-style regex values are anchored too.
    QVERIFY(set->rules().at(1).isTarget(labels({{u"alertname"_s, u"ServiceDown"_s}})));
    QVERIFY(!set->rules().at(1).isTarget(labels({{u"alertname"_s, u"MyServiceDown"_s}})));

    // Two-sided rule: an alert matching both sides is not muted by a source that also matches the target side.
    const auto twoSided = InhibitRuleSet::fromYaml(
        "inhibit_rules:\n- source_matchers: ['severity=~\"critical|warning\"']\n"
        "  target_matchers: ['severity=\"warning\"']\n",
        &error);
    QVERIFY2(twoSided, qPrintable(error));
    const LabelSet w1 = labels({{u"alertname"_s, u"A"_s}, {u"severity"_s, u"warning"_s}});
    const LabelSet w2 = labels({{u"alertname"_s, u"B"_s}, {u"severity"_s, u"warning"_s}});
    const LabelSet c = labels({{u"alertname"_s, u"C"_s}, {u"severity"_s, u"critical"_s}});
    QCOMPARE(twoSided->inhibitingRule(w2, w1), -1);
    QCOMPARE(twoSided->inhibitingRule(c, w1), 0);

    QVERIFY(!InhibitRuleSet::fromYaml("inhibit_rules:\n- source_matchers: ['foo=\"bar']\n", &error));
    QVERIFY(error.contains(u"inhibit rule 0"_s));
    QVERIFY(!InhibitRuleSet::fromYaml("inhibit_rules: [unclosed", &error));
}

void TestInhibition::correlatorMarksInhibited()
{
    auto graph = std::make_shared<ServiceGraph>();
    graph->addEdge(u"api"_s, u"db"_s);
    Correlator correlator(graph);
    QString error;
    correlator.setInhibitRules(*InhibitRuleSet::fromFile(QFINDTESTDATA("data/engine_inhibit.yml"), &error));

    const QDateTime t0 = QDateTime::fromString(u"2026-11-27T23:00:00Z"_s, Qt::ISODate);
    auto make = [&](const QString& service, const QString& severity, int offset, Alert::Status status) {
        Alert a;
        a.labels = labels({{u"alertname"_s, u"X"_s + severity}, {u"service"_s, service}, {u"severity"_s, severity}});
        a.fingerprint = Alert::fingerprintOf(a.labels);
        a.startsAt = t0.addSecs(offset);
        a.receivedAt = t0.addSecs(offset + 5);
        a.status = status;
        return a;
    };
    const Alert target = make(u"db"_s, u"warning"_s, 0, Alert::Status::Firing);
    const Alert source = make(u"db"_s, u"critical"_s, 10, Alert::Status::Firing);
    correlator.add(target);
    QVERIFY(!correlator.trackedAlert(target.fingerprint)->inhibited);
    const auto update = correlator.add(source);
    QVERIFY(correlator.trackedAlert(target.fingerprint)->inhibited);
    QCOMPARE(correlator.trackedAlert(target.fingerprint)->inhibitedBy, source.fingerprint);
    QVERIFY(update.changed.contains(correlator.incidentKeyOf(target.fingerprint)));
    // Still in its incident: inhibition marks, never deletes.
    QCOMPARE(correlator.incidents().front().alerts.size(), 2);

    // A different service is not inhibited (equal: [service]).
    const Alert other = make(u"api"_s, u"warning"_s, 20, Alert::Status::Firing);
    correlator.add(other);
    QVERIFY(!correlator.trackedAlert(other.fingerprint)->inhibited);

    // The source resolving lifts the inhibition.
    Alert resolved = source;
    resolved.status = Alert::Status::Resolved;
    resolved.receivedAt = t0.addSecs(300);
    correlator.add(resolved);
    QVERIFY(!correlator.trackedAlert(target.fingerprint)->inhibited);
}

QTEST_GUILESS_MAIN(TestInhibition)
#include "tst_inhibition.moc"
