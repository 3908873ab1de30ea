#include "apikeylookup.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

using namespace Qt::StringLiterals;

ApiKeyLookup::ApiKeyLookup(QObject* parent) : QObject(parent)
{
}

QString ApiKeyLookup::fromEnvironment()
{
    return qEnvironmentVariable("NIGHTWATCH_LLM_API_KEY").trimmed();
}

bool ApiKeyLookup::keyringAvailable()
{
    return !QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty();
}

void ApiKeyLookup::start(const QString& name, int timeoutMs)
{
    const QString tool = QStandardPaths::findExecutable(u"secret-tool"_s);
    if (tool.isEmpty()) {
        QTimer::singleShot(0, this, [this] { Q_EMIT finished({}, u"secret-tool is not installed"_s); });
        return;
    }
    delete m_process;
    m_process = new QProcess(this);
    QProcess* process = m_process;
    process->setProgram(tool);
    process->setArguments({u"lookup"_s, u"service"_s, u"nightwatch"_s, u"llm"_s, name});
    auto* deadline = new QTimer(process);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, process, [process] { process->kill(); });
    connect(process, &QProcess::finished, this, [this, process](int code, QProcess::ExitStatus status) {
        const QString key = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
        process->deleteLater();
        if (m_process == process)
            m_process = nullptr;
        if (status != QProcess::NormalExit)
            Q_EMIT finished({}, u"secret-tool did not answer"_s);
        else if (code != 0 || key.isEmpty())
            Q_EMIT finished({}, u"no key in the keyring for this endpoint"_s);
        else
            Q_EMIT finished(key, {});
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            process->deleteLater();
            if (m_process == process)
                m_process = nullptr;
            Q_EMIT finished({}, u"secret-tool could not be started"_s);
        }
    });
    process->start();
    deadline->start(timeoutMs);
}
