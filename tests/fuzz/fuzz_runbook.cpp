// Fuzz target: one runbook YAML file, as the loader reads a runbook folder.
#include "runbook/runbookloader.h"

#include <QByteArray>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray yaml(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    if (!RunbookLoader::parse(yaml, u"fuzz.yaml"_s, &error) && error.isEmpty())
        std::abort(); // a refusal must say why
    return 0;
}
