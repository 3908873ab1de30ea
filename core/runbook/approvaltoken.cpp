#include "approvaltoken.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QtEndian>

#include <array>

using namespace Qt::StringLiterals;

namespace {

// Drawn once per process and never leaves it: tokens are worthless outside the process that minted them.
const QByteArray& processKey()
{
    static const QByteArray key = [] {
        std::array<quint32, 8> words{};
        QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
        return QByteArray(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof(words)));
    }();
    return key;
}

void appendField(QByteArray& out, const QByteArray& bytes)
{
    const quint32 size = qToBigEndian(quint32(bytes.size()));
    out.append(reinterpret_cast<const char*>(&size), sizeof(size));
    out.append(bytes);
}

void appendField(QByteArray& out, const QString& text)
{
    appendField(out, text.toUtf8());
}

void appendList(QByteArray& out, const QStringList& list)
{
    appendField(out, QByteArray::number(list.size()));
    for (const QString& s : list)
        appendField(out, s);
}

QByteArray macOf(const QByteArray& encoding)
{
    return QMessageAuthenticationCode::hash(encoding, processKey(), QCryptographicHash::Sha256);
}

// Constant time: how many leading bytes matched must not leak through timing.
bool sameBytes(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace

QByteArray ApprovalToken::canonicalEncoding(const QString& runbookId, const ResolvedStep& step, Action action,
                                            const QString& approval, const QDateTime& approvedAt)
{
    QByteArray out = "nightwatch-approval-v1";
    appendField(out, action == Action::Run ? "run"_ba : "rollback"_ba);
    appendField(out, runbookId);
    appendField(out, step.name);
    appendField(out, safetyName(step.safety));
    appendList(out, step.argv);
    appendField(out, QByteArray::number(step.env.size()));
    for (auto it = step.env.cbegin(); it != step.env.cend(); ++it) {
        appendField(out, it.key());
        appendField(out, it.value());
    }
    appendField(out, QByteArray::number(step.timeoutMs));
    appendList(out, step.verifyArgv);
    appendField(out, step.verifyPromql);
    appendField(out, QByteArray::number(step.verifyTimeoutMs));
    appendList(out, step.rollbackArgv);
    appendField(out, step.rollbackAutomatic ? "automatic"_ba : "offered"_ba);
    appendField(out, approval);
    appendField(out, QByteArray::number(approvedAt.toMSecsSinceEpoch()));
    return out;
}

ApprovalToken ApprovalToken::mint(const QString& runbookId, const ResolvedStep& step, Action action,
                                  const QString& approval)
{
    ApprovalToken token;
    token.m_approvedAt = QDateTime::currentDateTimeUtc();
    token.m_approval = approval;
    token.m_mac = macOf(canonicalEncoding(runbookId, step, action, approval, token.m_approvedAt));
    return token;
}

bool ApprovalToken::covers(const QString& runbookId, const ResolvedStep& step, Action action, QString* why) const
{
    const auto fail = [why](const QString& message) {
        if (why)
            *why = message;
        return false;
    };
    if (isNull())
        return fail(u"step '%1' has no approval"_s.arg(step.name));
    if (!sameBytes(m_mac, macOf(canonicalEncoding(runbookId, step, action, m_approval, m_approvedAt))))
        return fail(u"the approval does not cover step '%1' as it stands now (its command, environment, verify "
                    "or rollback changed since it was approved)"_s.arg(step.name));
    return true;
}
