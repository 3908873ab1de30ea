#include "reportdialog.h"

#include "chartstyle.h"
#include "reportloader.h"
#include "reportpdfwriter.h"

#include "report/healthreportdocument.h"
#include "report/reportformat.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedBarSeries>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {
// A 0..top axis of whole numbers: ticks every 1, 2, 5, 10, 20, 50 ... so no label repeats ("0 0 1 1 2") and none has
// a fraction.
void countAxis(QValueAxis* axis, double top)
{
    const int most = qMax(1, int(std::ceil(top)));
    int step = 1;
    for (int scale = 1; most / step > 6; scale *= 10) {
        for (const int s : {1, 2, 5}) {
            step = s * scale;
            if (most / step <= 6)
                break;
        }
    }
    const int end = (most + step - 1) / step * step;
    axis->setRange(0, end);
    axis->setTickCount(end / step + 1);
    axis->setLabelFormat(u"%d"_s);
}
} // namespace

ReportDialog::ReportDialog(const QString& databasePath, QWidget* parent)
    : QDialog(parent), m_loader(new ReportLoader(this)), m_zone(QTimeZone::systemTimeZone())
{
    setWindowTitle(tr("On-call health report"));
    setObjectName(u"reportDialog"_s);
    m_loader->setDatabasePath(databasePath);
    connect(m_loader, &ReportLoader::reportReady, this, &ReportDialog::showReport);
    connect(m_loader, &ReportLoader::failed, this, &ReportDialog::showError);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 14, 16, 12);

    // Period: the last four whole weeks and this one, by default.
    auto* period = new QHBoxLayout;
    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(1 - today.dayOfWeek()).addDays(-28), this);
    m_to = new QDateEdit(today.addDays(1), this);
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd"_s);
    }
    m_from->setAccessibleName(tr("First day of the period"));
    m_to->setAccessibleName(tr("Day after the period"));
    auto* compute = new QPushButton(tr("&Compute"), this);
    connect(compute, &QPushButton::clicked, this, &ReportDialog::refresh);
    period->addWidget(new QLabel(tr("From"), this));
    period->addWidget(m_from);
    period->addWidget(new QLabel(tr("to (exclusive)"), this));
    period->addWidget(m_to);
    period->addWidget(compute);
    period->addStretch(1);
    m_status = new QLabel(this);
    m_status->setObjectName(u"reportStatus"_s);
    period->addWidget(m_status);
    layout->addLayout(period);

    auto* figures = new QHBoxLayout;
    figures->addWidget(figure(tr("Pages"), &m_pages));
    figures->addWidget(figure(tr("Notifications / incident"), &m_dedup));
    figures->addWidget(figure(tr("MTTA (median)"), &m_mtta));
    figures->addWidget(figure(tr("MTTR (median)"), &m_mttr));
    figures->addWidget(figure(tr("Auto-resolved"), &m_auto));
    figures->addWidget(figure(tr("Night pages"), &m_night));
    layout->addLayout(figures);

    auto* charts = new QHBoxLayout;
    m_pagesChart = new QChartView(ChartStyle::newChart(), this);
    m_timesChart = new QChartView(ChartStyle::newChart(), this);
    for (QChartView* view : {m_pagesChart, m_timesChart}) {
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(360, 220);
        charts->addWidget(view);
    }
    m_pagesChart->chart()->setTitle(tr("Pages per week"));
    m_timesChart->chart()->setTitle(tr("Median MTTA and MTTR per week (minutes)"));
    layout->addLayout(charts, 1);

    auto* tables = new QHBoxLayout;
    const auto table = [this](QStandardItemModel* model, const QString& name) {
        auto* view = new QTableView(this);
        view->setModel(model);
        view->setAccessibleName(name);
        view->verticalHeader()->hide();
        view->horizontalHeader()->setStretchLastSection(true);
        view->setEditTriggers(QAbstractItemView::NoEditTriggers);
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->setAlternatingRowColors(true);
        return view;
    };
    m_noisyModel = new QStandardItemModel(0, 4, this);
    m_noisyModel->setHorizontalHeaderLabels({tr("Noisy alert"), tr("Noisy pages"), tr("Pages"), tr("Owners")});
    m_causeModel = new QStandardItemModel(0, 2, this);
    m_causeModel->setHorizontalHeaderLabels({tr("Recurring root cause"), tr("Incidents")});
    m_noisyView = table(m_noisyModel, tr("Top noisy alerts"));
    m_causeView = table(m_causeModel, tr("Top recurring root causes"));
    tables->addWidget(m_noisyView, 3);
    tables->addWidget(m_causeView, 2);
    layout->addLayout(tables, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    for (const auto& [format, text] :
         {std::pair{u"md"_s, tr("Export &Markdown…")}, std::pair{u"html"_s, tr("Export &HTML…")},
          std::pair{u"pdf"_s, tr("Export &PDF…")}}) {
        QPushButton* button = buttons->addButton(text, QDialogButtonBox::ActionRole);
        button->setEnabled(false);
        connect(button, &QPushButton::clicked, this, [this, format = format]() { exportAs(format); });
        m_exportButtons << button;
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(1100, 720);
    refresh();
}

QWidget* ReportDialog::figure(const QString& caption, QLabel** value)
{
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(8, 4, 8, 4);
    auto* title = new QLabel(caption, box);
    QPalette secondary = title->palette();
    secondary.setColor(QPalette::WindowText, secondary.color(QPalette::PlaceholderText));
    title->setPalette(secondary);
    *value = new QLabel(u"—"_s, box);
    QFont big = (*value)->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    (*value)->setFont(big);
    (*value)->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(title);
    v->addWidget(*value);
    return box;
}

void ReportDialog::setPeriod(const QDate& from, const QDate& to)
{
    m_from->setDate(from);
    m_to->setDate(to);
    refresh();
}

void ReportDialog::setTimeZone(const QTimeZone& zone)
{
    m_zone = zone;
    refresh();
}

QString ReportDialog::statusText() const
{
    return m_status->text();
}

void ReportDialog::refresh()
{
    if (m_from->date() >= m_to->date()) {
        showError(tr("The end date must be after the start date."));
        return;
    }
    m_busy = true;
    m_status->setText(tr("Computing…"));
    m_loader->loadReport(m_from->date(), m_to->date(), m_zone);
}

void ReportDialog::showError(const QString& message)
{
    m_busy = false;
    m_status->setText(tr("Cannot compute the report: %1").arg(message));
}

void ReportDialog::showReport(const HealthReport& r)
{
    m_busy = false;
    m_report = r;
    for (QPushButton* b : std::as_const(m_exportButtons))
        b->setEnabled(true);
    m_status->setText(tr("%n incident(s), %1 notifications, %2", nullptr, r.incidents)
                          .arg(r.notifications)
                          .arg(QString::fromUtf8(r.timeZone.id())));
    const auto median = [this](const HealthReport::Durations& d) {
        return d.count ? ReportFormat::duration(d.medianSeconds) : tr("none");
    };
    m_pages->setText(QString::number(r.incidents));
    m_dedup->setText(ReportFormat::ratio(r.dedupRatio));
    m_mtta->setText(median(r.mtta));
    m_mttr->setText(median(r.mttr));
    m_auto->setText(u"%1 (%2)"_s.arg(r.autoResolved).arg(ReportFormat::percent(r.autoResolvedShare)));
    m_night->setText(u"%1 (%2)"_s.arg(r.nightPages).arg(ReportFormat::percent(r.nightShare)));

    QStringList weeks;
    for (const auto& w : r.weeks)
        weeks << u"W%1"_s.arg(w.isoWeek, 2, 10, QLatin1Char('0'));

    QChart* pages = m_pagesChart->chart();
    pages->removeAllSeries();
    for (QAbstractAxis* axis : pages->axes())
        pages->removeAxis(axis);
    auto* day = new QBarSet(tr("Day"));
    auto* night = new QBarSet(tr("Night"));
    int most = 1;
    for (const auto& w : r.weeks) {
        *day << (w.pages - w.nightPages);
        *night << w.nightPages;
        most = std::max(most, w.pages);
    }
    day->setColor(QColor(0x4c, 0x78, 0xa8));
    night->setColor(QColor(0x1d, 0x35, 0x57));
    auto* stacked = new QStackedBarSeries;
    stacked->append(day);
    stacked->append(night);
    pages->addSeries(stacked);
    auto* categories = new QBarCategoryAxis;
    categories->append(weeks);
    auto* count = new QValueAxis;
    countAxis(count, most);
    pages->addAxis(categories, Qt::AlignBottom);
    pages->addAxis(count, Qt::AlignLeft);
    stacked->attachAxis(categories);
    stacked->attachAxis(count);

    QChart* times = m_timesChart->chart();
    times->removeAllSeries();
    for (QAbstractAxis* axis : times->axes())
        times->removeAxis(axis);
    auto* mtta = new QLineSeries;
    mtta->setName(tr("MTTA"));
    mtta->setColor(QColor(0xf2, 0x8e, 0x2b));
    auto* mttr = new QLineSeries;
    mttr->setName(tr("MTTR"));
    mttr->setColor(QColor(0xe1, 0x57, 0x59));
    double longest = 1;
    for (qsizetype i = 0; i < r.weeks.size(); ++i) {
        const auto& w = r.weeks.at(i);
        if (w.mtta.count)
            mtta->append(double(i), w.mtta.medianSeconds / 60.0);
        if (w.mttr.count)
            mttr->append(double(i), w.mttr.medianSeconds / 60.0);
        longest = std::max({longest, w.mtta.medianSeconds / 60.0, w.mttr.medianSeconds / 60.0});
    }
    times->addSeries(mtta);
    times->addSeries(mttr);
    auto* x = new QBarCategoryAxis;
    x->append(weeks);
    auto* minutes = new QValueAxis;
    countAxis(minutes, longest * 1.1);
    times->addAxis(x, Qt::AlignBottom);
    times->addAxis(minutes, Qt::AlignLeft);
    for (QLineSeries* s : {mtta, mttr}) {
        s->setPointsVisible(true);
        s->attachAxis(x);
        s->attachAxis(minutes);
    }

    m_noisyModel->removeRows(0, m_noisyModel->rowCount());
    for (const auto& a : r.noisyAlerts) {
        auto* noisy = new QStandardItem;
        noisy->setData(a.noisyPages, Qt::DisplayRole);
        auto* all = new QStandardItem;
        all->setData(a.pages, Qt::DisplayRole);
        m_noisyModel->appendRow(
            {new QStandardItem(a.alertname), noisy, all,
             new QStandardItem(a.owners.isEmpty() ? tr("(no team label)") : a.owners.join(u", "_s))});
    }
    m_causeModel->removeRows(0, m_causeModel->rowCount());
    for (const auto& c : r.recurringCauses) {
        auto* n = new QStandardItem;
        n->setData(c.incidents, Qt::DisplayRole);
        m_causeModel->appendRow({new QStandardItem(c.service), n});
    }
    for (QStandardItemModel* model : {m_noisyModel, m_causeModel}) {
        if (model->rowCount() > 0)
            continue;
        // An empty table says so, rather than showing a header over nothing that reads as "still loading".
        auto* none = new QStandardItem(tr("none"));
        none->setFlags(Qt::ItemIsEnabled);
        none->setForeground(QColor(0x5A, 0x64, 0x72));
        none->setToolTip(tr("Nothing of this kind in the period."));
        model->appendRow(none);
    }
    m_noisyView->resizeColumnsToContents();
    m_causeView->resizeColumnsToContents();
}

bool ReportDialog::exportTo(const QString& format, const QString& path, QString* error) const
{
    if (!m_report) {
        *error = tr("There is no report to export yet.");
        return false;
    }
    if (format == u"pdf")
        return ReportPdfWriter::writeHealthReport(*m_report, path, error);
    const ReportDocument doc = HealthReportDocument::build(*m_report);
    const QByteArray bytes = (format == u"md" ? doc.toMarkdown() : doc.toHtml()).toUtf8();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ReportDialog::exportAs(const QString& format)
{
    const QString filter = format == u"md"     ? tr("Markdown (*.md)")
                           : format == u"html" ? tr("HTML (*.html)")
                                               : tr("PDF (*.pdf)");
    const QString suggested = u"oncall-report-%1-%2.%3"_s.arg(m_from->date().toString(Qt::ISODate),
                                                              m_to->date().toString(Qt::ISODate), format);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the report"), suggested, filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(format, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        m_status->setText(tr("Saved %1").arg(path));
}
