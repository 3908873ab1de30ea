// LabelInterner: equal label names and values of the alerts kept share one string, and nothing about the alerts or
// the incidents made of them changes; the pipeline interns what it keeps.
#include "correlate/correlator.h"
#include "pipeline/chunkahead.h"
#include "pipeline/labelinterner.h"
#include "pipeline/pipeline.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kT0 = QDateTime::currentDateTimeUtc().addSecs(-600);

// A fresh allocation each call, as a parser or a store read makes one per alert.
QString fresh(const QString& s)
{
    return QString::fromUtf8(s.toUtf8());
}

// n alerts over `services` services and `names` alert names; labels, annotations and URLs each their own strings.
AlertBatch alerts_(int n, int services, int names, bool uniqueLabel)
{
    AlertBatch out;
    for (int i = 0; i < n; ++i) {
        Alert a;
        a.labels.insert(fresh(u"alertname"_s), fresh(u"Alert%1"_s.arg(i % names)));
        a.labels.insert(fresh(u"service"_s), fresh(u"svc%1"_s.arg(i % services)));
        a.labels.insert(fresh(u"severity"_s), fresh(i % 3 ? u"warning"_s : u"critical"_s));
        if (uniqueLabel)
            a.labels.insert(fresh(u"pod"_s), fresh(u"pod-%1"_s.arg(i)));
        a.annotations.insert(fresh(u"summary"_s), fresh(u"Alert%1 fires on svc%2"_s.arg(i % names).arg(i % services)));
        a.fingerprint = Alert::fingerprintOf(a.labels);
        a.startsAt = kT0.addSecs(i % 50);
        a.receivedAt = kT0.addSecs(60);
        a.source = fresh(u"webhook:alertmanager"_s);
        a.generatorUrl = fresh(u"http://prometheus/graph?g0.expr=Alert%1"_s.arg(i % names));
        out << a;
    }
    return out;
}

// Deep copies: the originals to compare with once the batch is interned.
AlertBatch deepCopy(const AlertBatch& batch)
{
    AlertBatch out;
    for (Alert a : batch) {
        LabelSet labels, annotations;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            labels.insert(fresh(it.key()), fresh(it.value()));
        for (auto it = a.annotations.cbegin(); it != a.annotations.cend(); ++it)
            annotations.insert(fresh(it.key()), fresh(it.value()));
        a.labels = labels;
        a.annotations = annotations;
        a.source = fresh(a.source);
        a.generatorUrl = fresh(a.generatorUrl);
        out << a;
    }
    return out;
}

// Every pair of equal strings among these alerts' label names and values shares one instance; returns the
// first pair that does not.
QString firstUnshared(const AlertBatch& batch)
{
    QHash<QString, QString> first;
    const auto check = [&](const QString& s) -> bool {
        const auto it = first.constFind(s);
        if (it == first.cend()) {
            first.insert(s, s);
            return true;
        }
        return it->isSharedWith(s);
    };
    for (const Alert& a : batch) {
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            if (!check(it.key()) || !check(it.value()))
                return it.key() + u'=' + it.value();
        for (auto it = a.annotations.cbegin(); it != a.annotations.cend(); ++it)
            if (!check(it.key()) || !check(it.value()))
                return it.key() + u'=' + it.value();
        if (!check(a.source) || !check(a.generatorUrl))
            return a.source + u' ' + a.generatorUrl;
    }
    return {};
}

// Of each string met more than once among these alerts' label names and values, how many occurrences do not share
// its most shared instance: the most for any string. An interner keeps a string once it met it twice, so its first
// occurrence stays a copy of its own (1), and one more when the note of that first meeting was lost (2).
int mostStragglers(const AlertBatch& batch)
{
    QHash<QString, QHash<const QChar*, int>> instances;
    const auto note = [&](const QString& s) {
        if (!s.isEmpty())
            ++instances[s][s.constData()];
    };
    for (const Alert& a : batch) {
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            note(it.key()), note(it.value());
        for (auto it = a.annotations.cbegin(); it != a.annotations.cend(); ++it)
            note(it.key()), note(it.value());
        note(a.source);
        note(a.generatorUrl);
    }
    int most = 0;
    for (const auto& byInstance : std::as_const(instances)) {
        int all = 0, top = 0;
        for (const int n : byInstance)
            all += n, top = qMax(top, n);
        most = qMax(most, all - top);
    }
    return most;
}

// The incidents a correlator makes of these alerts, as text: keys, members and their labels.
QStringList incidentsOf(const AlertBatch& batch)
{
    Correlator correlator;
    correlator.addAll(batch);
    QStringList out;
    for (const Incident& inc : correlator.incidents()) {
        QStringList members;
        for (const TrackedAlert& t : inc.alerts) {
            QStringList labels;
            for (auto it = t.latest.labels.cbegin(); it != t.latest.labels.cend(); ++it)
                labels << it.key() + u'=' + it.value();
            members << t.fingerprint() + u'{' + labels.join(u',') + u'}' + t.latest.annotations.value(u"summary"_s);
        }
        out << inc.key + u": "_s + members.join(u' ') + u' ' + inc.affectedServices.join(u',') + u' ' + inc.severity;
    }
    return out;
}
} // namespace

