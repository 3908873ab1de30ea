// The resolve dialog driven by the keyboard alone, the window's lifecycle keys, and the card's similar past
// incidents (with the screenshot for the docs: NIGHTWATCH_SAVE_DOCS=1 writes docs/similar-incidents.png).
#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "resolvedialog.h"
#include "runbook/runbooklibrary.h"
#include "runbookpanel.h"
#include "tst_ui_fixture.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLayout>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QVector<RunbookLibrary::Proposal> proposals()
{
    const auto runbook = [](const QString& id, const QString& title, const QStringList& steps) {
        RunbookLibrary::Proposal p;
        p.runbook.id = id;
        p.runbook.title = title;
        for (const QString& name : steps) {
            RunbookStep step;
            step.name = name;
            p.runbook.steps << step;
        }
        return p;
    };
    // Fix combo: 0 RB-DB-001, 1 its step check, 2 its step restart-pool, 3 RB-SCALE, 4 its step scale, 5 else.
    return {runbook(u"RB-DB-001"_s, u"Connection pool exhausted"_s, {u"check"_s, u"restart-pool"_s}),
            runbook(u"RB-SCALE"_s, u"Scale out"_s, {u"scale"_s})};
}

Incident incident()
{
    // Root combo: 0 "Yes, postgres-main", 1 "No", 2 order-service, 3 redis-cache (candidates), then affected ones.
    return fixture::blackFridayIncident();
}

IncidentMemory memory()
{
    IncidentMemory m;
    PastIncidentMatch a;
    a.incidentId = 123;
    a.similarity = 0.92;
    a.firstAlertAt = fixture::at(14, 1).addDays(-21);
    a.mttrSecs = 42 * 60;
    a.rootCause = u"postgres-main"_s;
    a.fixedBy = u"RB-DB-001 / restart-pool"_s;
    a.fixedByRunbook = u"RB-DB-001"_s;
    a.ignored = {u"RB-SCALE proposed, not run"_s};
    PastIncidentMatch b;
    b.incidentId = 98;
    b.similarity = 0.71;
    b.firstAlertAt = fixture::at(14, 1).addDays(-40);
    b.mttrSecs = 2 * 3600 + 5 * 60;
    b.rootCause = u"order-service"_s;
    b.fixedBy = u"rolled back order-service v3.2.2"_s;
    b.ignored = {u"root cause postgres-main marked wrong"_s};
    PastIncidentMatch c;
    c.incidentId = 61;
    c.similarity = 0.55;
    c.firstAlertAt = fixture::at(14, 1).addDays(-75);
    c.mttrSecs = 25 * 60;
    m.similar = {a, b, c};
    RunbookTrackRecord r;
    r.runbookId = u"RB-DB-001"_s;
    r.fixes = 3;
    r.attempts = 4;
    r.score = 2.0; // RunbookRanker: 5 x (3 - 1) / (4 + 1)
    r.note = u"fixed 3 of 4 similar incidents"_s;
    m.runbooks.insert(r.runbookId, r);
    RunbookTrackRecord failing;
    failing.runbookId = u"RB-ANS-006"_s;
    failing.attempts = 2;
    failing.score = -5.0 * 2 / 3;
    failing.note = u"fixed 0 of 2 similar incidents"_s;
    m.runbooks.insert(failing.runbookId, failing);
    return m;
}
} // namespace

class TestUiResolveDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyboardOnly_data();
    void keyboardOnly();
    void lifecycleKeysAndButtons();
    void cardShowsSimilarIncidents();
};

void TestUiResolveDialog::keyboardOnly_data()
{
    QTest::addColumn<int>("fixDowns");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<int>("rootDowns");
    QTest::addColumn<int>("actionableDowns");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("runbook");
    QTest::addColumn<QString>("step");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("rootCause");
    QTest::addColumn<int>("right"); // -1 not answered, 0 no, 1 yes
    QTest::addColumn<bool>("actionable");

    QTest::addRow("defaults: the first runbook, right, actionable")
        << 0 << QString() << 0 << 0 << true << u"RB-DB-001"_s << QString() << QString() << u"postgres-main"_s << 1
        << true;
    QTest::addRow("a step, wrong without naming another") << 2 << QString() << 1 << 0 << true << u"RB-DB-001"_s
                                                          << u"restart-pool"_s << QString() << QString() << 0 << true;
    QTest::addRow("another runbook's step, another service, noise")
        << 4 << QString() << 2 << 1 << true << u"RB-SCALE"_s << u"scale"_s << QString() << u"order-service"_s << 0
        << false;
    QTest::addRow("something else, in words")
        << 5 << u"rolled back v3.2.2"_s << 0 << 0 << true << QString() << QString() << u"rolled back v3.2.2"_s
        << u"postgres-main"_s << 1 << true;
    QTest::addRow("something else, nothing typed: refused")
        << 5 << QString() << 0 << 0 << false << QString() << QString() << QString() << QString() << -1 << true;
}

