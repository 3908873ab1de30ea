#pragma once
// HistoryBrowser: the offline review window. A search field (words, "phrases", key=value label filters shown
// as chips), a period and a state narrow years of stored incidents to a list, newest first, paged in as it
// scrolls; the selected one opens below as it looked, with a replay scrubber. All database work happens on
// a HistoryWorker thread with its own read-only connection; answers to replaced requests are dropped.

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "history/pastincident.h"

#include <QThread>
#include <QWidget>

class HistoryResultModel;
class HistoryWorker;
class PastIncidentView;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

class HistoryBrowser : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryBrowser(const QString& databasePath, QWidget* parent = nullptr);
    ~HistoryBrowser() override;

    // The query the controls describe now (period relative to now).
    HistoryQuery currentQuery() const;
    QString databasePath() const { return m_path; }

    QLineEdit* searchEdit() const { return m_search; }
    QComboBox* periodBox() const { return m_period; }
    QComboBox* stateBox() const { return m_state; }
    QTableView* resultView() const { return m_results; }
    HistoryResultModel* resultModel() const { return m_model; }
    PastIncidentView* incidentView() const { return m_incident; }
    QStringList chipTexts() const;
    QString statusText() const;
    bool isSearching() const { return m_searchPending; }
    bool isLoading() const { return m_loadPending; }

public Q_SLOTS:
    void search();                        // now, without waiting for the typing pause
    void openIncident(qint64 incidentId); // loads it below the results
    void focusSearch();

Q_SIGNALS:
    void searchFinished(int total); // after the first page of a search arrived
    void incidentOpened(qint64 incidentId);
    void failed(const QString& message);

private:
    void onSearched(quint64 jobId, const HistoryPage& page, const QString& error);
    void onLoaded(quint64 jobId, const ReviewedIncident& incident, const QString& error);
    void requestMore(int offset);
    void updateChips();
    void removeLabel(const QString& key, const QString& value);
    void openCurrent();
    void createActions();

    QString m_path;
    QThread m_thread;
    HistoryWorker* m_worker = nullptr; // lives on m_thread; deleted when it finishes

    QLineEdit* m_search = nullptr;
    QComboBox* m_period = nullptr;
    QComboBox* m_state = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_chips = nullptr;
    QHBoxLayout* m_chipLayout = nullptr;
    QTableView* m_results = nullptr;
    HistoryResultModel* m_model = nullptr;
    PastIncidentView* m_incident = nullptr;
    QTimer* m_typingPause = nullptr;

    HistoryQuery m_query; // of the list shown (more pages continue it)
    quint64 m_searchJob = 0;
    quint64 m_pageJob = 0;
    quint64 m_loadJob = 0;
    bool m_searchPending = false;
    bool m_loadPending = false;
    qint64 m_requestedIncident = 0;
};
