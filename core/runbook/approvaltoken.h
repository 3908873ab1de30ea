#pragma once
// ApprovalToken: proof that a human approved one step of one runbook with exactly these resolved
// arguments, environment, verify and rollback. It is an HMAC-SHA256, under a key drawn at random once
// per process, over a canonical encoding of all of that plus the approval time: any change of what
// would run voids it, and a token cannot be forged or carried into another process.

#include "runbook/resolvedrunbook.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

class ApprovalToken
{
public:
    enum class Action
    {
        Run,
        Rollback
    }; // a rollback run on its own (not automatic) needs its own approval

    ApprovalToken() = default; // null: approves nothing

    // Called for a human action (a button, --approve); `approval` says which one for the audit.
    static ApprovalToken mint(const QString& runbookId, const ResolvedStep& step, Action action = Action::Run,
                              const QString& approval = QStringLiteral("approved"));

    bool isNull() const { return m_mac.isEmpty(); }
    // True only when the token was minted in this process for exactly this runbook, step and action.
    bool covers(const QString& runbookId, const ResolvedStep& step, Action action, QString* why = nullptr) const;

    QDateTime approvedAt() const { return m_approvedAt; }
    QString approval() const { return m_approval; }
    QByteArray mac() const { return m_mac; } // identifies the token (the executor spends each once)

    // Length-prefixed fields, so no two different steps encode alike whatever their strings contain.
    static QByteArray canonicalEncoding(const QString& runbookId, const ResolvedStep& step, Action action,
                                        const QString& approval, const QDateTime& approvedAt);

private:
    QByteArray m_mac;
    QDateTime m_approvedAt;
    QString m_approval;
};
