// Models behind the console: every model under QAbstractItemModelTester before and after data
// arrives, keyed updates that keep the selection, and the alert filter's syntax (data-driven).

#include "alertfilterproxymodel.h"
#include "alerttablemodel.h"
#include "incidentlistdelegate.h"
#include "incidentlistmodel.h"
#include "model/incidenttitle.h"
#include "sourcehealthmodel.h"
#include "theme.h"
#include "tst_ui_fixture.h"

#include <QAbstractItemModelTester>
#include <QImage>
#include <QItemSelectionModel>
#include <QListView>
#include <QPainter>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void incidentModelUnderTester();
    void incidentModelOrdersOpenSevereFirst();
    void incidentModelKeepsSelectionAcrossSnapshots();
    void incidentModelUpdatesInPlaceWithoutReset();
    void incidentModelNamesIncidents();
    void incidentModelIncrementalMatchesReset_data();
    void incidentModelIncrementalMatchesReset();
    void alertModelIncrementalMatchesReset_data();
    void alertModelIncrementalMatchesReset();
    void incidentModelFoldsNoise_data();
    void incidentModelFoldsNoise();
    void noiseGroupExpandsOnClickAndSpace();
    void rowShowsNumberTitleAndLabelledConfidence();
    void tileFrameAsPaintedDirectly_data();
    void tileFrameAsPaintedDirectly();
    void alertModelHoldsTheSnapshotsValues_data();
    void alertModelHoldsTheSnapshotsValues();
    void alertModelUnderTester();
    void alertModelColumns();
    void alertCellsReadableInEveryTheme_data();
    void alertCellsReadableInEveryTheme();
    void sourceModelUnderTester();
    void filter_data();
    void filter();
    void filterProxyUnderTester();
    void proxySortsEveryColumn_data();
    void proxySortsEveryColumn();
    void invalidRegexIsReported();
};

void TestUiModels::incidentModelUnderTester()
{
    IncidentListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    const auto snapshot = fixture::blackFridaySnapshot();
    model.setIncidents(snapshot->incidents);
    QCOMPARE(model.rowCount(), 3);

    // A new incident, one gone, one changed: removals, insertions and a move in one update.
    Incident fresh = fixture::searchIncident();
    fresh.id = 44;
    fresh.key = u"kafka-broker-down"_s;
    fresh.severity = u"critical"_s;
    fresh.firstAlertAt = fixture::at(14, 20);
    Incident changed = fixture::blackFridayIncident();
    changed.alerts.append(fixture::alert(u"PodRestarting"_s, u"order-service"_s, u"warning"_s, fixture::at(14, 6), 1));
    model.setIncidents({fixture::searchIncident(), fresh, changed});
    QCOMPARE(model.rowCount(), 3);
    model.setIncidents({});
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::incidentModelOrdersOpenSevereFirst()
{
    IncidentListModel model;
    const auto snapshot = fixture::blackFridaySnapshot();
    // Hand the model the worst order: resolved first, critical last.
    model.setIncidents({fixture::resolvedAuthIncident(), fixture::searchIncident(), fixture::blackFridayIncident()});
    QCOMPARE(model.index(0, 0).data(IncidentListModel::IncidentIdRole).toLongLong(), 42);
    QCOMPARE(model.index(1, 0).data(IncidentListModel::IncidentIdRole).toLongLong(), 43);
    QCOMPARE(model.index(2, 0).data(IncidentListModel::IncidentIdRole).toLongLong(), 40);
    QCOMPARE(model.index(0, 0).data(IncidentListModel::RootCauseRole).toString(), u"postgres-main"_s);
    QCOMPARE(model.index(0, 0).data(IncidentListModel::AlertCountRole).toInt(), 20);
    QCOMPARE(model.index(0, IncidentListModel::StateColumn).data().toString(), u"Triggered"_s);
    QCOMPARE(model.index(0, IncidentListModel::FirstAlertColumn).data(IncidentListModel::FirstAlertRole).toDateTime(),
             fixture::at(14, 1, 5));
    QCOMPARE(model.rowOfKey(u"search-es-heap"_s), 1);
}

void TestUiModels::incidentModelKeepsSelectionAcrossSnapshots()
{
    IncidentListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QItemSelectionModel selection(&model);
    model.setIncidents(fixture::blackFridaySnapshot()->incidents);
    const QModelIndex search = model.index(model.rowOfKey(u"search-es-heap"_s), 0);
    selection.setCurrentIndex(search, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);

    // A critical incident arrives above it and the resolved one disappears.
    Incident fresh = fixture::blackFridayIncident();
    fresh.id = 50;
    fresh.key = u"second-storm"_s;
    fresh.firstAlertAt = fixture::at(14, 30);
    model.setIncidents({fresh, fixture::blackFridayIncident(), fixture::searchIncident()});

    QVERIFY(selection.currentIndex().isValid());
    QCOMPARE(selection.currentIndex().data(IncidentListModel::IncidentKeyRole).toString(), u"search-es-heap"_s);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().constFirst().data(IncidentListModel::IncidentIdRole).toLongLong(), 43);
}

