// PromQL verify conditions against a real Prometheus (scraping itself, so up{job="self"} is live): a step
// whose condition comes to hold passes; one whose condition never holds fails at its verify timeout and its
// automatic rollback runs; a condition Prometheus rejects fails at once; hostile parameter values stay inside
// their quoted label value.

#include "../prometheusprocess.h"

#include "metrics/prometheusclient.h"
#include "runbook/approvaltoken.h"
#include "runbook/paramresolver.h"
#include "runbook/promqlcondition.h"
#include "runbook/runbookloader.h"
#include "runbook/stepexecutor.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRunbookPromql : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void verify_data();
    void verify();
    void hostileValueStaysInItsString();

private:
    std::optional<Runbook> loadRunbook(const QString& yaml, QString* error);
    // Approves and runs the first step against our Prometheus; nullopt when it never finished.
    std::optional<RunbookRun> runFirstStep(const ResolvedRunbook& resolved);

    QNetworkAccessManager m_nam;
    testsupport::PrometheusProcess m_prometheus;
    QTemporaryDir m_dir;
};

std::optional<Runbook> TestRunbookPromql::loadRunbook(const QString& yaml, QString* error)
{
    const QString path = m_dir.filePath(u"runbook.yaml"_s);
    if (!testsupport::writeTestFile(path, yaml.toUtf8(), error))
        return std::nullopt;
    return RunbookLoader::loadFile(path, error);
}

std::optional<RunbookRun> TestRunbookPromql::runFirstStep(const ResolvedRunbook& resolved)
{
    PrometheusClient client(m_prometheus.url());
    StepExecutor executor;
    executor.setPrometheus(&client);
    QSignalSpy finished(&executor, &StepExecutor::stepFinished);
    const ResolvedStep& step = resolved.steps.front();
    if (!executor.run(resolved.id, step, ApprovalToken::mint(resolved.id, step)) || !finished.wait(30'000))
        return std::nullopt;
    return finished.constFirst().constFirst().value<RunbookRun>();
}

void TestRunbookPromql::initTestCase()
{
    qRegisterMetaType<RunbookRun>();
    QVERIFY2(QFile::exists(testsupport::prometheusBinary), "prometheus is not installed: run packaging/dev.sh test");
    QString error;
    QVERIFY2(m_prometheus.start(m_nam, &error, true), qPrintable(error));
    // Prometheus hands new targets to its scrapers at most every 5 s: wait for the first sample of itself.
    PrometheusClient client(m_prometheus.url());
    QSignalSpy answered(&client, &PrometheusClient::finished);
    bool scraped = false;
    for (int attempt = 0; attempt < 60 && !scraped; ++attempt) {
        answered.clear();
        client.query(u"up{job=\"self\"}"_s);
        QVERIFY(answered.wait(5000));
        scraped = PromqlCondition::holds(answered.constFirst().at(1).value<PrometheusResult>());
        if (!scraped)
            QTest::qWait(500);
    }
    QVERIFY2(scraped, "Prometheus never scraped itself");
}

void TestRunbookPromql::verify_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("verify");  // RunbookRun verify name
    QTest::addColumn<bool>("rolledBack"); // the automatic rollback ran
    QTest::addColumn<QString>("errorPart");

    QTest::addRow("holds once scraped") << u"up{job=\"self\"} == 1"_s << u"passed"_s << false << QString();
    QTest::addRow("never holds") << u"up{job=\"self\"} == 2"_s << u"failed"_s << true << u"did not hold"_s;
    QTest::addRow("bool comparison false")
        << u"up{job=\"self\"} == bool 2"_s << u"failed"_s << true << u"first value 0"_s;
    QTest::addRow("rejected by Prometheus") << u"up{job=\"self\" =="_s << u"failed"_s << true << u"rejected"_s;
}

void TestRunbookPromql::verify()
{
    QFETCH(QString, condition);
    QFETCH(QString, verify);
    QFETCH(bool, rolledBack);
    QFETCH(QString, errorPart);

    // The step and its rollback are real programs called by argv; the rollback leaves a marker file.
    const QString marker =
        m_dir.filePath(u"rolled-back-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag())).replace(u' ', u'-'));
    QFile::remove(marker);
    const QString yaml = u"id: RB-TEST-PROMQL\ntitle: PromQL verify\n"
                         "steps:\n"
                         "  - name: act\n"
                         "    argv: [\"/usr/bin/true\"]\n"
                         "    timeout: 10s\n"
                         "    safety: low\n"
                         "    verify:\n"
                         "      promql: '%1'\n"
                         "      timeout: 6s\n"
                         "    rollback:\n"
                         "      argv: [\"/usr/bin/touch\", \"%2\"]\n"
                         "      automatic: true\n"_s.arg(QString(condition).replace(u'\'', u"''"_s), marker);
    QString error;
    const auto runbook = loadRunbook(yaml, &error);
    QVERIFY2(runbook, qPrintable(error));
    const auto resolved = ParamResolver::resolve(*runbook, {}, &error);
    QVERIFY2(resolved, qPrintable(error));

    const std::optional<RunbookRun> run = runFirstStep(*resolved);
    QVERIFY(run);
    QVERIFY2(verifyName(run->verify) == verify, qPrintable(verifyName(run->verify) + u": "_s + run->error));
    QCOMPARE(QFile::exists(marker), rolledBack);
    QVERIFY2(run->error.contains(errorPart), qPrintable(run->error));
}

void TestRunbookPromql::hostileValueStaysInItsString()
{
    // A job name that tries to close the string and add its own PromQL: escaped, it is only a strange
    // job name that matches nothing, so the condition does not hold (it would with the raw text).
    const QString yaml = u"id: RB-TEST-ESCAPE\ntitle: escaping\n"
                         "params:\n"
                         "  - name: job\n"
                         "    source: input\n"
                         "    pattern: '.*'\n"
                         "    max_length: 100\n"
                         "steps:\n"
                         "  - name: act\n"
                         "    argv: [\"/usr/bin/true\"]\n"
                         "    safety: low\n"
                         "    verify:\n"
                         "      promql: 'up{job=\"{job}\"} == 1'\n"
                         "      timeout: 4s\n"_s;
    QString error;
    const auto runbook = loadRunbook(yaml, &error);
    QVERIFY2(runbook, qPrintable(error));
    ParamResolver::Context context;
    context.input.insert(u"job"_s, u"nope\"} or vector(1) or up{job=\""_s);
    const auto resolved = ParamResolver::resolve(*runbook, context, &error);
    QVERIFY2(resolved, qPrintable(error));
    QCOMPARE(resolved->steps.front().verifyPromql, uR"(up{job="nope\"} or vector(1) or up{job=\""} == 1)"_s);

    const std::optional<RunbookRun> run = runFirstStep(*resolved);
    QVERIFY(run);
    QCOMPARE(verifyName(run->verify), u"failed"_s);
}

QTEST_GUILESS_MAIN(TestRunbookPromql)
#include "tst_runbook_promql.moc"
