// TEMPORARY nightwatch-cli entry point written by the diagnosis-engine work so `diagnose` can run;
// the integrator replaces it with the real dispatcher (serve, replay, diagnose, bench, export).
#include "diagnosecommand.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"nightwatch-cli"_s);
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.constFirst() != u"diagnose") {
        std::fprintf(stderr, "usage: nightwatch-cli diagnose SCENARIO.json\n");
        return 2;
    }
    args.removeFirst();
    return runDiagnoseCommand(args);
}