void TestUiModels::incidentModelUpdatesInPlaceWithoutReset()
{
    IncidentListModel model;
    model.setIncidents(fixture::blackFridaySnapshot()->incidents);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    Incident more = fixture::blackFridayIncident();
    more.notificationCount += 10;
    model.setIncidents({more, fixture::searchIncident(), fixture::resolvedAuthIncident()});
    QCOMPARE(resets.size(), 0);
    QCOMPARE(removed.size(), 0);
    QVERIFY(changed.size() >= 1);
    QCOMPARE(model.index(0, 0).data(IncidentListModel::NotificationCountRole).toInt(),
             fixture::blackFridayIncident().notificationCount + 10);
}

namespace {
// One warning (or info) alert, nothing else: a storm's background.
Incident noiseIncident(int i, const QString& severity = u"warning"_s)
{
    Incident incident;
    incident.id = 100 + i;
    incident.key = u"noise-%1"_s.arg(i);
    incident.severity = severity;
    incident.alerts = {fixture::alert(u"HighCPU"_s, u"svc-%1"_s.arg(i), severity, fixture::at(13, i % 60), 1)};
    incident.affectedServices = {u"svc-%1"_s.arg(i)};
    incident.firstAlertAt = fixture::at(13, i % 60);
    incident.notificationCount = 1;
    return incident;
}

// The incident list as the main window shows it: the root-cause column, drawn by the list's delegate.
void showAsTheConsoleDoes(QListView& view, IncidentListModel& model, QSize size)
{
    view.setModel(&model);
    view.setModelColumn(IncidentListModel::RootCauseColumn);
    view.setItemDelegate(new IncidentListDelegate(&view));
    view.resize(size);
    view.show();
}

QVector<Incident> stormOf(int noise)
{
    QVector<Incident> incidents = fixture::blackFridaySnapshot()->incidents;
    for (int i = 0; i < noise; ++i)
        incidents.append(noiseIncident(i, i % 2 ? u"info"_s : u"warning"_s));
    return incidents;
}
} // namespace

void TestUiModels::incidentModelNamesIncidents()
{
    IncidentListModel model;
    model.setIncidents(fixture::blackFridaySnapshot()->incidents);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString title = model.index(row, 0).data(IncidentListModel::TitleRole).toString();
        QCOMPARE(title, IncidentTitle::of(*model.incidentAt(row)));
        QVERIFY(!title.contains(model.incidentAt(row)->key)); // a name, not the correlator's key
    }
    QCOMPARE(model.index(0, 0).data(IncidentListModel::TitleRole).toString(),
             u"Checkout-service SLO burn — postgres-main connections"_s);
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(u"calibrated on test suites"_s));
}

namespace {
// What a row shows, in the roles the list and the table paint from.
QString rowText(const QAbstractItemModel& model, int row, const QList<int>& roles)
{
    QStringList parts;
    for (int column = 0; column < model.columnCount(); ++column)
        for (int role : roles)
            parts << model.index(row, column).data(role).toString();
    return parts.join(u'|');
}

QStringList allRows(const QAbstractItemModel& model, const QList<int>& roles)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row)
        rows << rowText(model, row, roles);
    return rows;
}

// Moves `model` from `before` to `after` with `set`, the row keyed `selected` current and selected, and checks what
// a view relies on: no reset, the selection kept, the same rows as a model given `after` alone, and every row that
// now shows something else announced (dataChanged, an insert, or a layout change). layoutChanges >= 0: that many
// layout changes (each has a sorting proxy sort every row again).
template <typename Model, typename Rows>
void checkIncremental(const Rows& before, const Rows& after, const QString& selected, int keyRole,
                      const QList<int>& roles, void (Model::*set)(Rows), int layoutChanges = -1)
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QItemSelectionModel selection(&model);
    (model.*set)(before);
    const auto rowOf = [&](const QString& key) {
        for (int row = 0; row < model.rowCount(); ++row)
            if (model.index(row, 0).data(keyRole).toString() == key)
                return row;
        return -1;
    };
    const int from = rowOf(selected);
    QVERIFY(from >= 0);
    selection.setCurrentIndex(model.index(from, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QHash<QString, QString> shownBefore;
    for (int row = 0; row < model.rowCount(); ++row)
        shownBefore.insert(model.index(row, 0).data(keyRole).toString(), rowText(model, row, roles));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
    QSet<int> announced;
    QObject::connect(&model, &QAbstractItemModel::dataChanged, &model,
                     [&](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                         for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                             announced.insert(row);
                     });
    (model.*set)(after);

    Model reset;
    (reset.*set)(after);
    QCOMPARE(allRows(model, roles), allRows(reset, roles));
    QCOMPARE(resets.size(), 0);
    QVERIFY(selection.currentIndex().isValid());
    QCOMPARE(selection.currentIndex().data(keyRole).toString(), selected);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().constFirst().data(keyRole).toString(), selected);
    if (layoutChanges >= 0)
        QCOMPARE(layouts.size(), layoutChanges);
    if (!layouts.isEmpty())
        return; // every row is read again
    for (int row = 0; row < model.rowCount(); ++row) {
        const auto was = shownBefore.constFind(model.index(row, 0).data(keyRole).toString());
        if (was == shownBefore.cend())
            continue; // new: its insertion told the views
        if (*was != rowText(model, row, roles))
            QVERIFY2(announced.contains(row), qPrintable(u"row %1 changed unannounced"_s.arg(row)));
        else // a storm's snapshot costs the views its new and changed rows, not every row again
            QVERIFY2(!announced.contains(row), qPrintable(u"row %1 announced unchanged"_s.arg(row)));
    }
}

