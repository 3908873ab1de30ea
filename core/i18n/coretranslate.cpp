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

QString severity(const QString& label)
{
    static const char* const known[] = {
        QT_TRANSLATE_NOOP("Severity", "critical"),
        QT_TRANSLATE_NOOP("Severity", "error"),
        QT_TRANSLATE_NOOP("Severity", "warning"),
        QT_TRANSLATE_NOOP("Severity", "info"),
    };
    const QString lower = label.toLower();
    for (const char* word : known) {
        if (lower == QLatin1String(word))
            return QCoreApplication::translate("Severity", word);
    }
    return label;
}

} // namespace CoreTranslate
