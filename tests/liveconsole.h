#pragma once
// The console as it runs: MainWindow (offscreen) on a ConsoleRuntime over a temp SQLite file, its receiver on a
// free loopback port, for the GUI tests that post deliveries to it.

#include "mainwindow.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/qthashpath.h"
#include "pipeline/workerpriority.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

struct LiveConsole
{
    QTemporaryDir dir;
    QString databasePath = dir.filePath(QStringLiteral("console.sqlite"));
    MainWindow window;
    std::unique_ptr<ConsoleRuntime> runtime;
    quint16 port = 0;

    // Shows the window and starts the runtime; false when the receiver did not come up.
    bool start()
    {
        // As app/gui/main.cpp: this links in the hash path's choice, made before main (pipeline/qthashpath.h).
        QtHashPath::logDecision();
        window.resize(1600, 900);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            return false;
        ConsoleRuntime::Config config;
        config.databasePath = databasePath;
        config.webhookPort = 0;
        config.workerNiceSteps = WorkerPriority::kBelowWindow; // as the console (app/gui/main.cpp) runs it
        runtime = std::make_unique<ConsoleRuntime>(config);
        QObject::connect(runtime.get(), &ConsoleRuntime::snapshotReady, &window, &MainWindow::postSnapshot);
        QSignalSpy listening(runtime.get(), &ConsoleRuntime::webhookListening);
        runtime->start();
        if (!listening.wait(20'000))
            return false;
        port = listening.constFirst().constFirst().value<quint16>();
        return true;
    }

    qsizetype alertsShown() const
    {
        qsizetype n = 0;
        if (window.snapshot())
            for (const Incident& i : window.snapshot()->incidents)
                n += i.alerts.size();
        return n;
    }
};