// `from` without the alerts at `rows`: a snapshot from before they arrived.
QVector<TrackedAlert> without(const QVector<TrackedAlert>& from, std::initializer_list<int> rows)
{
    QVector<TrackedAlert> out;
    for (int i = 0; i < from.size(); ++i)
        if (std::find(rows.begin(), rows.end(), i) == rows.end())
            out << from.at(i);
    return out;
}

// Every other alert of `from`, the first included: one of two incidents whose alerts a merge interleaves.
QVector<TrackedAlert> everyOther(const QVector<TrackedAlert>& from)
{
    QVector<TrackedAlert> out;
    for (int i = 0; i < from.size(); i += 2)
        out << from.at(i);
    return out;
}

// The storm's way: more alerts on an incident, more deliveries, a later last notification.
Incident grown(Incident incident, int alerts)
{
    for (int i = 0; i < alerts; ++i)
        incident.alerts.append(
            fixture::alert(u"StormAlert%1"_s.arg(i), u"order-service"_s, u"warning"_s, fixture::at(14, 10, i), 1));
    incident.notificationCount += alerts;
    incident.lastAlertAt = fixture::at(14, 20);
    return incident;
}
} // namespace

void TestUiModels::incidentModelIncrementalMatchesReset_data()
{
    QTest::addColumn<QVector<Incident>>("before");
    QTest::addColumn<QVector<Incident>>("after");
    QTest::addColumn<QString>("selected");
    const Incident bf = fixture::blackFridayIncident(), search = fixture::searchIncident(),
                   auth = fixture::resolvedAuthIncident();
    Incident fresh = bf;
    fresh.id = 50;
    fresh.key = u"second-storm"_s;
    fresh.firstAlertAt = fixture::at(14, 30);
    Incident louder = search; // critical and newest: moves above the storm
    louder.severity = u"critical"_s;
    louder.firstAlertAt = fixture::at(14, 40);
    Incident merged = bf; // the search incident's alerts joined the storm's
    merged.alerts += search.alerts;
    merged.notificationCount += search.notificationCount;
    merged.affectedServices += search.affectedServices;
    merged.lastAlertAt = fixture::at(14, 50);
    Incident acknowledged = search;
    acknowledged.state = Incident::State::Acknowledged;

    QTest::addRow("added above") << QVector{bf, search} << QVector{fresh, bf, search} << search.key;
    QTest::addRow("removed") << QVector{bf, search, auth} << QVector{bf, search} << search.key;
    QTest::addRow("reordered") << QVector{bf, search, auth} << QVector{bf, louder, auth} << bf.key;
    QTest::addRow("merged") << QVector{bf, search, auth} << QVector{merged, auth} << bf.key;
    QTest::addRow("grown by a storm") << QVector{bf, search} << QVector{grown(bf, 30), search} << search.key;
    QTest::addRow("state changed") << QVector{bf, search} << QVector{bf, acknowledged} << bf.key;
    QTest::addRow("unchanged") << QVector{bf, search, auth} << QVector{bf, search, auth} << search.key;
    QTest::addRow("noise folds in") << QVector{bf, search} << stormOf(6) << search.key;
    QTest::addRow("noise folds away") << stormOf(6) << QVector{grown(bf, 3), search} << bf.key;
}

void TestUiModels::incidentModelIncrementalMatchesReset()
{
    QFETCH(QVector<Incident>, before);
    QFETCH(QVector<Incident>, after);
    QFETCH(QString, selected);
    using R = IncidentListModel;
    checkIncremental<IncidentListModel>(before, after, selected, R::IncidentKeyRole,
                                        {Qt::DisplayRole, Qt::ToolTipRole, R::IncidentIdRole, R::SeverityRole,
                                         R::AlertCountRole, R::NotificationCountRole, R::ServiceCountRole, R::StateRole,
                                         R::RootCauseRole, R::ConfidenceRole, R::TitleRole, R::NoiseCountRole,
                                         R::IsNoiseMemberRole},
                                        &IncidentListModel::setIncidents);
}

