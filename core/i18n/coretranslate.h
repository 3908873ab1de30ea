#pragma once
// CoreTranslate: tr() with %n for the core's sentences. The console installs translators (German, and the English
// plural forms); the command line installs none, so a plural source text such as "all %n alerting service(s)" is
// finished here in English rather than printed with its "(s)".

#include <QString>

namespace CoreTranslate {

// QCoreApplication::translate(context, source, nullptr, n); an untranslated "(s)" becomes "" for 1 and "s" otherwise.
QString plural(const char* context, const char* source, int n);

// A severity label's value in the console's language ("critical" -> "kritisch"); spellings it does not know stay
// as they came.
QString severity(const QString& label);

} // namespace CoreTranslate
