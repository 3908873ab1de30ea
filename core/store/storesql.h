#pragma once
// StoreSql: the text of every statement the Store and its repositories prepare once per connection and reuse,
// in SQLite's dialect, which is the reference: a backend returns these texts, PostgresBackend its own for the
// few its server does not take (see StoreBackend::sql). Column lists are spelled out (never SELECT *) so a
// later migration adding columns cannot shift positions under the readers.

#include <QString>

namespace StoreSql {

enum Id
{
    InsertNotifications,
    CountBoundaryFlaps,
    UpsertAlerts,
    UpsertIncident,
    DeleteMembers,
    InsertMember,
    DeleteCauses,
    InsertCause,
    IncidentExists,
    MarkMerged,
    InsertAction,
    AckIncident,
    MitigateIncident,
    ResolveIncident,
    SelectActions,
    SelectIncident,
    SelectIncidents,
    SelectMembers,
    SelectCauses,
    SelectNotifications,
    InsertChange,
    SelectChanges,
    CountNotifications,
    CountAlerts,
    InsertRunbookRun,
    SelectRunbookRuns,
    UpsertResolution,
    SelectResolution,
    SelectNotificationsAfter,
    Notify,
    DeleteIncidentLabels,
    InsertIncidentLabels,
    DeleteSearchRow,
    InsertSearchRow,
    MarkStale,
    ClearStale,
    SelectStale,
    SelectSearchRow,
    SelectSearchDocument,
    NewestNotificationId, // the id the next notification continues from (each backend stores them its own way)
    InsertIncidentLabelsFrom, // InsertIncidentLabels for the member rows from a position on (SearchIndex: grown)
    CountMembers,
    SelectDeliveryMark,  // DeliveryJournal: a storm's every delivery is looked up, and written with its commit
    UpsertDeliveryMark,
    ExpireDeliveryMarks,
    Count
};

const QString& sqliteText(Id id);

// SQLite only: statements run through SqliteStatement (per notification or per alert in a storm).
enum Native
{
    NativeInsertDelivery,    // one row per run of a batch's notifications received together from one source
    NativeUpdateCounts,      // a known alert's counters and latest status; counted_through moves with them
    NativeUpsertAlert,       // UpsertAlerts for one row, bound natively; counted_through moves with it; ?15: the
                             // batch opens firing, so a row stored as resolved flapped once more
    NativeSetCountedMark,    // store_state: every notification up to this one is counted in its alert row
    NativeDeleteMembers,     // an incident's member rows, rewritten whenever its membership changes
    NativeInsertMember,
    NativeInsertAlertRows,   // alerts rows not stored yet, kAlertRowsPerInsert at once (plain INSERT: a stored one
    NativeInsertAlertRowsFew, // fails it); ...Few: kFewAlertRowsPerInsert. Columns as NativeUpsertAlert's ?1-?14
    NativeDeleteMember,      // one member row, gone from its incident since the last save
    NativeInsertMembers,     // NativeInsertMember for kMembersPerInsert rows at once (a big incident's new members)
    NativeCount
};

constexpr int kAlertRowColumns = 14;
constexpr int kAlertRowsPerInsert = 128;
constexpr int kFewAlertRowsPerInsert = 16;
constexpr int kMemberColumns = 5;
constexpr int kMembersPerInsert = 64;

const char* nativeText(Native id);

} // namespace StoreSql