void TestUiModels::alertModelIncrementalMatchesReset_data()
{
    QTest::addColumn<QVector<TrackedAlert>>("before");
    QTest::addColumn<QVector<TrackedAlert>>("after");
    QTest::addColumn<QString>("selected");
    QTest::addColumn<int>("layoutChanges");
    const QVector<TrackedAlert> alerts = fixture::blackFridayIncident().alerts;
    const QString third = alerts.at(2).fingerprint();
    QVector<TrackedAlert> renotified = alerts;
    renotified[2].notificationCount += 1;
    renotified[2].lastReceivedAt = renotified[2].lastReceivedAt.addSecs(60);
    QVector<TrackedAlert> resolved = alerts;
    resolved[5].latest.status = Alert::Status::Resolved;
    resolved[5].latest.endsAt = fixture::at(14, 30);
    // The model keeps onset order whatever order it is given: a row moves when its onset does (a notification with an
    // earlier start).
    QVector<TrackedAlert> reordered = alerts;
    reordered[12].firstStartsAt = alerts.at(1).firstStartsAt.addSecs(1);
    QVector<TrackedAlert> reversed = alerts;
    std::reverse(reversed.begin(), reversed.end());
    // Late onsets: alerts that sort among those shown already (the incident keeps its alerts in onset order).
    const QVector<TrackedAlert> lateOnsets = without(alerts, {0, 4, 5, 9, int(alerts.size()) - 1});
    QVector<TrackedAlert> lateAndRenotified = alerts;
    lateAndRenotified[2].notificationCount += 1;
    QVector<TrackedAlert> lateAndMoved = alerts;
    lateAndMoved[7].firstStartsAt = alerts.at(6).firstStartsAt.addSecs(-1);

    QTest::addRow("appended") << alerts.mid(0, 10) << alerts << third << 0;
    QTest::addRow("removed") << alerts << alerts.mid(1) << third << 0;
    QTest::addRow("renotified") << alerts << renotified << third << 0;
    QTest::addRow("resolved") << alerts << resolved << third << 0;
    QTest::addRow("reordered") << alerts << reordered << third << 1;
    QTest::addRow("given in reverse") << alerts << reversed << third << 0;
    QTest::addRow("grown by a storm") << alerts << grown(fixture::blackFridayIncident(), 40).alerts << third << 0;
    QTest::addRow("late onsets among them") << lateOnsets << alerts << third << 0;
    QTest::addRow("late onsets, one renotified") << lateOnsets << lateAndRenotified << third << 0;
    QTest::addRow("late onsets, one gone") << without(alerts, {4, 9}) << without(alerts, {3}) << third << 0;
    QTest::addRow("late onsets and a move") << lateOnsets << lateAndMoved << third << 1;
    // Two incidents' alerts interleaved (a merge): one layout change rather than a copy of the rows per inserted run.
    const QVector<TrackedAlert> merged = grown(fixture::blackFridayIncident(), 40).alerts;
    QTest::addRow("interleaved by a merge") << everyOther(merged) << merged << third << 1;
    QVector<TrackedAlert> mergedAndRenotified = merged;
    mergedAndRenotified[2].notificationCount += 1;
    QTest::addRow("interleaved, one renotified") << everyOther(merged) << mergedAndRenotified << third << 1;
    // One of ours gone as well: removed first, then the new rows placed the same way among those left.
    const QVector<TrackedAlert> mergedLater = merged.mid(1);
    QTest::addRow("interleaved, one gone") << everyOther(merged) << mergedLater << third << 1;
}

void TestUiModels::alertModelIncrementalMatchesReset()
{
    QFETCH(QVector<TrackedAlert>, before);
    QFETCH(QVector<TrackedAlert>, after);
    QFETCH(QString, selected);
    QFETCH(int, layoutChanges);
    checkIncremental<AlertTableModel>(before, after, selected, AlertTableModel::FingerprintRole,
                                      {Qt::DisplayRole, Qt::ToolTipRole, AlertTableModel::SearchTextRole},
                                      &AlertTableModel::setAlerts, layoutChanges);
}

void TestUiModels::incidentModelFoldsNoise_data()
{
    QTest::addColumn<int>("noise");
    QTest::addColumn<int>("foldedRows");
    QTest::addColumn<int>("groupRow"); // -1: no group
    // Open critical first; the group stands where its first member would (noise from 13:00 to 13:59 around the
    // acknowledged warning of 13:40), the resolved incident stays last.
    QTest::addRow("storm") << 80 << 4 << 1;
    QTest::addRow("just enough for a group") << IncidentListModel::MinimumNoiseGroup << 4 << 2;
    QTest::addRow("too few to fold") << IncidentListModel::MinimumNoiseGroup - 1
                                     << 3 + IncidentListModel::MinimumNoiseGroup - 1 << -1;
}