class TestLabelInterner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void equalStringsShareStorage_data();
    void equalStringsShareStorage();
    void oneOffValuesAreNotKept_data();
    void oneOffValuesAreNotKept();
    void chunkAheadPreparesAndStops_data();
    void chunkAheadPreparesAndStops();
    void pipelineKeepsInternedAlerts_data();
    void pipelineKeepsInternedAlerts();
};

void TestLabelInterner::equalStringsShareStorage_data()
{
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("services");
    QTest::addColumn<int>("names");
    QTest::addColumn<bool>("uniqueLabel");
    QTest::addColumn<int>("capacity");
    QTest::addRow("storm: 2,000 alerts, 20 services, 5 names") << 2000 << 20 << 5 << false << 65536;
    QTest::addRow("distinct: every alert its own name") << 1000 << 200 << 1000 << false << 65536;
    QTest::addRow("a one-off pod label on each") << 1000 << 10 << 3 << true << 65536;
    QTest::addRow("table full of one-off values starts over") << 3000 << 10 << 3 << true << 500;
}

void TestLabelInterner::equalStringsShareStorage()
{
    QFETCH(int, alerts);
    QFETCH(int, services);
    QFETCH(int, names);
    QFETCH(bool, uniqueLabel);
    QFETCH(int, capacity);
    const AlertBatch original = alerts_(alerts, services, names, uniqueLabel);
    AlertBatch batch = deepCopy(original);
    QVERIFY(!firstUnshared(batch).isEmpty()); // as parsed: every string its own

    LabelInterner interner(capacity);
    interner.intern(batch);
    QVERIFY(interner.size() <= capacity);
    // Nothing changed but where the strings live.
    QCOMPARE(batch.size(), original.size());
    for (qsizetype i = 0; i < batch.size(); ++i) {
        QCOMPARE(batch.at(i).labels, original.at(i).labels);
        QCOMPARE(batch.at(i).annotations, original.at(i).annotations);
        QCOMPARE(batch.at(i).source, original.at(i).source);
        QCOMPARE(batch.at(i).generatorUrl, original.at(i).generatorUrl);
        QCOMPARE(batch.at(i).fingerprint, original.at(i).fingerprint);
    }
    QCOMPARE(incidentsOf(batch), incidentsOf(original));
    if (capacity >= alerts * 6) {
        QVERIFY(mostStragglers(batch) <= 2);
    } else {
        // The table started over: the strings of the alerts interned since then share again.
        const AlertBatch tail = batch.mid(batch.size() - capacity / 8);
        QVERIFY(mostStragglers(tail) <= 2);
    }

    // Met again, the first copies join the instance too; and a batch all interned is then left as it is: not
    // detached from whoever shares its maps.
    interner.intern(batch);
    if (capacity >= alerts * 6)
        QCOMPARE(firstUnshared(batch), QString());
    const AlertBatch before = batch;
    interner.intern(batch);
    if (capacity >= alerts * 6) {
        for (qsizetype i = 0; i < batch.size(); ++i)
            QVERIFY(batch.at(i).labels.isSharedWith(before.at(i).labels));
    }
}

void TestLabelInterner::oneOffValuesAreNotKept_data()
{
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("capacity");
    QTest::addRow("a body of distinct alerts, more than the table holds") << 40'000 << 30'000;
    QTest::addRow("a few, table roomy") << 2'000 << 65'536;
}

// Values met once (a pod each, an alert name each) are not kept: the table holds the repeated ones only, never
// starts over, and those stay shared across the whole batch. It used to fill with one-off values and start over
// every capacity's worth of them, so a repeat on either side of a start shared nothing.
void TestLabelInterner::oneOffValuesAreNotKept()
{
    QFETCH(int, alerts);
    QFETCH(int, capacity);
    AlertBatch batch = deepCopy(alerts_(alerts, 10, alerts, true));
    LabelInterner interner(capacity);
    interner.intern(batch);
    // Repeated: the five label and annotation names, 10 services, 2 severities, one source.
    QVERIFY2(interner.size() <= 20, qPrintable(QString::number(interner.size())));
    const int stragglers = mostStragglers(batch); // the table never started over: shared across the whole batch
    QVERIFY2(stragglers <= 2, qPrintable(QString::number(stragglers)));
}

