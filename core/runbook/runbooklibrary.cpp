#include "runbooklibrary.h"

#include "runbook/runbookloader.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// How much each kind of match weighs. A runbook an alert names always comes first whatever these say.
constexpr double NamedScore = 100.0;
constexpr double AlertnameScore = 3.0; // per distinct listed alertname present in the incident
constexpr double OnRootBonus = 1.0;    // ... one of them on the root-cause service
constexpr double RootServiceScore = 4.0;
constexpr double AffectedServiceScore = 1.5;
constexpr double CauseLabelScore = 3.0;
constexpr double CauseEvidenceScore = 2.0;
constexpr double LabelsScore = 2.0;

using AlertTest = std::function<bool(const TrackedAlert&)>;

// The alert a runbook is proposed for, among those passing test: a firing one before a resolved one, one
// on the root-cause service before others, then the earliest onset (members are in onset order).
const TrackedAlert* pick(const Incident& incident, const QString& rootService, const AlertTest& test)
{
    const TrackedAlert* best = nullptr;
    const auto rank = [&](const TrackedAlert& a) { return (a.isFiring() ? 2 : 0) + (a.service() == rootService); };
    for (const TrackedAlert& a : incident.alerts)
        if (test(a) && (!best || rank(a) > rank(*best)))
            best = &a;
    return best;
}

// "connection-pool" and "connection_pool" read as the words "connection pool" in a sentence.
QString words(QString text)
{
    text.replace(u'-', u' ').replace(u'_', u' ');
    return text.simplified();
}

QString mentioning(const QStringList& sentences, const QString& cause)
{
    const QRegularExpression re(u"\\b"_s + QRegularExpression::escape(words(cause)) + u"\\b"_s,
                                QRegularExpression::CaseInsensitiveOption);
    for (const QString& sentence : sentences)
        if (re.match(words(sentence)).hasMatch())
            return sentence;
    return {};
}

bool hasLabels(const TrackedAlert& alert, const LabelSet& wanted)
{
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const auto have = alert.latest.labels.constFind(it.key());
        if (have == alert.latest.labels.cend() || *have != it.value())
            return false;
    }
    return true;
}

QString labelText(const LabelSet& labels)
{
    QStringList pairs;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        pairs << u"%1=\"%2\""_s.arg(it.key(), it.value());
    return pairs.join(u", "_s);
}

QString rootServiceOf(const Incident& incident)
{
    return incident.topCause() ? incident.topCause()->service : QString();
}

// Labels and service the runbook's parameters read; anchor may be null.
void setContext(RunbookLibrary::Proposal& p, const Incident& incident, const TrackedAlert* anchor)
{
    const QString root = rootServiceOf(incident);
    if (!anchor)
        anchor = pick(incident, root, [&](const TrackedAlert& a) { return root.isEmpty() || a.service() == root; });
    if (!anchor)
        anchor = pick(incident, root, [](const TrackedAlert&) { return true; });
    p.labels = anchor ? anchor->latest.labels : LabelSet();
    p.service = !root.isEmpty() ? root : anchor ? anchor->service() : QString();
}

} // namespace

RunbookLibrary::RunbookLibrary(QObject* parent) : QObject(parent) {}

void RunbookLibrary::load(const QString& dir, bool includeBuiltIn)
{
    QVector<Runbook> all;
    QStringList errors;
    QStringList warnings;
    if (!dir.isEmpty()) {
        RunbookLoader::Folder folder = RunbookLoader::loadFolder(dir);
        all = std::move(folder.runbooks);
        errors = std::move(folder.errors);
        warnings = std::move(folder.warnings);
    }
    if (includeBuiltIn) {
        const RunbookLoader::Folder builtIn = RunbookLoader::loadFolder(builtInFolder());
        errors += builtIn.errors;
        warnings += builtIn.warnings;
        for (const Runbook& rb : builtIn.runbooks)
            if (std::none_of(all.cbegin(), all.cend(), [&](const Runbook& r) { return r.id == rb.id; }))
                all.append(rb);
    }
    m_errors = errors;
    m_warnings = warnings;
    setRunbooks(all);
}

void RunbookLibrary::setRunbooks(const QVector<Runbook>& runbooks)
{
    m_runbooks = runbooks;
    std::stable_sort(m_runbooks.begin(), m_runbooks.end(),
                     [](const Runbook& a, const Runbook& b) { return a.id < b.id; });
    Q_EMIT changed();
}

const Runbook* RunbookLibrary::find(const QString& id) const
{
    for (const Runbook& rb : m_runbooks)
        if (rb.id == id)
            return &rb;
    return nullptr;
}