void TestUiModels::incidentModelFoldsNoise()
{
    QFETCH(int, noise);
    QFETCH(int, foldedRows);
    QFETCH(int, groupRow);
    IncidentListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setIncidents(stormOf(noise));
    QCOMPARE(model.rowCount(), foldedRows);
    QCOMPARE(model.noiseGroupRow(), groupRow);
    if (groupRow < 0) {
        for (int row = 0; row < model.rowCount(); ++row)
            QVERIFY(model.incidentAt(row));
        return;
    }
    const QModelIndex group = model.index(groupRow, IncidentListModel::RootCauseColumn);
    QVERIFY(group.data(IncidentListModel::IsNoiseGroupRole).toBool());
    QCOMPARE(group.data(IncidentListModel::NoiseCountRole).toInt(), noise);
    QVERIFY(group.data().toString().startsWith(u"Noise: %1 single-alert incident"_s.arg(noise)));
    QVERIFY(!model.incidentAt(groupRow));
    QVERIFY(group.data(IncidentListModel::IncidentKeyRole).toString().isEmpty());
    QCOMPARE(model.incidentAt(0)->id, 42);
    QCOMPARE(model.incidentAt(model.rowCount() - 1)->id, 40); // resolved last

    QVERIFY(model.setData(group, true, IncidentListModel::NoiseExpandedRole));
    QCOMPARE(model.rowCount(), foldedRows + noise);
    for (int i = 1; i <= noise; ++i) {
        const Incident* member = model.incidentAt(groupRow + i);
        QVERIFY(member);
        QVERIFY(IncidentListModel::isNoise(*member));
        QVERIFY(model.index(groupRow + i, 0).data(IncidentListModel::IsNoiseMemberRole).toBool());
    }
    // A new snapshot keeps the group open; folding hides the members again.
    model.setIncidents(stormOf(noise));
    QCOMPARE(model.rowCount(), foldedRows + noise);
    QVERIFY(model.setData(model.index(groupRow, 0), false, IncidentListModel::NoiseExpandedRole));
    QCOMPARE(model.rowCount(), foldedRows);
    QVERIFY(!model.setData(model.index(0, 0), true, IncidentListModel::NoiseExpandedRole)); // not the group
}

void TestUiModels::noiseGroupExpandsOnClickAndSpace()
{
    IncidentListModel model;
    model.setIncidents(stormOf(12));
    QListView view;
    showAsTheConsoleDoes(view, model, QSize(320, 700));
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int groupRow = model.noiseGroupRow();
    QCOMPARE(groupRow, 2); // after the critical and the acknowledged warning of 13:40: the noise is older
    const QRect rect = view.visualRect(model.index(groupRow, IncidentListModel::RootCauseColumn));
    QVERIFY(view.viewport()->rect().contains(rect));

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, rect.center());
    QVERIFY(model.isNoiseExpanded());
    QCOMPARE(model.rowCount(), 4 + 12);

    view.setCurrentIndex(model.index(groupRow, IncidentListModel::RootCauseColumn));
    QTest::keyClick(view.viewport(), Qt::Key_Space);
    QVERIFY(!model.isNoiseExpanded());
    QCOMPARE(model.rowCount(), 4);
}

void TestUiModels::rowShowsNumberTitleAndLabelledConfidence()
{
    IncidentListModel model;
    model.setIncidents(fixture::blackFridaySnapshot()->incidents);
    QListView view;
    showAsTheConsoleDoes(view, model, QSize(340, 400));
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const QModelIndex top = model.index(0, IncidentListModel::RootCauseColumn);
    QCOMPARE(IncidentListDelegate::confidenceText(top), u"root cause 78 %"_s);
    QStyleOptionViewItem option;
    option.initFrom(view.viewport());
    option.rect = view.visualRect(top);
    option.font = view.font();
    const QRect conf = IncidentListDelegate::confidenceRect(option, top);
    QVERIFY(!conf.isEmpty());
    QVERIFY(option.rect.contains(conf)); // in the row, not clipped at its right edge

    // The labelled confidence is actually drawn there: dark ink on the white card.
    const QImage image = view.viewport()->grab().toImage();
    int ink = 0;
    for (int y = conf.top(); y <= conf.bottom(); ++y)
        for (int x = conf.left(); x <= conf.right(); ++x)
            ink += qGray(image.pixel(x * image.width() / view.viewport()->width(),
                                     y * image.height() / view.viewport()->height())) < 128;
    QVERIFY2(ink > 20, qPrintable(u"%1 dark pixels"_s.arg(ink)));
}

void TestUiModels::tileFrameAsPaintedDirectly_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("selectedRow");
    QTest::addRow("selected incident") << 0 << 0; // its 2-pixel outline reaches past the tile's rectangle
    QTest::addRow("incident") << 1 << 0;
    QTest::addRow("noise group") << 2 << 0; // dashed
    QTest::addRow("selected noise group") << 2 << 2;
}

