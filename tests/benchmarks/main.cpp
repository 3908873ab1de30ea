// nightwatch-bench: throughput, latency, memory and calibration figures of the core (see benchcommand.h).
// It lives beside the tests, not in the shipped CLI: it starts servers, seeds stores and prints figures, which a user
// of the console never needs.
#include "benchcommand.h"
#include "pipeline/qthashpath.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QtHashPath::logDecision(); // its choice was made before main (core/pipeline/qthashpath.h)
    QCoreApplication::setApplicationName(u"nightwatch"_s);
    QCoreApplication::setOrganizationName(u"nightwatch"_s);
    return runBenchCommand(QCoreApplication::arguments().mid(1));
}
