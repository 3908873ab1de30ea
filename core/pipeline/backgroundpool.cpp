#include "backgroundpool.h"

#include <QThreadPool>

namespace {
struct Pool : QThreadPool
{
    Pool()
    {
        setObjectName(QStringLiteral("nightwatch-background"));
        setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
    }
};
Q_GLOBAL_STATIC(Pool, pool)
} // namespace

namespace BackgroundPool {
QThreadPool* instance()
{
    return pool();
}
} // namespace BackgroundPool
