#pragma once
// ReportDialog: the on-call health report of a chosen period: the figures, pages per week and median
// MTTA/MTTR per week as charts, the noisy alerts and recurring causes, and export to Markdown, HTML or PDF.
// The report is computed off the GUI thread by a ReportLoader.

#include "report/healthreport.h"

#include <QDialog>

#include <optional>

class QChartView;
class QDateEdit;
class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;
class ReportLoader;

class ReportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ReportDialog(const QString& databasePath, QWidget* parent = nullptr);

    void setPeriod(const QDate& from, const QDate& to); // to is exclusive; recomputes
    void setTimeZone(const QTimeZone& zone);            // for tests and screenshots; the system's by default
    const std::optional<HealthReport>& report() const { return m_report; }
    QString statusText() const;
    bool isBusy() const { return m_busy; }

    // format: "md", "html" or "pdf"; false with the reason in *error.
    bool exportTo(const QString& format, const QString& path, QString* error) const;

    QStandardItemModel* noisyModel() const { return m_noisyModel; }
    QStandardItemModel* causeModel() const { return m_causeModel; }
    QChartView* pagesChart() const { return m_pagesChart; }
    QChartView* timesChart() const { return m_timesChart; }

public Q_SLOTS:
    void refresh();

private:
    void showReport(const HealthReport& report);
    void showError(const QString& message);
    void exportAs(const QString& format);
    QWidget* figure(const QString& caption, QLabel** value);

    ReportLoader* m_loader;
    QTimeZone m_zone;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QLabel* m_status;
    QLabel* m_pages = nullptr;
    QLabel* m_dedup = nullptr;
    QLabel* m_mtta = nullptr;
    QLabel* m_mttr = nullptr;
    QLabel* m_auto = nullptr;
    QLabel* m_night = nullptr;
    QChartView* m_pagesChart;
    QChartView* m_timesChart;
    QStandardItemModel* m_noisyModel;
    QStandardItemModel* m_causeModel;
    QTableView* m_noisyView;
    QTableView* m_causeView;
    QList<QPushButton*> m_exportButtons;
    std::optional<HealthReport> m_report;
    bool m_busy = false;
};