void TestUiModels::tileFrameAsPaintedDirectly()
{
    // The delegate copies each tile's frame (outline, fill, severity bar) from a cached picture: the list must look
    // as if the frame were painted straight onto it, its outline whole, in every look.
    QFETCH(int, row);
    QFETCH(int, selectedRow);
    IncidentListModel model;
    model.setIncidents(stormOf(12));
    QListView view;
    showAsTheConsoleDoes(view, model, QSize(320, 700));
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setCurrentIndex(model.index(selectedRow, IncidentListModel::RootCauseColumn));
    const QModelIndex index = model.index(row, IncidentListModel::RootCauseColumn);
    const bool group = index.data(IncidentListModel::IsNoiseGroupRole).toBool();
    QCOMPARE(group, row == 2);
    const QImage shown = view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shown.size(), view.viewport()->size()); // one pixel a pixel: the comparison below is by position

    // The frame as the delegate used to paint it, on the list's background.
    QStyleOptionViewItem option;
    option.initFrom(view.viewport());
    option.rect = view.visualRect(index);
    if (row == selectedRow)
        option.state |= QStyle::State_Selected;
    const IncidentListDelegate::Colours colour = IncidentListDelegate::colours(option, index);
    const QRect r = option.rect.adjusted(4, 3, -4, -3);
    QImage direct(shown.size(), QImage::Format_RGB32);
    direct.fill(shown.pixel(1, option.rect.top() + 1)); // between the tiles
    {
        QPainter painter(&direct);
        painter.setRenderHint(QPainter::Antialiasing);
        const bool selected = row == selectedRow;
        painter.setPen(QPen(colour.border, selected ? 2 : 1, selected || !group ? Qt::SolidLine : Qt::DashLine));
        painter.setBrush(colour.fill);
        painter.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        if (!group) {
            const QColor sev = index.data(IncidentListModel::SeverityColorRole).value<QColor>();
            painter.setPen(Qt::NoPen);
            painter.setBrush(index.data(IncidentListModel::IsOpenRole).toBool() ? sev : sev.lighter(150));
            painter.drawRoundedRect(QRect(r.left() + 1, r.top() + 1, 7, r.height() - 1), 3, 3);
        }
    }
    // Compared on the frame's band, where no text goes: rounding may differ by a step or two, a missing edge by far
    // more.
    const QRect outer = r.adjusted(-3, -3, 3, 3), inner = r.adjusted(10, 4, -4, -4);
    int compared = 0, worst = 0;
    QPoint worstAt;
    for (int y = outer.top(); y <= outer.bottom(); ++y)
        for (int x = outer.left(); x <= outer.right(); ++x) {
            if (inner.contains(x, y) || !shown.rect().contains(x, y))
                continue;
            const QRgb a = shown.pixel(x, y), b = direct.pixel(x, y);
            const int d =
                std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
            ++compared;
            if (d > worst) {
                worst = d;
                worstAt = QPoint(x, y);
            }
        }
    QVERIFY(compared > 1000);
    QVERIFY2(worst <= 2, qPrintable(u"differs by %1 at (%2, %3) of the tile %4,%5 %6x%7"_s.arg(worst)
                                        .arg(worstAt.x())
                                        .arg(worstAt.y())
                                        .arg(r.x())
                                        .arg(r.y())
                                        .arg(r.width())
                                        .arg(r.height())));
}

void TestUiModels::alertModelHoldsTheSnapshotsValues_data()
{
    QTest::addColumn<QVector<TrackedAlert>>("before");
    QTest::addColumn<QVector<TrackedAlert>>("after");
    const QVector<TrackedAlert> alerts = grown(fixture::blackFridayIncident(), 40).alerts;
    QTest::addRow("appended") << alerts.mid(0, 30) << alerts;
    QTest::addRow("late onsets") << without(alerts, {3, 8}) << alerts;
    QTest::addRow("interleaved") << everyOther(alerts) << alerts;
    QTest::addRow("one gone") << alerts << alerts.mid(1);
}

// Whatever way a snapshot is merged, every row holds the snapshot's alert, fields no column shows included (the alert
// details and the silence dialog read them): sameRow decides what is announced, not what is kept.
void TestUiModels::alertModelHoldsTheSnapshotsValues()
{
    QFETCH(QVector<TrackedAlert>, before);
    QFETCH(QVector<TrackedAlert>, after);
    for (int i = 0; i < after.size(); ++i) {
        after[i].latest.generatorUrl = u"http://prometheus:9090/graph?g0.expr=%1"_s.arg(i);
        after[i].latest.receivedAt = fixture::at(14, 59);
    }
    AlertTableModel model;
    model.setAlerts(before);
    model.setAlerts(after);
    QCOMPARE(model.rowCount(), after.size());
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.alertAt(row)->fingerprint(), after.at(row).fingerprint());
        QCOMPARE(model.alertAt(row)->latest.generatorUrl, after.at(row).latest.generatorUrl);
        QCOMPARE(model.alertAt(row)->latest.receivedAt, after.at(row).latest.receivedAt);
    }
}

