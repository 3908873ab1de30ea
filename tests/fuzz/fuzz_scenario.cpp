// Fuzz target: a scenario or recorded feed file, as `replay` and the demo read it.
#include "ingest/scenarioreader.h"

#include <QByteArray>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray content(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    if (!ScenarioReader::read(content, &error, u"fuzz"_s) && error.isEmpty())
        std::abort(); // a refusal must say why
    return 0;
}
