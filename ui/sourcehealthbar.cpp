#include "sourcehealthbar.h"

#include "restyle.h"
#include "sourcehealthmodel.h"
#include "theme.h"

#include <QAbstractItemModel>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>

using namespace Qt::StringLiterals;

SourceHealthBar::SourceHealthBar(QWidget* parent)
    : QWidget(parent), m_layout(new QHBoxLayout(this)), m_overflow(new QLabel(this)),
      m_empty(new QLabel(tr("No alert sources configured"), this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(8);
    m_empty->setStyleSheet(u"color: #CFD8DC;"_s);
    m_layout->addWidget(m_empty);
    // "+2": the chips that did not fit, named in its tooltip.
    m_overflow->setObjectName(u"sourceOverflow"_s);
    m_overflow->setTextFormat(Qt::PlainText);
    m_overflow->setStyleSheet(
        u"QLabel { color: #FFFFFF; border: 1px solid #CFD8DC; border-radius: 4px; padding: 3px 8px; }"_s);
    m_overflow->hide();
    m_layout->addWidget(m_overflow);
    m_layout->addStretch(1);
}

void SourceHealthBar::setModel(QAbstractItemModel* model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::rowsInserted, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::layoutChanged, this, &SourceHealthBar::rebuild);
        connect(model, &QAbstractItemModel::dataChanged, this, &SourceHealthBar::rebuild);
    }
    rebuild();
}

QStringList SourceHealthBar::chipTexts() const
{
    QStringList texts;
    for (const QLabel* chip : m_chips)
        texts.append(chip->isVisibleTo(this) ? chip->text() : QString());
    return texts;
}

void SourceHealthBar::rebuild()
{
    const int rows = m_model ? m_model->rowCount() : 0;
    while (m_chips.size() > rows)
        delete m_chips.takeLast();
    while (m_chips.size() < rows) {
        auto* chip = new QLabel(this);
        chip->setTextFormat(Qt::PlainText); // source names and errors come from the outside world
        chip->setMinimumWidth(1);           // fitChips() makes the text fit; the strip never widens the window
        m_layout->insertWidget(int(m_chips.size()), chip);
        m_chips.append(chip);
    }
    m_empty->setVisible(rows == 0);
    m_texts.resize(rows);

    for (int r = 0; r < rows; ++r) {
        auto col = [&](int c) { return m_model->index(r, c); };
        const auto state = SourceHealth::State(col(0).data(SourceHealthModel::StateRole).toInt());
        ChipText& t = m_texts[r];
        t.name = col(SourceHealthModel::NameColumn).data().toString();
        t.access = col(SourceHealthModel::AccessColumn).data().toString();
        if (!t.access.isEmpty()) // the access says TLS or plain HTTP; the scheme would say it twice
            t.name.replace(u"https://"_s, QString()).replace(u"http://"_s, QString());
        t.state = col(SourceHealthModel::StateColumn).data().toString();
        const QString last = col(SourceHealthModel::LastSuccessColumn).data().toString();
        // A live source's time is its last success anyway; a broken one says so explicitly.
        t.live = state == SourceHealth::State::Live;
        t.time = t.live ? tr("ok %1").arg(last) : tr("last ok %1").arg(last);
        t.error = col(SourceHealthModel::ErrorColumn).data().toString().simplified();

        QLabel* chip = m_chips.at(r);
        chip->setToolTip(col(0).data(Qt::ToolTipRole).toString());
        const QColor c = Theme::sourceStateColor(state);
        QFont font = chip->font();
        font.setBold(!t.live);
        chip->setFont(font);
        // Live sources are quiet green text; a problem source becomes a filled chip that stands out. Its border, in
        // its fill's colour, keeps it as tall as a live chip: a source turning live must not move the window's
        // contents down (that relaid the graph, the charts and the table at the start of a storm).
        restyle(chip,
            !t.live ? u"QLabel { background: %1; border: 1px solid %1; color: %2; border-radius: 4px; padding: 3px 8px; }"_s.arg(
                          c.name(), state == SourceHealth::State::Stale ? u"#1A1A1A"_s : u"#FFFFFF"_s)
                    : u"QLabel { color: #C8E6C9; border: 1px solid #43A047; border-radius: 4px; padding: 3px 8px; }"_s);
        chip->ensurePolished(); // fitChips() measures the padding the style sheet adds: it must be in place now
    }
    fitChips();
}

QString SourceHealthBar::head(const ChipText& t, int level) const
{
    const QString separator = u" · "_s;
    const QFontMetrics fm(font());
    // Elided in the middle: "Alertmanager am-…/grafana" keeps the host's start and the path's end.
    const int nameChars = level == 2 ? 34 : 18;
    const QString name =
        level >= 2 ? fm.elidedText(t.name, Qt::ElideMiddle, fm.averageCharWidth() * nameChars) : t.name;
    QString text = u"● "_s + name + u"  "_s + t.state;
    // Live: how it is reached matters more than "ok" a second ago. Broken: since when matters more.
    const QString& first = t.live ? t.access : t.time;
    const QString& second = t.live ? t.time : t.access;
    if (level <= 2 && !first.isEmpty())
        text += separator + first;
    if (level == 0 && !second.isEmpty())
        text += separator + second;
    return text;
}

int SourceHealthBar::chipWidth(QLabel* chip, const QString& text)
{
    // The style sheet's padding and border as the label itself adds them to its text.
    if (chip->text().isEmpty())
        chip->setText(u"●"_s);
    const QFontMetrics fm(chip->font());
    const int frame = chip->sizeHint().width() - fm.horizontalAdvance(chip->text());
    return fm.horizontalAdvance(text) + qMax(0, frame);
}