void TestUiModels::alertModelUnderTester()
{
    AlertTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(AlertTableModel::ColumnCount));
    const Incident incident = fixture::blackFridayIncident();
    model.setAlerts(incident.alerts);
    QCOMPARE(model.rowCount(), 20);
    model.setRootCause(u"postgres-main"_s);
    // Status flip of one alert and a new one: in place.
    QVector<TrackedAlert> next = incident.alerts;
    next[5].latest.status = Alert::Status::Resolved;
    next.prepend(fixture::alert(u"DiskFull"_s, u"postgres-main"_s, u"critical"_s, fixture::at(14, 0), 1));
    model.setAlerts(next);
    QCOMPARE(model.rowCount(), 21);
    model.setAlerts(fixture::searchIncident().alerts);
    QCOMPARE(model.rowCount(), 2);
    model.setAlerts({});
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::alertModelColumns()
{
    AlertTableModel model;
    model.setAlerts(fixture::blackFridayIncident().alerts);
    auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(cell(0, AlertTableModel::AlertNameColumn), u"PostgresTooManyConnections"_s);
    QCOMPARE(cell(0, AlertTableModel::ServiceColumn), u"postgres-main"_s);
    QCOMPARE(cell(0, AlertTableModel::SeverityColumn), u"critical"_s);
    QCOMPARE(cell(0, AlertTableModel::StatusColumn), u"firing"_s);
    QCOMPARE(cell(0, AlertTableModel::NotificationsColumn), u"6"_s);
    QCOMPARE(cell(0, AlertTableModel::LabelsColumn), u"cluster=eu-west-1  env=prod"_s);
    QCOMPARE(cell(6, AlertTableModel::StatusColumn), u"resolved"_s);
    QCOMPARE(cell(14, AlertTableModel::InhibitedColumn), u"inhibited"_s);
    QVERIFY(model.index(14, AlertTableModel::InhibitedColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(fixture::blackFridayIncident().alerts[13].fingerprint()));
    QCOMPARE(cell(13, AlertTableModel::InhibitedColumn), QString());
    QCOMPARE(model.index(0, AlertTableModel::OnsetColumn).data(AlertTableModel::SortRole).toDateTime(),
             fixture::at(14, 1, 5));
    QCOMPARE(model.index(1, 0).data(AlertTableModel::LabelsRole).toMap().value(u"pool"_s).toString(), u"orders-rw"_s);
}

// Every cell the alerts table colours itself (severity, the root cause's rows, muted rows) keeps WCAG AA contrast
// against the panel it is drawn on, in the light and the dark theme (white on a light purple row was 1.2:1).
void TestUiModels::alertCellsReadableInEveryTheme_data()
{
    QTest::addColumn<Theme::Scheme>("scheme");
    QTest::addRow("light") << Theme::Scheme::Light;
    QTest::addRow("dark") << Theme::Scheme::Dark;
}

void TestUiModels::alertCellsReadableInEveryTheme()
{
    QFETCH(Theme::Scheme, scheme);
    const Theme::Scheme before = Theme::scheme();
    Theme::setScheme(scheme);
    const auto restore = qScopeGuard([before] { Theme::setScheme(before); });
    AlertTableModel model;
    const Incident incident = fixture::blackFridayIncident();
    model.setAlerts(incident.alerts);
    model.setRootCause(incident.alerts.constFirst().latest.service());
    int checked = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            const QVariant fg = index.data(Qt::ForegroundRole), bg = index.data(Qt::BackgroundRole);
            if (!fg.isValid() && !bg.isValid())
                continue; // the view's own palette, checked by tst_ui_glance
            const QColor text = fg.isValid() ? fg.value<QColor>() : Theme::text();
            const QColor under = bg.isValid() ? bg.value<QColor>() : Theme::panelBackground();
            const double ratio = Theme::contrastRatio(text, under);
            QVERIFY2(ratio >= 4.5, qPrintable(u"row %1 column %2: %3 on %4 is %5:1"_s.arg(row)
                                                  .arg(column)
                                                  .arg(text.name(), under.name())
                                                  .arg(ratio, 0, 'f', 2)));
            ++checked;
        }
    }
    QVERIFY(checked > model.rowCount()); // severity cells and the root cause's rows at least
}

void TestUiModels::sourceModelUnderTester()
{
    SourceHealthModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setSources(fixture::sources());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(1, SourceHealthModel::StateColumn).data().toString(), u"unreachable"_s);
    QCOMPARE(model.index(1, SourceHealthModel::ErrorColumn).data().toString(),
             u"connect to 10.2.0.14:9093: Connection refused"_s);
    QVERIFY(model.index(1, 0).data(Qt::ToolTipRole).toString().contains(u"Connection refused"_s));
    QCOMPARE(model.index(0, SourceHealthModel::StateColumn).data().toString(), u"live"_s);
    model.setSources(fixture::sources(true));
    QCOMPARE(model.index(1, SourceHealthModel::StateColumn).data().toString(), u"live"_s);
    model.setSources({});
    QCOMPARE(model.rowCount(), 0);
}

