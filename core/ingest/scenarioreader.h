#pragma once
// ScenarioReader: reads a scenario or recorded feed file into a Scenario. The "truth" key is never
// read, so tools cannot peek at the answer. Bad files give a one-line error, never a crash.

#include "scenario.h"

#include <QByteArray>
#include <QString>

#include <optional>

class ScenarioReader
{
public:
    // source names the feed in Alert::source; readFile uses "replay:<path>".
    static std::optional<Scenario> read(const QByteArray& content, QString* error, const QString& source = {});
    static std::optional<Scenario> readFile(const QString& path, QString* error);

    static constexpr qint64 MaxFileSize = 512ll * 1024 * 1024; // refuse absurd inputs instead of swapping
};