void SourceHealthBar::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitChips();
}

void SourceHealthBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // After the chips themselves took the new font (they are polished after their parent).
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        QMetaObject::invokeMethod(this, &SourceHealthBar::fitChips, Qt::QueuedConnection);
}

void SourceHealthBar::fitChips()
{
    if (m_chips.isEmpty()) {
        m_overflow->hide();
        return;
    }
    const int n = int(m_chips.size());
    const int spacing = m_layout->spacing();
    const int room = width() - 4;
    const QString separator = u" · "_s;
    // A live source can carry an error too (a delivery it received but the store could not keep).
    const auto hasError = [&](int r) { return !m_texts.at(r).error.isEmpty(); };
    // Room kept for a broken source's error: the whole of it (up to a line's worth), a few words, or none (the
    // tooltip keeps it). Errors win over details: a chip loses its access and times before its error shrinks.
    enum ErrorRoom { NoError, FewWords, WholeError };
    const auto errorRoom = [&](int r, ErrorRoom mode) {
        if (mode == NoError || !hasError(r))
            return 0;
        const QFontMetrics fm(m_chips.at(r)->font());
        const int few = fm.horizontalAdvance(separator + u"connect to…"_s);
        return mode == FewWords ? few
                                : qMax(few, qMin(fm.horizontalAdvance(separator + m_texts.at(r).error),
                                                 fm.averageCharWidth() * 64));
    };
    // Less detail step by step, live chips first: (live level, broken level). A broken source's whole error is
    // worth the live chips' details and names, not its own name.
    static constexpr std::pair<int, int> Steps[] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}, {3, 3}};
    static constexpr int WholeErrorSteps = 6;

    QVector<bool> shown(n, true);
    QVector<QString> heads(n);
    const auto headsWidth = [&](std::pair<int, int> step, ErrorRoom mode) {
        int total = 0;
        for (int r = 0; r < n; ++r) {
            if (!shown.at(r))
                continue;
            const ChipText& t = m_texts.at(r);
            heads[r] = head(t, t.live ? step.first : step.second);
            total += chipWidth(m_chips.at(r), heads.at(r)) + spacing + errorRoom(r, mode);
        }
        return total;
    };
    // Which chips leave for the "+N" indicator when even the shortest texts do not fit: live ones from the
    // right, then broken ones; at least one chip stays.
    QVector<int> leaveOrder;
    for (int r = n - 1; r >= 0; --r)
        if (m_texts.at(r).live)
            leaveOrder << r;
    for (int r = n - 1; r > 0; --r)
        if (!m_texts.at(r).live)
            leaveOrder << r;
    leaveOrder.resize(qMin(leaveOrder.size(), qsizetype(n - 1)));

    int used = 0;
    ErrorRoom errors = NoError;
    bool fitted = false;
    for (int hidden = 0; !fitted && hidden <= leaveOrder.size(); ++hidden) {
        if (hidden > 0)
            shown[leaveOrder.at(hidden - 1)] = false;
        int reserve = 0;
        if (hidden > 0) {
            m_overflow->setText(u"+%1"_s.arg(hidden));
            reserve = chipWidth(m_overflow, m_overflow->text()) + spacing;
        }
        for (const ErrorRoom mode : {WholeError, FewWords, NoError}) {
            for (int step = 0; step < int(std::size(Steps)) && !fitted; ++step) {
                if (mode == WholeError && step >= WholeErrorSteps)
                    break;
                used = headsWidth(Steps[step], mode) + reserve;
                fitted = used <= room;
                errors = mode;
            }
            if (fitted)
                break;
        }
    }

    // The room left goes to the errors, shared evenly; a lone chip that still does not fit is elided.
    int withError = 0;
    for (int r = 0; r < n; ++r)
        withError += shown.at(r) && hasError(r) ? 1 : 0;
    int share = 0;
    if (errors != NoError && withError > 0) {
        int headsOnly = used;
        for (int r = 0; r < n; ++r)
            headsOnly -= shown.at(r) ? errorRoom(r, errors) : 0;
        share = (room - headsOnly) / withError;
    }
    QStringList away;
    for (int r = 0; r < n; ++r) {
        QLabel* chip = m_chips.at(r);
        const ChipText& t = m_texts.at(r);
        chip->setVisible(shown.at(r));
        if (!shown.at(r)) {
            away << t.name + u"  "_s + t.state + (t.error.isEmpty() ? QString() : separator + t.error);
            continue;
        }
        const QFontMetrics fm(chip->font());
        QString text = heads.at(r);
        if (!fitted) // one chip in war-room type on a narrow strip: elided, never cut mid-glyph
            text = fm.elidedText(text, Qt::ElideRight, qMax(0, room - (chipWidth(chip, text) - fm.horizontalAdvance(text)) -
                                                                   chipWidth(m_overflow, m_overflow->text()) - spacing));
        if (errors != NoError && hasError(r)) {
            const int left = share - fm.horizontalAdvance(separator);
            // Below a few words the error would be noise; the tooltip still has it, and the colour says "broken".
            if (left > fm.horizontalAdvance(u"connect to…"_s))
                text += separator + fm.elidedText(t.error, Qt::ElideRight, left);
        }
        chip->setText(text);
    }
    m_overflow->setVisible(!away.isEmpty());
    m_overflow->setToolTip(tr("Not shown for lack of room:") + u'\n' + away.join(u'\n'));
}
