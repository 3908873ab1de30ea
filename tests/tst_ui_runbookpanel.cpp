// RunbookPanel with real processes: a fake `kubectl` script (data/runbookpanel/kubectl, copied first on
// PATH, called by argv) records every call. Nothing runs before an Approve click; a click runs exactly that step
// (running → passed, output streamed into the pane); a failing verify shows failed and offers the rollback; hostile
// parameter text is rejected in the form with the validator's message and nothing starts. Every attempt
// and skip leaves as an auditRecord. Saves a grab() of the panel mid-run.

#include "runbook/runbooklibrary.h"
#include "runbook/stepexecutor.h"
#include "runbookoutputpane.h"
#include "runbookpanel.h"
#include "runbookparamform.h"
#include "runbookstepcard.h"
#include "runbookstepmodel.h"
#include "tst_ui_fixture.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using State = RunbookStepModel::State;

namespace {

QString readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestUiRunbookPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void proposesAndShowsTheSteps();
    void nothingRunsBeforeApprove();
    void followsTheBestProposalUntilChosen_data();
    void followsTheBestProposalUntilChosen();
    void invalidParametersNamedInOneLine();
    void approveRunsExactlyThatStep();
    void failingVerifyOffersRollback();
    void hostileInputIsRejected_data();
    void hostileInputIsRejected();
    void hostileLabelIsRejected();
    void escalateEmitsTheNote();
    void displayCommandQuotes_data();
    void displayCommandQuotes();

private:
    std::unique_ptr<RunbookPanel> makePanel(const Incident& incident = fixture::blackFridayIncident());
    QString bin(const QString& name) const { return QDir(m_dir.filePath(u"bin"_s)).filePath(name); }
    void click(QPushButton* button)
    {
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
    }

    QTemporaryDir m_dir;
    RunbookLibrary m_library;
};

void TestUiRunbookPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(u"bin"_s));
    QVERIFY(QDir(m_dir.path()).mkpath(u"runbooks"_s));
    // Copied, not used in place: the script records its calls beside itself.
    const QString script = QFINDTESTDATA("data/runbookpanel/kubectl");
    const QString yaml = QFINDTESTDATA("data/runbookpanel/pool.yaml");
    QVERIFY(!script.isEmpty() && !yaml.isEmpty());
    QVERIFY(QFile::copy(script, bin(u"kubectl"_s)));
    QVERIFY(QFile::setPermissions(bin(u"kubectl"_s), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(QFile::copy(yaml, m_dir.filePath(u"runbooks/pool.yaml"_s)));
    // Steps see PATH as it is when their parameters resolve: the fake kubectl comes first.
    qputenv("PATH", (m_dir.filePath(u"bin"_s) + u":/usr/bin:/bin"_s).toLocal8Bit());
    m_library.load(m_dir.filePath(u"runbooks"_s));
    QVERIFY2(m_library.errors().isEmpty(), qPrintable(m_library.errors().join(u'\n')));
}

void TestUiRunbookPanel::init()
{
    for (const QString& name : {u"calls.log"_s, u"patched"_s, u"undone"_s, u"hold"_s, u"fail-rollout"_s})
        QFile::remove(bin(name));
}

std::unique_ptr<RunbookPanel> TestUiRunbookPanel::makePanel(const Incident& incident)
{
    auto panel = std::make_unique<RunbookPanel>();
    // Watches the step model for the panel's whole life, from before any runbook is shown.
    new QAbstractItemModelTester(panel->stepModel(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 panel.get());
    panel->executor()->setLogDirectory(m_dir.filePath(u"logs"_s));
    panel->resize(450, 700);
    panel->show();
    panel->setLibrary(&m_library);
    panel->setIncident(incident);
    QCoreApplication::processEvents(); // widgets added to a shown panel are shown from the event loop
    return panel;
}

void TestUiRunbookPanel::proposesAndShowsTheSteps()
{
    auto panel = makePanel();
    // Named by nothing; proposed by its alertname and by the connection-pool cause in the evidence.
    QCOMPARE(panel->proposedRunbookIds().value(0), u"RB-DB-001"_s);
    QCOMPARE(panel->currentRunbookId(), u"RB-DB-001"_s);
    QVERIFY(panel->runbookCombo()->currentText().contains(u"Raise the database connection pool"_s));
    QCOMPARE(panel->runbookCombo()->count(), 6 + 1); // six runbooks and the separator before the unproposed

    RunbookStepModel* model = panel->stepModel();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->data(model->index(0), RunbookStepModel::SafetyTextRole).toString(), u"READ-ONLY"_s);
    QCOMPARE(model->data(model->index(1), RunbookStepModel::SafetyTextRole).toString(), u"HIGH RISK"_s);
    RunbookStepCard* inspect = panel->stepCard(0);
    RunbookStepCard* patch = panel->stepCard(1);
    QVERIFY(inspect && patch);
    QCOMPARE(inspect->commandText(), u"kubectl get deployment order-service --namespace shop "
                                     u"'--output=jsonpath={.spec.template.spec.containers[*].env}'"_s);
    QVERIFY(inspect->stateText().contains(u"PENDING"_s));
    QVERIFY(inspect->approveButton()->isEnabled());
    QVERIFY(!patch->approveButton()->isEnabled()); // the next step only, once the one before is done
    QVERIFY(!patch->rollbackButton()->isVisible());
    QVERIFY(patch->commandText().contains(u"\"value\":\"50\""_s)); // pool_size's default
    QCOMPARE(panel->paramForm()->editor(u"pool_size"_s)->placeholderText(), u"50"_s);
    QCOMPARE(panel->paramForm()->editor(u"deployment"_s)->placeholderText(), u"order-service"_s);

    // A typed value changes the command at once; an empty field goes back to the source.
    panel->paramForm()->editor(u"pool_size"_s)->setText(u"120"_s);
    QVERIFY(patch->commandText().contains(u"\"value\":\"120\""_s));
    panel->paramForm()->editor(u"pool_size"_s)->clear();
    QVERIFY(patch->commandText().contains(u"\"value\":\"50\""_s));

    // Another runbook, then no incident.
    QVERIFY(panel->selectRunbook(u"RB-HOST-005"_s));
    QCOMPARE(model->rowCount(), 3);
    panel->clear();
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(panel->proposedRunbookIds().isEmpty());
}

void TestUiRunbookPanel::nothingRunsBeforeApprove()
{
    auto panel = makePanel();
    QSignalSpy audits(panel.get(), &RunbookPanel::auditRecord);
    // Refreshes of the same incident, a dry run and a copy: still nothing may start.
    panel->setIncident(fixture::blackFridayIncident());
    click(panel->stepCard(0)->dryRunButton());
    click(panel->stepCard(1)->dryRunButton());
    click(panel->stepCard(1)->copyButton());
    QTest::qWait(400);
    QVERIFY(!QFile::exists(bin(u"calls.log"_s)));
    QVERIFY(!panel->executor()->isBusy());
    QCOMPARE(audits.size(), 0);

    const QString dry = panel->lastDryRun();
    QVERIFY2(dry.contains(u"nothing was started"_s), qPrintable(dry));
    QVERIFY(dry.contains(u"[0] kubectl"_s));
    QVERIFY(dry.contains(u"[3] order-service"_s));
    QVERIFY(dry.contains(u"deployment = order-service   (from alert label service)"_s));
    QVERIFY(dry.contains(u"namespace = shop   (the runbook's default)"_s));
    QVERIFY(dry.contains(u"offer the rollback: kubectl rollout undo deployment/order-service"_s));
    QVERIFY(panel->outputPane()->toPlainText().contains(u"Dry run of RB-DB-001 · step patch-pool"_s));
    QCOMPARE(QGuiApplication::clipboard()->text(),
             RunbookStepModel::displayCommand(panel->stepModel()->resolvedStep(1)->argv));
}

// An incident's first snapshot holds its first alert and no diagnosis yet; the runbook shown for it then must not
// stay once the diagnosis ranks another first, unless the engineer chose it or did something with it.
void TestUiRunbookPanel::followsTheBestProposalUntilChosen_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("keeps");
    QTest::addRow("nothing done") << u"none"_s << false;
    QTest::addRow("chosen from the list") << u"choose"_s << true;
    QTest::addRow("parameter typed") << u"type"_s << true;
    QTest::addRow("dry run") << u"dry-run"_s << true;
    QTest::addRow("step skipped") << u"skip"_s << true;
}