void TestLabelInterner::chunkAheadPreparesAndStops_data()
{
    QTest::addColumn<int>("from");   // the ranks stored by an earlier attempt, not prepared again
    QTest::addColumn<int>("chunks"); // the chunks taken before it is dropped mid-way (-1: all of them)
    QTest::addRow("from the start, one chunk") << 0 << 1;
    QTest::addRow("a resend, from rank 5,000") << 5'000 << 2;
    QTest::addRow("a resend, from rank 4,321") << 4'321 << -1;
    QTest::addRow("all of it") << 0 << -1;
    QTest::addRow("dropped at once") << 0 << 0;
}

// The chunks taken hold the delivery's alerts rank after rank from `from`, a chunk's worth each (the last the rest),
// interned, and nothing before `from` is touched; dropped mid-way (a chunk failed, or the stop), it stops and joins
// without touching the alerts any more.
void TestLabelInterner::chunkAheadPreparesAndStops()
{
    QFETCH(int, from);
    QFETCH(int, chunks);
    const int services = 20;
    const qsizetype chunkAlerts = 1'000;
    const AlertBatch original = deepCopy(alerts_(20'000, services, 7, false));
    AlertBatch batch = original;
    const ChunkOrder order(batch);
    LabelInterner interner;
    const auto serviceAt = [&](const AlertBatch& b, qsizetype rank) {
        return b.at(order.at(rank)).labels.value(u"service"_s);
    };
    {
        ChunkAhead ahead(interner, batch.data(), order, from, chunkAlerts);
        qsizetype rank = from;
        QSet<const QChar*> instances;
        for (int taken = 0; chunks < 0 || taken < chunks; ++taken) {
            const PreparedNotifications chunk = ahead.take();
            if (chunk.size() == 0)
                break;
            QCOMPARE(chunk.size(), qMin(chunkAlerts, batch.size() - rank));
            for (const Alert& a : chunk.batch()) {
                QCOMPARE(a.fingerprint, original.at(order.at(rank)).fingerprint);
                QVERIFY(a.labels.value(u"service"_s).isSharedWith(serviceAt(batch, rank)));
                instances.insert(a.labels.value(u"service"_s).constData());
                ++rank;
            }
        }
        if (chunks < 0) {
            QCOMPARE(rank, batch.size());
            QCOMPARE(ahead.take().size(), 0); // after the last rank
        }
        for (qsizetype r = 0; r < from; ++r)
            QVERIFY2(serviceAt(batch, r).isSharedWith(serviceAt(original, r)), qPrintable(QString::number(r)));
        // Each value is kept from the second time it is met: at most two instances of each (the first stays its own).
        QVERIFY2(instances.size() <= 2 * services, qPrintable(QString::number(instances.size())));
    }
    for (qsizetype i = 0; i < batch.size(); ++i) // equal strings, only shared
        QVERIFY(batch.at(i).labels == original.at(i).labels && batch.at(i).source == original.at(i).source);
}

void TestLabelInterner::pipelineKeepsInternedAlerts_data()
{
    QTest::addColumn<int>("perDelivery");
    QTest::addColumn<int>("chunkAlerts"); // a delivery of more is stored in chunks, interned ahead of them
    QTest::addRow("small deliveries") << 30 << 2'500;
    QTest::addRow("one big delivery in chunks") << 300 << 40;
    QTest::addRow("big deliveries in one chunk and a rest") << 150 << 100;
}

void TestLabelInterner::pipelineKeepsInternedAlerts()
{
    // What the pipeline keeps for the views shares the strings of equal labels, whichever delivery brought them.
    QFETCH(int, perDelivery);
    QFETCH(int, chunkAlerts);
    QTemporaryDir dir;
    Pipeline pipeline;
    Pipeline::Options o;
    o.databasePath = dir.filePath(u"interned.sqlite"_s);
    o.chunkAlerts = chunkAlerts;
    QString error;
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    const AlertBatch batch = alerts_(300, 4, 7, true); // a pod label each: 300 distinct alerts
    int stored = 0;
    int deliveries = 0;
    for (qsizetype i = 0; i < batch.size(); i += perDelivery, ++deliveries)
        pipeline.submitDeferred(deepCopy(batch.mid(i, perDelivery)), [&stored](bool ok, const QString& why) {
            if (!ok)
                qWarning("not stored: %s", qPrintable(why));
            stored += ok ? 1 : 0;
        });
    QTRY_COMPARE_WITH_TIMEOUT(stored, deliveries, 10'000);
    pipeline.flush();
    AlertBatch kept;
    for (const Incident& inc : pipeline.snapshot()->incidents)
        for (const TrackedAlert& t : inc.alerts)
            kept << t.latest;
    QCOMPARE(kept.size(), batch.size());
    const int stragglers = mostStragglers(kept);
    QVERIFY2(stragglers <= 2, qPrintable(QString::number(stragglers)));
}

QTEST_GUILESS_MAIN(TestLabelInterner)
#include "tst_labelinterner.moc"
