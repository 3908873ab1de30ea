#include "uitranslations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace {
QList<QTranslator*>& installed()
{
    static QList<QTranslator*> translators;
    return translators;
}

QTranslator* loadInto(const QLocale& locale, const QString& name, const QString& dir)
{
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(locale, name, u"_"_s, dir) && QCoreApplication::installTranslator(translator))
        return translator;
    delete translator;
    return nullptr;
}

void installEnglishPluralsAtStartup()
{
    UiTranslations::installEnglishPlurals();
}
} // namespace

// Wherever this file is linked (Theme calls it too), English plural forms are there before any widget.
Q_COREAPP_STARTUP_FUNCTION(installEnglishPluralsAtStartup)

void UiTranslations::installEnglishPlurals()
{
    static QTranslator* english = nullptr;
    if (english || !QCoreApplication::instance())
        return;
    english = new QTranslator(QCoreApplication::instance());
    if (!english->load(u"nightwatch_en"_s, QString::fromLatin1(ResourceDir)) ||
        !QCoreApplication::installTranslator(english)) {
        delete english;
        english = nullptr;
    }
}

QStringList UiTranslations::install(const QLocale& locale)
{
    installEnglishPlurals();
    uninstall();
    QStringList files;
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return files;
    QTranslator* own = loadInto(locale, u"nightwatch"_s, QString::fromLatin1(ResourceDir));
    // nightwatch_en.qm only holds plural forms: an English first choice in the UI languages (LANGUAGE=en:de)
    // finds it and means English.
    if (!own || own->language().startsWith(u"en"))
        return files;
    installed() << own;
    files << own->filePath();
    // Qt's own strings in the same language, when the system has them (Debian: qt6-translations-l10n).
    if (QTranslator* qt = loadInto(locale, u"qtbase"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        installed() << qt;
        files << qt->filePath();
    }
    return files;
}

void UiTranslations::uninstall()
{
    for (QTranslator* t : std::as_const(installed())) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    installed().clear();
}

QStringList UiTranslations::availableLanguages()
{
    QStringList languages;
    for (const QString& file : QDir(QString::fromLatin1(ResourceDir)).entryList({u"nightwatch_*.qm"_s}, QDir::Files))
        languages << file.mid(11, file.size() - 11 - 3);
    return languages;
}