void TestUiRunbookPanel::followsTheBestProposalUntilChosen()
{
    QFETCH(QString, action);
    QFETCH(bool, keeps);
    const Incident diagnosed = fixture::blackFridayIncident();
    Incident first = diagnosed; // the same incident, as its first alert made it
    first.alerts = {diagnosed.alerts.first()};
    first.affectedServices = {first.alerts.first().service()};
    first.rootCauses.clear();

    auto panel = makePanel(first);
    const QString early = panel->currentRunbookId();
    QVERIFY2(!early.isEmpty() && early != u"RB-DB-001"_s, qPrintable(early));
    if (action == u"choose"_s) {
        QComboBox* combo = panel->runbookCombo();
        Q_EMIT combo->activated(combo->currentIndex()); // what a click on the shown entry sends
    } else if (action == u"type"_s) {
        const QList<QLineEdit*> fields = panel->paramForm()->findChildren<QLineEdit*>();
        QVERIFY(!fields.isEmpty());
        fields.first()->setText(u"typed"_s);
    } else if (action == u"dry-run"_s) {
        click(panel->stepCard(0)->dryRunButton());
    } else if (action == u"skip"_s) {
        QVERIFY(panel->stepModel()->canSkip(0));
        click(panel->stepCard(0)->skipButton());
    }

    panel->setIncident(diagnosed);
    QCOMPARE(panel->proposedRunbookIds().value(0), u"RB-DB-001"_s);
    QCOMPARE(panel->currentRunbookId(), keeps ? early : u"RB-DB-001"_s);
    QCOMPARE(panel->stepModel()->runbookId(), panel->currentRunbookId());
    QVERIFY(panel->runbookCombo()->currentText().startsWith(panel->currentRunbookId()));
    QVERIFY(!QFile::exists(bin(u"calls.log"_s)));
}

// Above the step kept in view, one line names the parameters every step waits for; each reason is under its field
// and in the line's tooltip. One line per reason made the war room give the panel the graph's height.
void TestUiRunbookPanel::invalidParametersNamedInOneLine()
{
    auto panel = makePanel();
    QVERIFY(panel->selectRunbook(u"RB-ANS-006"_s)); // host from a label these alerts lack; two sizes to type
    QLabel* line = nullptr;
    for (QLabel* l : panel->findChildren<QLabel*>())
        if (l->isVisible() && l->text().startsWith(u"No step can run"_s))
            line = l;
    QVERIFY(line);
    QCOMPARE(line->text(), u"No step can run until these parameters are valid: host, pool_size, previous_pool_size."_s);
    QVERIFY2(line->toolTip().contains(u"host: Required"_s), qPrintable(line->toolTip()));
    QCOMPARE(line->toolTip().count(u'\n'), 2);
    QVERIFY(!panel->stepModel()->canApprove(0));

    panel->paramForm()->editor(u"host"_s)->setText(u"db1.example.org"_s);
    panel->paramForm()->editor(u"pool_size"_s)->setText(u"80"_s);
    QCOMPARE(line->text(), u"No step can run until these parameters are valid: previous_pool_size."_s);
    panel->paramForm()->editor(u"previous_pool_size"_s)->setText(u"40"_s);
    QVERIFY(!line->isVisible());
    QVERIFY(line->toolTip().isEmpty());
    QVERIFY(panel->stepModel()->canApprove(0));
}

