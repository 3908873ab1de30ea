// LabelSet, the compact sorted array every open alert keeps its labels in: whatever order names arrive in, it reads
// as a QMap<QString, QString> filled alike would (order, values, lookups, removals), copies share one block until one
// of them changes, and squeezing or interning its strings changes nothing it holds.
#include "model/labelset.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Each step "name=value" inserts (the first '=' splits), "-name" removes.
template <typename Map>
void apply(Map& map, const QStringList& steps)
{
    for (const QString& step : steps) {
        if (step.startsWith(u'-')) {
            map.remove(step.mid(1));
        } else {
            const qsizetype eq = step.indexOf(u'=');
            map.insert(step.left(eq), step.mid(eq + 1));
        }
    }
}

QString nameOf(const QString& step)
{
    return step.startsWith(u'-') ? step.mid(1) : step.left(step.indexOf(u'='));
}

QStringList entriesOf(const LabelSet& set)
{
    QStringList out;
    for (auto it = set.cbegin(); it != set.cend(); ++it)
        out << it.key() + u'=' + it.value();
    return out;
}

QStringList entriesOf(const QMap<QString, QString>& map)
{
    QStringList out;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out << it.key() + u'=' + it.value();
    return out;
}

// A fresh allocation of s, as a parser makes one per label.
QString fresh(const QString& s)
{
    return QString::fromUtf8(s.toUtf8());
}

} // namespace

class TestLabelSet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsAsQMap_data();
    void readsAsQMap();
    void copiesShareUntilChanged();
    void squeezeKeepsEntries_data();
    void squeezeKeepsEntries();
    void replaceStringsSharesWithoutReordering();
};

void TestLabelSet::readsAsQMap_data()
{
    QTest::addColumn<QStringList>("steps");
    QTest::addRow("empty") << QStringList{};
    QTest::addRow("one") << QStringList{u"alertname=HighLatency"_s};
    QTest::addRow("sorted, as alertmanager sends")
        << QStringList{u"alertname=A"_s, u"job=node"_s, u"service=api"_s, u"severity=page"_s};
    QTest::addRow("reversed") << QStringList{u"severity=page"_s, u"service=api"_s, u"job=node"_s, u"alertname=A"_s};
    QTest::addRow("shuffled") << QStringList{u"m=1"_s, u"a=2"_s, u"z=3"_s, u"c=4"_s, u"x=5"_s, u"b=6"_s};
    QTest::addRow("repeated name keeps the last value")
        << QStringList{u"a=1"_s, u"b=2"_s, u"a=3"_s, u"b=4"_s, u"b=5"_s};
    QTest::addRow("empty name and value") << QStringList{u"a="_s, u"=x"_s, u"="_s};
    QTest::addRow("value holding '='") << QStringList{u"expr=a==b"_s, u"q=x=y"_s};
    QTest::addRow("case: upper before lower") << QStringList{u"b=1"_s, u"B=2"_s, u"a=3"_s, u"A=4"_s, u"_=5"_s};
    QTest::addRow("utf-16 order: surrogates before U+FFFD")
        << QStringList{u"\uFFFD=1"_s, u"🔥=2"_s, u"é=3"_s, u"z=4"_s, u"東京=5"_s};
    QTest::addRow("prefixes") << QStringList{u"abc=1"_s, u"ab=2"_s, u"abcd=3"_s, u"a=4"_s};
    QTest::addRow("removals: first, middle, last, missing")
        << QStringList{u"a=1"_s, u"b=2"_s, u"c=3"_s, u"d=4"_s, u"e=5"_s,
                       u"-a"_s, u"-c"_s, u"-e"_s, u"-q"_s, u"c=again"_s};
    QStringList many;
    for (int i = 0; i < 40; ++i)
        many << u"label%1=v%2"_s.arg((i * 17) % 40).arg(i);
    QTest::addRow("forty, out of order") << many;
}

void TestLabelSet::readsAsQMap()
{
    QFETCH(QStringList, steps);
    LabelSet set;
    QMap<QString, QString> map;
    apply(set, steps);
    apply(map, steps);
    QCOMPARE(entriesOf(set), entriesOf(map));
    QCOMPARE(set.size(), map.size());
    QCOMPARE(set.isEmpty(), map.isEmpty());
    QCOMPARE(set.keys(), map.keys());
    QCOMPARE(set.values(), map.values());
    QCOMPARE(entriesOf(set.toMap()), entriesOf(map));
    QCOMPARE(entriesOf(LabelSet(map)), entriesOf(map));
    QVERIFY(LabelSet(map) == set);
    // Every name the steps used, present or removed, and one never used.
    QStringList names{u"never-used"_s};
    for (const QString& step : std::as_const(steps))
        names << nameOf(step);
    for (const QString& name : std::as_const(names)) {
        QCOMPARE(set.contains(name), map.contains(name));
        QCOMPARE(set.value(name), map.value(name));
        QCOMPARE(set.value(name, u"fallback"_s), map.value(name, u"fallback"_s));
        QCOMPARE(set.constFind(name) == set.cend(), map.constFind(name) == map.cend());
        if (set.contains(name))
            QCOMPARE(set.constFind(name).key(), name);
    }
    // The fingerprint hashes the set in its order: the same as the QMap's.
    QString fingerprintInput;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        fingerprintInput += it.key() + u'\x1f' + it.value() + u'\x1e';
    QString fromSet;
    for (auto it = set.cbegin(); it != set.cend(); ++it)
        fromSet += it.key() + u'\x1f' + it.value() + u'\x1e';
    QCOMPARE(fromSet, fingerprintInput);
}