QVector<RunbookLibrary::Proposal> RunbookLibrary::propose(const Incident& incident) const
{
    const QString root = rootServiceOf(incident);
    const QStringList evidence = incident.topCause() ? incident.topCause()->evidence : QStringList();
    QVector<Proposal> out;
    for (const Runbook& rb : m_runbooks) {
        Proposal p;
        p.runbook = rb;
        const TrackedAlert* anchor = nullptr;
        const auto useAnchor = [&anchor](const TrackedAlert* a) {
            if (!anchor)
                anchor = a;
        };

        if (const TrackedAlert* a = pick(incident, root, [&](const TrackedAlert& t) {
                return t.latest.labels.value(runbookLabel()).trimmed() == rb.id;
            })) {
            p.named = true;
            p.score += NamedScore;
            p.reasons << tr("Alert %1 on %2 names it in its runbook label.").arg(a->latest.alertName(), a->service());
            useAnchor(a);
        }

        const RunbookMatches& m = rb.matches;
        QStringList alertnames;
        bool onRoot = false;
        for (const TrackedAlert& a : incident.alerts) {
            if (!m.alertnames.contains(a.latest.alertName()))
                continue;
            if (!alertnames.contains(a.latest.alertName()))
                alertnames << a.latest.alertName();
            onRoot = onRoot || (!root.isEmpty() && a.service() == root);
        }
        if (!alertnames.isEmpty()) {
            p.score += AlertnameScore * double(alertnames.size()) + (onRoot ? OnRootBonus : 0.0);
            p.reasons << tr("It handles the alert %1 of this incident.").arg(alertnames.join(u", "_s));
            useAnchor(
                pick(incident, root, [&](const TrackedAlert& a) { return alertnames.contains(a.latest.alertName()); }));
        }

        for (const QString& cause : m.causes) {
            const auto byLabel = [&](const TrackedAlert& a) { return a.latest.labels.value(causeLabel()) == cause; };
            if (!root.isEmpty() && cause == root) {
                p.score += RootServiceScore;
                p.reasons << tr("The diagnosed root cause is %1.").arg(root);
            } else if (const TrackedAlert* a = pick(incident, root, byLabel)) {
                p.score += CauseLabelScore;
                p.reasons << tr("Alert %1 on %2 reports the cause %3.").arg(a->latest.alertName(), a->service(), cause);
                useAnchor(a);
            } else if (const QString sentence = mentioning(evidence, cause); !sentence.isEmpty()) {
                p.score += CauseEvidenceScore;
                p.reasons << tr("The diagnosis points at %1: “%2”").arg(cause, sentence);
            }
        }

        if (!root.isEmpty() && m.services.contains(root)) {
            p.score += RootServiceScore;
            p.reasons << tr("Its service %1 is the diagnosed root cause.").arg(root);
        } else {
            QStringList affected;
            for (const QString& s : incident.affectedServices)
                if (m.services.contains(s))
                    affected << s;
            if (!affected.isEmpty()) {
                p.score += AffectedServiceScore;
                p.reasons << tr("Its service %1 is affected.").arg(affected.join(u", "_s));
            }
        }

        if (!m.labels.isEmpty()) {
            if (const TrackedAlert* a =
                    pick(incident, root, [&](const TrackedAlert& t) { return hasLabels(t, m.labels); })) {
                p.score += LabelsScore;
                p.reasons << tr("Alert %1 carries %2.").arg(a->latest.alertName(), labelText(m.labels));
                useAnchor(a);
            }
        }

        if (p.reasons.isEmpty())
            continue;
        if (m_history) {
            const HistoryVerdict past = m_history(rb, incident);
            if (past.score != 0.0 || !past.note.isEmpty()) {
                p.score += past.score;
                p.history = past.note;
                p.reasons << (past.note.isEmpty()
                                  ? tr("Its record on similar past incidents adds %1 to its rank.").arg(past.score, 0, 'f', 1)
                                  : tr("Similar past incidents: %1.").arg(past.note));
            }
        }
        setContext(p, incident, anchor);
        out.append(std::move(p));
    }
    std::stable_sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
        if (a.named != b.named)
            return a.named;
        if (a.score != b.score)
            return a.score > b.score;
        return a.runbook.id < b.runbook.id;
    });
    return out;
}

RunbookLibrary::Proposal RunbookLibrary::unproposed(const Runbook& runbook, const Incident& incident) const
{
    Proposal p;
    p.runbook = runbook;
    p.reasons << tr("Picked by hand: nothing in this incident matches it.");
    setContext(p, incident, nullptr);
    return p;
}
