#pragma once
// UiTranslations: which .qm files the console loads. Nightwatch's own translations are embedded under
// :/i18n (nightwatch_<lang>.qm, built from translations/*.ts); Qt's own (dialog buttons, key names,
// QCommandLineParser's --help) come from the system's Qt translations when the package is installed.
// English plural forms ("1 alert" / "3 alerts" for tr("%n alert(s)")) are a translation too, and are
// installed whenever a QCoreApplication starts in a program that shows ui strings, so tests and tools
// read proper English without calling anything.

#include <QLocale>
#include <QStringList>

class QTranslator;

class UiTranslations
{
public:
    static constexpr char ResourceDir[] = ":/i18n";

    // Installs the English plural forms once; safe to call again.
    static void installEnglishPlurals();

    // Installs Nightwatch's and Qt's translations for the locale's UI languages on top of the English plural
    // forms. Returns the files loaded (empty for English or a language Nightwatch is not translated into;
    // then the console stays English, Qt's dialogs included, rather than mixing languages).
    static QStringList install(const QLocale& locale);

    // Removes what install() added (the English plural forms stay); for tests switching languages.
    static void uninstall();

    // The languages Nightwatch ships, as in nightwatch_<name>.qm: {"de", "en"}.
    static QStringList availableLanguages();
};