void TestUiModels::filter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("rows");

    QTest::addRow("empty shows all") << QString() << 20;
    QTest::addRow("blank shows all") << u"   "_s << 20;
    QTest::addRow("label equals service") << u"service=payment-service"_s << 2;
    QTest::addRow("label equals severity") << u"severity=critical"_s << 8;
    QTest::addRow("label quoted value") << u"service=\"order-service\""_s << 3;
    QTest::addRow("label not equal") << u"severity!=critical"_s << 12;
    QTest::addRow("label regex anchored") << u"service=~.*-service"_s << 11;
    QTest::addRow("label regex alternation") << u"service=~redis-cache|kafka"_s << 3;
    QTest::addRow("label negative regex") << u"service!~.*-service"_s << 9;
    QTest::addRow("label only on one alert") << u"pool=orders-rw"_s << 1;
    QTest::addRow("missing label matches empty") << u"pool="_s << 19;
    QTest::addRow("unknown label value") << u"service=nope"_s << 0;
    QTest::addRow("label equality is exact") << u"service=payment"_s << 0;
    QTest::addRow("plain text alert name") << u"HighErrorRate"_s << 3;
    QTest::addRow("plain text is case-insensitive") << u"higherrorrate"_s << 3;
    QTest::addRow("plain text substring of service") << u"inventory"_s << 2;
    QTest::addRow("plain text in annotation") << u"waiters"_s << 1;
    QTest::addRow("plain text status") << u"resolved"_s << 1;
    QTest::addRow("plain text inhibited") << u"inhibited"_s << 1;
    QTest::addRow("plain text label value") << u"eu-west-1"_s << 20;
    QTest::addRow("terms combine with AND") << u"severity=warning HighLatencyP99"_s << 4;
    QTest::addRow("label and text") << u"service=checkout-service critical"_s << 2;
    QTest::addRow("no match") << u"zzz-not-there"_s << 0;
}

void TestUiModels::filter()
{
    QFETCH(QString, text);
    QFETCH(int, rows);
    AlertTableModel model;
    model.setAlerts(fixture::blackFridayIncident().alerts);
    AlertFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterText(text);
    QCOMPARE(proxy.rowCount(), rows);
    QVERIFY(proxy.isFilterValid());
}

void TestUiModels::filterProxyUnderTester()
{
    AlertTableModel model;
    AlertFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setFilterText(u"severity=critical"_s);
    QCOMPARE(proxy.rowCount(), 0);
    model.setAlerts(fixture::blackFridayIncident().alerts);
    QCOMPARE(proxy.rowCount(), 8);
    proxy.sort(AlertTableModel::OnsetColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, AlertTableModel::AlertNameColumn).data().toString(), u"SLOBurnRateFast"_s);
    proxy.setFilterText(QString());
    QCOMPARE(proxy.rowCount(), 20);
    QCOMPARE(proxy.index(0, AlertTableModel::AlertNameColumn).data().toString(), u"JobFailing"_s);
    model.setAlerts(fixture::searchIncident().alerts);
    QCOMPARE(proxy.rowCount(), 2);
}

void TestUiModels::proxySortsEveryColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    for (int column = 0; column < AlertTableModel::ColumnCount; ++column) {
        const QString name = AlertTableModel().headerData(column, Qt::Horizontal).toString();
        QTest::addRow("%s ascending", qPrintable(name)) << column << Qt::AscendingOrder;
        QTest::addRow("%s descending", qPrintable(name)) << column << Qt::DescendingOrder;
    }
}

// Sorted by any column, after another sort and through snapshots with late onsets and a changed count, the proxy shows
// every alert once, in that column's order. Onset ascending keeps the source's order (the proxy does not sort for it):
// there the rows must be exactly the incident's onset order.
void TestUiModels::proxySortsEveryColumn()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    const QVector<TrackedAlert> alerts = grown(fixture::blackFridayIncident(), 12).alerts;
    QVector<TrackedAlert> early, later = alerts;
    for (int i = 0; i < alerts.size(); ++i)
        if (i % 3 != 1)
            early << alerts.at(i);
    later[4].notificationCount += 9;
    AlertTableModel model;
    AlertFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(AlertTableModel::NotificationsColumn, Qt::DescendingOrder); // a sort before, as a user's click leaves
    model.setAlerts(early);
    proxy.sort(column, order);
    std::reverse(later.begin(), later.end()); // the model sorts what it is given
    model.setAlerts(later);

    QCOMPARE(proxy.rowCount(), alerts.size());
    QSet<QString> shown;
    const auto sortValue = [&](int row) { return proxy.index(row, column).data(AlertTableModel::SortRole); };
    for (int row = 0; row < proxy.rowCount(); ++row) {
        shown.insert(proxy.index(row, 0).data(AlertTableModel::FingerprintRole).toString());
        if (row == 0)
            continue;
        const QPartialOrdering step = QVariant::compare(sortValue(row - 1), sortValue(row));
        QVERIFY2(order == Qt::AscendingOrder ? step != QPartialOrdering::Greater : step != QPartialOrdering::Less,
                 qPrintable(u"rows %1 and %2 out of order"_s.arg(row - 1).arg(row)));
    }
    QCOMPARE(shown.size(), alerts.size());
    if (column == AlertTableModel::OnsetColumn && order == Qt::AscendingOrder) {
        for (int row = 0; row < proxy.rowCount(); ++row)
            QCOMPARE(proxy.index(row, 0).data(AlertTableModel::FingerprintRole).toString(),
                     alerts.at(row).fingerprint());
    }
}

void TestUiModels::invalidRegexIsReported()
{
    AlertTableModel model;
    model.setAlerts(fixture::blackFridayIncident().alerts);
    AlertFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterText(u"service=~(unclosed"_s);
    QVERIFY(!proxy.isFilterValid());
    QCOMPARE(proxy.rowCount(), 20); // a half-typed regex hides nothing
}

QTEST_MAIN(TestUiModels)
#include "tst_ui_models.moc"
