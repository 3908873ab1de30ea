// Models behind the console: every model under QAbstractItemModelTester before and after data
// arrives, keyed updates that keep the selection, and the alert filter's syntax (data-driven).

#include "alertfilterproxymodel.h"
#include "alerttablemodel.h"
#include "incidentlistmodel.h"
#include "sourcehealthmodel.h"
#include "tst_ui_fixture.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
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
    void alertModelUnderTester();
    void alertModelColumns();
    void sourceModelUnderTester();
    void filter_data();
    void filter();
    void filterProxyUnderTester();
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