void TestLabelSet::copiesShareUntilChanged()
{
    LabelSet a{{u"service"_s, u"api"_s}, {u"alertname"_s, u"A"_s}};
    const LabelSet b = a;
    QVERIFY(a.isSharedWith(b));
    QVERIFY(a == b);
    a.insert(u"severity"_s, u"page"_s);
    QVERIFY(!a.isSharedWith(b));
    QCOMPARE(entriesOf(b), (QStringList{u"alertname=A"_s, u"service=api"_s}));
    QCOMPARE(entriesOf(a), (QStringList{u"alertname=A"_s, u"service=api"_s, u"severity=page"_s}));
    QVERIFY(a != b);
    LabelSet c = b;
    c[u"service"_s] = u"db"_s; // a value changed through operator[] detaches too
    QCOMPARE(b.value(u"service"_s), u"api"_s);
    QCOMPARE(c.value(u"service"_s), u"db"_s);
    for (auto it = c.begin(); it != c.end(); ++it)
        it.value() = it.value().toUpper();
    QCOMPARE(entriesOf(b), (QStringList{u"alertname=A"_s, u"service=api"_s}));
    QCOMPARE(entriesOf(c), (QStringList{u"alertname=A"_s, u"service=DB"_s}));
    LabelSet d = b; // removing from a copy leaves the original whole, down to an empty set
    QCOMPARE(d.take(u"service"_s), u"api"_s);
    QCOMPARE(d.remove(u"alertname"_s), 1);
    QVERIFY(d.isEmpty());
    QCOMPARE(entriesOf(b), (QStringList{u"alertname=A"_s, u"service=api"_s}));
    d.insert(u"x"_s, u"1"_s);
    QCOMPARE(entriesOf(d), (QStringList{u"x=1"_s}));
}

void TestLabelSet::squeezeKeepsEntries_data()
{
    QTest::addColumn<int>("labels");
    QTest::addColumn<bool>("shared"); // another copy holds the set while it is squeezed
    for (const int n : {0, 1, 2, 3, 5, 9, 33})
        for (const bool shared : {false, true})
            QTest::addRow("%d labels%s", n, shared ? ", shared" : "") << n << shared;
}

void TestLabelSet::squeezeKeepsEntries()
{
    QFETCH(int, labels);
    QFETCH(bool, shared);
    LabelSet set;
    QMap<QString, QString> map;
    for (int i = 0; i < labels; ++i) {
        set.insert(u"n%1"_s.arg(labels - i), u"v%1"_s.arg(i));
        map.insert(u"n%1"_s.arg(labels - i), u"v%1"_s.arg(i));
    }
    const LabelSet other = shared ? set : LabelSet();
    set.squeeze();
    QCOMPARE(set.capacity(), set.size());
    QCOMPARE(entriesOf(set), entriesOf(map));
    if (shared)
        QCOMPARE(entriesOf(other), entriesOf(map));
}

void TestLabelSet::replaceStringsSharesWithoutReordering()
{
    const QString service = fresh(u"service"_s), api = fresh(u"api"_s);
    LabelSet set;
    set.insert(fresh(u"zone"_s), fresh(u"eu"_s));
    set.insert(fresh(service), fresh(api));
    set.insert(fresh(u"alertname"_s), fresh(u"A"_s));
    const LabelSet before = set;
    const auto shared = [&](const QString& s) { return s == service ? service : s == api ? api : s; };
    set.replaceStrings(shared);
    QVERIFY(set == before);
    QCOMPARE(entriesOf(set), entriesOf(before));
    QVERIFY(set.constFind(service).key().isSharedWith(service));
    QVERIFY(set.constFind(service).value().isSharedWith(api));
    QVERIFY(!before.constFind(service).key().isSharedWith(service)); // the copy is not changed under its holder
    // A set whose strings are those already is left alone: it stays shared with its copies.
    const LabelSet copy = set;
    set.replaceStrings(shared);
    QVERIFY(set.isSharedWith(copy));
    // Empty and literal strings too (they have no shared header to compare).
    LabelSet literals{{u"empty"_s, QString()}, {u"literal"_s, u"x"_s}};
    const LabelSet literalsCopy = literals;
    literals.replaceStrings([](const QString& s) { return s; });
    QVERIFY(literals.isSharedWith(literalsCopy));

}

QTEST_GUILESS_MAIN(TestLabelSet)
#include "tst_labelset.moc"