void TestUiRunbookPanel::approveRunsExactlyThatStep()
{
    auto panel = makePanel();
    QSignalSpy states(panel.get(), &RunbookPanel::stepStateChanged);
    QSignalSpy audits(panel.get(), &RunbookPanel::auditRecord);
    RunbookStepModel* model = panel->stepModel();

    click(panel->stepCard(0)->approveButton());
    QTRY_COMPARE_WITH_TIMEOUT(model->state(0), State::Passed, 10'000);
    QCOMPARE(
        readAll(bin(u"calls.log"_s)),
        u"get deployment order-service --namespace shop --output=jsonpath={.spec.template.spec.containers[*].env}\n"_s);
    QVERIFY(!QFile::exists(bin(u"patched"_s)));
    QCOMPARE(model->state(1), State::Pending);
    QList<State> seen;
    for (const auto& args : std::as_const(states))
        if (args.at(0).toString() == u"inspect"_s)
            seen << args.at(1).value<State>();
    QCOMPARE(seen, (QList<State>{State::Approved, State::Running, State::Passed}));
    QVERIFY(panel->outputPane()->toPlainText().contains(u"DB_POOL_MAX"_s));
    QCOMPARE(audits.size(), 1);
    const auto first = audits.at(0).at(0).value<RunbookRun>();
    QCOMPARE(first.outcome, RunbookRun::Outcome::Passed);
    QCOMPARE(first.incidentId, qint64(42));
    QCOMPARE(first.runbookId, u"RB-DB-001"_s);
    QCOMPARE(first.step, u"inspect"_s);
    QCOMPARE(first.approval, u"approved"_s);
    QCOMPARE(first.argv.value(3), u"order-service"_s);

    // A refresh of the same incident keeps what was done; the next step is now the one to approve.
    panel->setIncident(fixture::blackFridayIncident());
    QCOMPARE(model->state(0), State::Passed);
    QVERIFY(panel->stepCard(1)->approveButton()->isEnabled());

    // Mid-run: the rollout is held, the card says running, the pane shows what streamed so far.
    QFile hold(bin(u"hold"_s));
    QVERIFY(hold.open(QIODevice::WriteOnly));
    hold.close();
    click(panel->stepCard(1)->approveButton());
    QTRY_VERIFY_WITH_TIMEOUT(panel->outputPane()->toPlainText().contains(u"old replica is still terminating"_s),
                             10'000);
    QCOMPARE(model->state(1), State::Running);
    QVERIFY(panel->stepCard(1)->stopButton()->isVisible());
    QVERIFY(!panel->stepCard(0)->approveButton()->isEnabled()); // one step at a time
    QVERIFY(!panel->runbookCombo()->isEnabled());
    QVERIFY(QFile::exists(bin(u"patched"_s)));
    const QImage shot = panel->grab().toImage();
    QVERIFY(shot.save(m_dir.filePath(u"runbook-panel-midrun.png"_s)));
    // For the docs: NIGHTWATCH_SCREENSHOT_OUT=docs/runbook-panel.png keeps a copy.
    const QString keep = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_OUT");
    if (!keep.isEmpty())
        QVERIFY(shot.save(keep));

    QVERIFY(QFile::remove(bin(u"hold"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(model->state(1), State::Passed, 10'000);
    QCOMPARE(audits.size(), 2);
    const auto second = audits.at(1).at(0).value<RunbookRun>();
    QCOMPARE(second.step, u"patch-pool"_s);
    QCOMPARE(second.verify, RunbookRun::Verify::Passed);
    QVERIFY(panel->outputPane()->toPlainText().contains(u"successfully rolled out"_s));
    QVERIFY(!QFile::exists(bin(u"undone"_s)));
    QCOMPARE(readAll(bin(u"calls.log"_s)).count(u'\n'), 3); // get, patch, rollout status: nothing else
}

void TestUiRunbookPanel::failingVerifyOffersRollback()
{
    QFile fail(bin(u"fail-rollout"_s));
    QVERIFY(fail.open(QIODevice::WriteOnly));
    fail.close();
    auto panel = makePanel();
    QSignalSpy audits(panel.get(), &RunbookPanel::auditRecord);
    RunbookStepModel* model = panel->stepModel();

    click(panel->stepCard(0)->skipButton());
    QCOMPARE(model->state(0), State::Skipped);
    QCOMPARE(audits.size(), 1);
    QCOMPARE(audits.at(0).at(0).value<RunbookRun>().outcome, RunbookRun::Outcome::NotApproved);
    QVERIFY(!QFile::exists(bin(u"calls.log"_s)));

    RunbookStepCard* patch = panel->stepCard(1);
    click(patch->approveButton());
    QTRY_COMPARE_WITH_TIMEOUT(model->state(1), State::Failed, 10'000);
    QVERIFY2(patch->messageText().contains(u"verify failed"_s), qPrintable(patch->messageText()));
    QVERIFY(panel->outputPane()->toPlainText().contains(u"exceeded its progress deadline"_s));
    QVERIFY(!QFile::exists(bin(u"undone"_s))); // offered, not automatic
    QVERIFY(patch->rollbackButton()->isVisible());
    QVERIFY(patch->rollbackButton()->isEnabled());
    QCOMPARE(audits.size(), 2);
    QCOMPARE(audits.at(1).at(0).value<RunbookRun>().outcome, RunbookRun::Outcome::Failed);
    QCOMPARE(audits.at(1).at(0).value<RunbookRun>().verify, RunbookRun::Verify::Failed);
    QVERIFY(panel->grab().save(m_dir.filePath(u"runbook-panel-failed.png"_s)));

    click(patch->rollbackButton());
    QTRY_COMPARE_WITH_TIMEOUT(model->state(1), State::RolledBack, 10'000);
    QVERIFY(QFile::exists(bin(u"undone"_s)));
    QVERIFY(!patch->rollbackButton()->isVisible()); // rolled back once
    QCOMPARE(audits.size(), 3);
    const auto rollback = audits.at(2).at(0).value<RunbookRun>();
    QCOMPARE(rollback.kind, u"rollback"_s);
    QVERIFY(rollback.rolledBack);
    QCOMPARE(rollback.argv, (QStringList{u"kubectl"_s, u"rollout"_s, u"undo"_s, u"deployment/order-service"_s,
                                         u"--namespace"_s, u"shop"_s}));
}

void TestUiRunbookPanel::hostileInputIsRejected_data()
{
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    const QString marker = bin(u"pwned"_s);
    // pool_size allows 4 characters, so anything longer is refused for its length before its pattern.
    QTest::addRow("too long for pool_size") << u"pool_size"_s << u"5; rm -rf ~"_s << u"at most 4 are allowed"_s;
    QTest::addRow("10,000 characters") << u"pool_size"_s << QString(10'000, u'9')
                                       << u"is 10000 characters long; at most 4 are allowed"_s;
    QTest::addRow("pattern") << u"pool_size"_s << u"5;rm"_s << u"does not match the pattern [1-9][0-9]{0,3}"_s;
    QTest::addRow("command substitution")
        << u"namespace"_s << u"$(touch %1)"_s.arg(marker) << u"does not match the pattern"_s;
    QTest::addRow("backticks") << u"namespace"_s << u"`touch %1`"_s.arg(marker) << u"does not match the pattern"_s;
    QTest::addRow("semicolon") << u"namespace"_s << u"shop; rm -rf ~"_s << u"does not match the pattern"_s;
    QTest::addRow("newline") << u"namespace"_s << u"shop\ntouch x"_s << u"line break"_s;
    QTest::addRow("option") << u"namespace"_s << u"--kubeconfig=/etc/shadow"_s << u"could be read as an option"_s;
    QTest::addRow("non-UTF-8") << u"namespace"_s << QString::fromUtf8("shop\xff") << u"not valid UTF-8"_s;
}

void TestUiRunbookPanel::hostileInputIsRejected()
{
    QFETCH(QString, param);
    QFETCH(QString, value);
    QFETCH(QString, message);
    auto panel = makePanel();
    QSignalSpy audits(panel.get(), &RunbookPanel::auditRecord);
    click(panel->stepCard(0)->skipButton());
    QLineEdit* edit = panel->paramForm()->editor(param);
    QVERIFY(edit);
    edit->setFocus();
    if (value.size() < 80 && !value.contains(u'\n') && !value.contains(QChar::ReplacementCharacter))
        QTest::keyClicks(edit, value); // typed, key by key
    else
        edit->setText(value); // pasted
    QCOMPARE(edit->text(), value);

    const QString error = panel->paramForm()->errorText(param);
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(error.size() < 200, "the message quotes a short preview, not the whole value");
    const auto notes = panel->paramForm()->findChildren<QLabel*>();
    QVERIFY2(std::any_of(notes.cbegin(), notes.cend(),
                         [&](const QLabel* l) { return l->isVisible() && l->text() == error; }),
             "the reason is shown under the field");
    QVERIFY(!panel->paramForm()->isValid());
    QCOMPARE(panel->stepModel()->resolvedStep(1), nullptr);
    QVERIFY(!panel->stepCard(1)->approveButton()->isEnabled());
    QVERIFY(!panel->stepCard(1)->copyButton()->isEnabled());
    click(panel->stepCard(1)->approveButton()); // disabled: the click does nothing
    QTest::qWait(200);
    QVERIFY(!panel->executor()->isBusy());
    QVERIFY(!QFile::exists(bin(u"calls.log"_s)));
    QVERIFY(!QFile::exists(bin(u"pwned"_s)));
    QCOMPARE(audits.size(), 1); // the skip only

    // Fixing the value makes the step runnable again.
    edit->setText(param == u"namespace"_s ? u"shop"_s : u"80"_s);
    QVERIFY(panel->paramForm()->isValid());
    QVERIFY(panel->stepCard(1)->approveButton()->isEnabled());
}

void TestUiRunbookPanel::hostileLabelIsRejected()
{
    Incident incident = fixture::blackFridayIncident();
    for (TrackedAlert& a : incident.alerts)
        a.latest.labels.insert(u"namespace"_s, u"shop;touch %1"_s.arg(bin(u"pwned"_s)));
    auto panel = makePanel(incident);
    const QString error = panel->paramForm()->errorText(u"namespace"_s);
    QVERIFY2(error.contains(u"does not match the pattern"_s), qPrintable(error));
    QVERIFY2(error.contains(u"label:namespace"_s), qPrintable(error));
    QVERIFY(!panel->stepCard(0)->approveButton()->isEnabled());
    // The engineer may type the right value over what the alert said.
    panel->paramForm()->editor(u"namespace"_s)->setText(u"shop"_s);
    QVERIFY(panel->stepCard(0)->approveButton()->isEnabled());
    QVERIFY(!QFile::exists(bin(u"pwned"_s)));
}

void TestUiRunbookPanel::escalateEmitsTheNote()
{
    auto panel = makePanel();
    QSignalSpy escalations(panel.get(), &RunbookPanel::escalated);
    click(panel->stepCard(0)->skipButton());
    panel->escalationNote()->setText(u"DBA on call should look at max_connections"_s);
    click(panel->escalateButton());
    QCOMPARE(escalations.size(), 1);
    QCOMPARE(escalations.at(0).at(0).toLongLong(), qint64(42));
    const QString note = escalations.at(0).at(1).toString();
    QVERIFY2(note.contains(u"RB-DB-001"_s) && note.contains(u"inspect skipped"_s) &&
                 note.contains(u"DBA on call should look at max_connections"_s),
             qPrintable(note));
    QVERIFY(panel->escalationNote()->text().isEmpty());

    panel->clear(); // no incident: nothing to record it against
    QVERIFY(!panel->escalateButton()->isEnabled());
}

void TestUiRunbookPanel::displayCommandQuotes_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<QString>("shown");
    QTest::addRow("plain") << QStringList{u"kubectl"_s, u"get"_s, u"deployment/web"_s, u"--replicas=3"_s}
                           << u"kubectl get deployment/web --replicas=3"_s;
    QTest::addRow("spaces and json") << QStringList{u"echo"_s, u"a b"_s, u"{\"k\":1}"_s} << u"echo 'a b' '{\"k\":1}'"_s;
    QTest::addRow("single quote") << QStringList{u"echo"_s, u"it's"_s} << u"echo 'it'\\''s'"_s;
    QTest::addRow("empty and dollar") << QStringList{u"x"_s, QString(), u"$(id)"_s} << u"x '' '$(id)'"_s;
}

void TestUiRunbookPanel::displayCommandQuotes()
{
    QFETCH(QStringList, argv);
    QFETCH(QString, shown);
    QCOMPARE(RunbookStepModel::displayCommand(argv), shown);
}

QTEST_MAIN(TestUiRunbookPanel)
#include "tst_ui_runbookpanel.moc"
