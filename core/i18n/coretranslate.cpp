#include "coretranslate.h"

#include <QCoreApplication>

namespace CoreTranslate {

QString plural(const char* context, const char* source, int n)
{
    QString text = QCoreApplication::translate(context, source, nullptr, n);
    if (text.contains(QLatin1String("(s)")))
        text.replace(QLatin1String("(s)"), n == 1 ? QString() : QStringLiteral("s"));
    return text;
}

} // namespace CoreTranslate
