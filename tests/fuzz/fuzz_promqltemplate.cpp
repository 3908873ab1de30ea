// Fuzz target: a per-service PromQL template and a service name (an alert's label value). The input is the
// template text, a NUL byte, then the service name. Whatever the service, a rendered query must not contain
// it raw outside the matcher's quotes; here: rendering never crashes and escaping never loses characters.
#include "metrics/promqltemplate.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <cstdlib>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const qsizetype split = input.indexOf('\0');
    const QString text = QString::fromUtf8(split < 0 ? input : input.left(split));
    const QString service = split < 0 ? u"checkout"_s : QString::fromUtf8(input.mid(split + 1));

    // Escaping only ever adds characters.
    if (PromQLTemplate::escapeStringContent(service).size() < service.size() ||
        PromQLTemplate::quoteRegexMeta(service).size() < service.size())
        std::abort();

    QString error;
    const auto compiled = PromQLTemplate::compile(u"fuzz"_s, u"fuzzed"_s, text, &error);
    if (!compiled) {
        if (error.isEmpty())
            std::abort(); // a refusal must say why
        return 0;
    }
    const QString query = compiled->render(service);
    if (!text.contains(PromQLTemplate::placeholder) && query != text)
        std::abort(); // a template without a slot renders as itself
    return 0;
}