void TestUiResolveDialog::keyboardOnly()
{
    QFETCH(int, fixDowns);
    QFETCH(QString, typed);
    QFETCH(int, rootDowns);
    QFETCH(int, actionableDowns);
    QFETCH(bool, accepted);

    ResolveDialog dialog(incident(), proposals());
    dialog.show();
    dialog.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    dialog.fixCombo()->setFocus();
    const auto press = [](int key, int times = 1) {
        for (int i = 0; i < times; ++i)
            QTest::keyClick(QApplication::focusWidget(), Qt::Key(key));
    };
    QCOMPARE(QApplication::focusWidget(), dialog.fixCombo());
    press(Qt::Key_Down, fixDowns);
    press(Qt::Key_Tab);
    if (!typed.isEmpty() || fixDowns == 5) {
        QCOMPARE(QApplication::focusWidget(), dialog.fixText()); // only "something else" stops in the text field
        QTest::keyClicks(QApplication::focusWidget(), typed);
        press(Qt::Key_Tab);
    }
    QCOMPARE(QApplication::focusWidget(), dialog.rootCauseCombo());
    press(Qt::Key_Down, rootDowns);
    press(Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), dialog.actionableCombo());
    press(Qt::Key_Down, actionableDowns);
    QCOMPARE(dialog.resolveButton()->isEnabled(), accepted);
    press(Qt::Key_Return);
    QCOMPARE(dialog.result() == QDialog::Accepted, accepted);
    if (!accepted) {
        QVERIFY(dialog.isVisible());
        return;
    }
    QFETCH(QString, runbook);
    QFETCH(QString, step);
    QFETCH(QString, text);
    QFETCH(QString, rootCause);
    QFETCH(int, right);
    QFETCH(bool, actionable);
    const Resolution r = dialog.resolution();
    QCOMPARE(r.incidentId, 42);
    QCOMPARE(r.fixedByRunbook, runbook);
    QCOMPARE(r.fixedByStep, step);
    QCOMPARE(r.fixedByText, text);
    QCOMPARE(r.rootCause, rootCause);
    QCOMPARE(r.suggestionRight, right < 0 ? std::optional<bool>() : std::optional<bool>(right == 1));
    QCOMPARE(r.actionable, std::optional<bool>(actionable));
    QCOMPARE(r.proposedRunbooks, (QStringList{u"RB-DB-001"_s, u"RB-SCALE"_s}));
}

void TestUiResolveDialog::lifecycleKeysAndButtons()
{
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.setSnapshot(fixture::blackFridaySnapshot());
    window.incidentView()->setFocus();
    QSignalSpy mitigations(&window, &MainWindow::mitigateRequested);
    QSignalSpy resolutions(&window, &MainWindow::resolveRequested);

    QTest::keyClick(window.incidentView(), Qt::Key_M);
    QCOMPARE(mitigations.size(), 1);
    QCOMPARE(mitigations.at(0).at(0).toLongLong(), 42);

    QTest::keyClick(window.incidentView(), Qt::Key_E);
    auto* dialog = window.findChild<ResolveDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->fixCombo()->currentText(), u"Something else…"_s); // no runbook library: nothing proposed
    dialog->fixText()->setText(u"failed over by hand"_s);
    QTest::keyClick(dialog->fixText(), Qt::Key_Return);
    QCOMPARE(resolutions.size(), 1);
    QCOMPARE(resolutions.at(0).at(0).toLongLong(), 42);
    QCOMPARE(resolutions.at(0).at(1).value<Resolution>().fixedByText, u"failed over by hand"_s);

    // Shift+R opens it as well; a resolved incident is not resolved again, nor mitigated.
    QTest::keyClick(window.incidentView(), Qt::Key_R, Qt::ShiftModifier);
    QTRY_VERIFY(window.findChild<ResolveDialog*>() && window.findChild<ResolveDialog*>()->isVisible());
    window.findChild<ResolveDialog*>()->reject();
    QVERIFY(window.selectIncident(u"auth-token-errors"_s));
    QVERIFY(!window.summaryCard()->resolveButton()->isEnabled());
    QVERIFY(!window.summaryCard()->mitigateButton()->isEnabled());
    QCOMPARE(window.resolveCurrentIncident(), nullptr);
    QTest::keyClick(window.incidentView(), Qt::Key_M);
    QCOMPARE(mitigations.size(), 1);

    // The acknowledged one shows who and when, and its MTTA; MTTR waits for the resolve.
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QVERIFY(window.summaryCard()->stateText().contains(u"maria"_s));
    QVERIFY(window.summaryCard()->mitigateButton()->isEnabled());
    QCOMPARE(window.summaryCard()->timesText(), u"5 min · not resolved"_s);
}

void TestUiResolveDialog::cardShowsSimilarIncidents()
{
    RunbookLibrary library;
    library.load(QString());
    MainWindow window;
    window.setRunbookLibrary(&library);
    window.show();
    auto snapshot = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    QCOMPARE(window.summaryCard()->similarLines(), QStringList());
    snapshot->memory.insert(u"bf-order-pool"_s, memory());
    window.setSnapshot(snapshot);
    QCOMPARE(window.currentIncidentId(), 42);
    const QStringList lines = window.summaryCard()->similarLines();
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0), u"#123 · 3 weeks before · resolved in 42 min · fixed by RB-DB-001 / restart-pool — "
                          u"ignored: RB-SCALE proposed, not run"_s);
    QCOMPARE(lines.at(1), u"#98 · 5 weeks before · resolved in 2 h 05 min · fixed by rolled back order-service "
                          u"v3.2.2 — ignored: root cause postgres-main marked wrong"_s);
    QCOMPARE(lines.at(2), u"#61 · 2 months before · resolved in 25 min · fix not recorded"_s);

    // The runbook with the record comes first, with its note; the one that failed on similar incidents sinks.
    const QStringList proposed = window.runbookPanel()->proposedRunbookIds();
    QVERIFY(proposed.contains(u"RB-DB-001"_s));
    QCOMPARE(proposed.front(), u"RB-DB-001"_s);
    bool noted = false;
    for (int i = 0; i < window.runbookPanel()->runbookCombo()->count(); ++i)
        noted |= window.runbookPanel()->runbookCombo()->itemText(i).contains(u"fixed 3 of 4 similar incidents"_s);
    QVERIFY(noted);

    // Another incident without memory says so instead of showing stale matches.
    QVERIFY(window.selectIncident(u"search-es-heap"_s));
    QCOMPARE(window.summaryCard()->similarLines(), QStringList());
    QVERIFY(window.selectIncident(u"bf-order-pool"_s));

    // The card on its own at a laptop panel's width, as tall as it wants: what the docs show.
    IncidentSummaryCard card;
    card.setIncident(fixture::blackFridayIncident());
    card.setMemory(memory());
    card.resize(360, 10);
    card.show();
    const int height = card.layout()->totalHeightForWidth(360);
    card.resize(360, height > 0 ? height : card.sizeHint().height());
    QCOMPARE(card.similarLines(), lines);
    const QImage shot = card.grab().toImage();
    QVERIFY(!shot.isNull());
    QTemporaryDir dir;
    QVERIFY(shot.save(dir.filePath(u"similar.png"_s)));
    if (qEnvironmentVariableIsSet("NIGHTWATCH_SAVE_DOCS")) {
        QDir(QStringLiteral(NIGHTWATCH_SOURCE_DIR)).mkpath(u"docs"_s);
        QVERIFY(shot.save(QStringLiteral(NIGHTWATCH_SOURCE_DIR "/docs/similar-incidents.png")));
    }
}

QTEST_MAIN(TestUiResolveDialog)
#include "tst_ui_resolvedialog.moc"
