// The shipped translations: every tr() string of ui/, core/, app/gui and app/common is translated in every
// translations/*.ts (lupdate runs over the sources into a temporary copy, so a string added anywhere
// without a translation fails here), the embedded .qm files translate, placeholders survive translation,
// and the console picks its language from the system locale or --lang.
#include "uitranslations.h"

#include "theme.h"
#include "triage/deterministictriage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct Message
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type;             // "", "unfinished", "vanished", "obsolete"
    QStringList translations; // one, or one per plural form
};

QList<Message> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message m;
    while (!xml.atEnd()) {
        const QXmlStreamReader::TokenType token = xml.readNext();
        const auto name = xml.name();
        if (token == QXmlStreamReader::EndElement && name == u"message") {
            messages << m;
        } else if (token != QXmlStreamReader::StartElement) {
            continue;
        } else if (name == u"name") {
            context = xml.readElementText();
        } else if (name == u"message") {
            m = Message{context, {}, {}, xml.attributes().value(QLatin1StringView("numerus")) == u"yes", {}, {}};
        } else if (name == u"source") {
            m.source = xml.readElementText();
        } else if (name == u"comment") {
            m.comment = xml.readElementText();
        } else if (name == u"translation") {
            m.type = xml.attributes().value(QLatin1StringView("type")).toString();
            if (!m.numerus) // a numerus translation's forms follow as <numerusform> elements
                m.translations << xml.readElementText();
        } else if (name == u"numerusform") {
            m.translations << xml.readElementText();
        } else if (name != u"TS" && name != u"context") {
            xml.skipCurrentElement(); // location, extracomment, ...
        }
    }
    if (xml.hasError())
        *error = u"%1:%2: %3"_s.arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QStringList tsFiles()
{
    const QDir dir(QStringLiteral(NIGHTWATCH_SOURCE_DIR "/translations"));
    QStringList files;
    for (const QString& name : dir.entryList({u"*.ts"_s}, QDir::Files, QDir::Name))
        files << dir.filePath(name);
    return files;
}

// A .ts in the source language (English) carries only the plural forms of "%n" strings.
bool isPluralOnly(const QString& tsPath)
{
    return QFileInfo(tsPath).completeBaseName().endsWith(u"_en");
}

// %1..%99 (also %L1) and %n: what a translation must keep, in any order.
QStringList placeholders(const QString& text)
{
    static const QRegularExpression pattern(u"%L?(\\d{1,2}|n)"_s);
    QStringList found;
    for (const auto& match : pattern.globalMatch(text))
        found << u"%"_s + match.captured(1);
    found.removeDuplicates();
    found.sort();
    return found;
}

QString describe(const Message& m)
{
    return u"  [%1] \"%2\""_s.arg(m.context, m.source);
}

} // namespace

class TranslationsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!tsFiles().isEmpty(), "no translations/*.ts");
        QVERIFY2(tsFiles().size() >= 2, "expected English plural forms and at least one other language");
    }

    void cleanup() { UiTranslations::uninstall(); }

    // lupdate over the sources into a temporary copy: what it marks unfinished (new or changed strings) or
    // vanished (strings the sources no longer have) is what the committed file lacks.
    void everySourceStringIsTranslated_data()
    {
        QTest::addColumn<QString>("ts");
        for (const QString& ts : tsFiles())
            QTest::newRow(qPrintable(QFileInfo(ts).fileName())) << ts;
    }

    void everySourceStringIsTranslated()
    {
        QFETCH(QString, ts);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString copy = tmp.filePath(QFileInfo(ts).fileName());
        QVERIFY(QFile::copy(ts, copy));
        QFile(copy).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        QStringList args{u"-locations"_s, u"none"_s, u"ui"_s, u"app/gui"_s, u"app/common"_s, u"core"_s, u"-ts"_s, copy};
        if (isPluralOnly(ts))
            args.prepend(u"-pluralonly"_s);
        QProcess lupdate;
        lupdate.setWorkingDirectory(QStringLiteral(NIGHTWATCH_SOURCE_DIR));
        lupdate.start(QStringLiteral(NIGHTWATCH_LUPDATE), args);
        QVERIFY2(lupdate.waitForFinished(120'000), qPrintable(lupdate.errorString()));
        QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
                 qPrintable(QString::fromLocal8Bit(lupdate.readAllStandardError())));

        QString error;
        const QList<Message> messages = readTs(copy, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!messages.isEmpty());
        QStringList unfinished, vanished;
        for (const Message& m : messages) {
            const bool empty = std::any_of(m.translations.cbegin(), m.translations.cend(),
                                           [](const QString& t) { return t.isEmpty(); });
            if (m.type == u"vanished" || m.type == u"obsolete")
                vanished << describe(m);
            else if (m.type == u"unfinished" || empty || m.translations.isEmpty())
                unfinished << describe(m);
        }
        QString report;
        if (!unfinished.isEmpty())
            report +=
                u"%1 untranslated string(s) in %2:\n%3\n"_s.arg(unfinished.size()).arg(ts, unfinished.join(u'\n'));
        if (!vanished.isEmpty())
            report += u"%1 string(s) in %2 no longer in the sources:\n%3\n"_s.arg(vanished.size())
                          .arg(ts, vanished.join(u'\n'));
        if (!report.isEmpty())
            report += u"Run `cmake --build build --target update_translations`, translate the entries in Linguist "
                      "(or the .ts), and commit the .ts."_s;
        QVERIFY2(report.isEmpty(), qPrintable(report));
    }

    // The committed files themselves carry no leftovers of removed strings.
    void noObsoleteEntriesCommitted_data() { everySourceStringIsTranslated_data(); }
    void noObsoleteEntriesCommitted()
    {
        QFETCH(QString, ts);
        QString error;
        const QList<Message> messages = readTs(ts, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList leftovers;
        for (const Message& m : messages)
            if (m.type == u"vanished" || m.type == u"obsolete" || m.type == u"unfinished")
                leftovers << describe(m) + u" ("_s + m.type + u')';
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(u'\n')));
    }

    // lupdate files a tr() it cannot tie to a class (Alias::tr, a free function's tr) under an empty context;
    // the running console looks such a string up under the real class name and never finds the translation.
    void everyStringHasAClassContext_data() { everySourceStringIsTranslated_data(); }
    void everyStringHasAClassContext()
    {
        QFETCH(QString, ts);
        QString error;
        const QList<Message> messages = readTs(ts, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList orphans;
        for (const Message& m : messages)
            if (m.context.isEmpty())
                orphans << describe(m);
        QVERIFY2(orphans.isEmpty(),
                 qPrintable(u"strings without a class context (spell out Class::tr):\n"_s + orphans.join(u'\n')));
    }

    // A translation that drops %2 loses a value; one that adds %3 shows a raw "%3"; a plural form without %n
    // hides the count.
    void placeholdersSurviveTranslation_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("translation");
        int rows = 0;
        for (const QString& ts : tsFiles()) {
            QString error;
            const QList<Message> messages = readTs(ts, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            for (const Message& m : messages) {
                for (qsizetype form = 0; form < m.translations.size(); ++form) {
                    QTest::addRow("%s %s %s #%d", qPrintable(QFileInfo(ts).completeBaseName()), qPrintable(m.context),
                                  qPrintable(m.source.left(40).replace(u'\n', u' ')), int(form))
                        << m.source << m.translations.at(form);
                    ++rows;
                }
            }
        }
        QVERIFY(rows > 100);
    }

    void placeholdersSurviveTranslation()
    {
        QFETCH(QString, source);
        QFETCH(QString, translation);
        QVERIFY2(placeholders(translation) == placeholders(source),
                 qPrintable(u"\"%1\" has %2 but its translation \"%3\" has %4"_s.arg(
                     source, placeholders(source).join(u' '), translation, placeholders(translation).join(u' '))));
    }

    // The German .qm embedded in the ui library translates, plural forms included.
    void germanTranslates_data()
    {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("expected");
        QTest::newRow("state") << u"Theme"_s << u"Acknowledged"_s << -1 << u"Quittiert"_s;
        QTest::newRow("button") << u"IncidentSummaryCard"_s << u"Acknowledge"_s << -1 << u"Quittieren"_s;
        QTest::newRow("panel caption") << u"MainWindow"_s << u"DEPENDENCY GRAPH"_s << -1 << u"ABHÄNGIGKEITSGRAPH"_s;
        QTest::newRow("step state") << u"RunbookStepModel"_s << u"ROLLED BACK"_s << -1 << u"ZURÜCKGEROLLT"_s;
        QTest::newRow("one alert") << u"MainWindow"_s << u"%n alert(s)"_s << 1 << u"1 Alarm"_s;
        QTest::newRow("many alerts") << u"MainWindow"_s << u"%n alert(s)"_s << 31 << u"31 Alarme"_s;
        QTest::newRow("one incident") << u"MainWindow"_s << u"%n incident(s)"_s << 1 << u"1 Vorfall"_s;
        QTest::newRow("no incidents") << u"MainWindow"_s << u"%n incident(s)"_s << 0 << u"0 Vorfälle"_s;
        QTest::newRow("gui option") << u"main"_s << u"language"_s << -1 << u"Sprache"_s;
        QTest::newRow("lifecycle button") << u"IncidentSummaryCard"_s << u"Mitigate"_s << -1 << u"Eindämmen"_s;
        QTest::newRow("similar incident age")
            << u"IncidentSummaryCard"_s << u"%1 weeks before"_s << -1 << u"%1 Wochen vorher"_s;
        QTest::newRow("history count") << u"HistoryBrowser"_s << u"%n incident(s)"_s << 3 << u"3 Vorfälle"_s;
        // The core's sentences: triage headings, incident names, counted evidence.
        QTest::newRow("triage heading") << u"DeterministicTriage"_s << u"Strongest evidence: %1"_s << -1
                                        << u"Stärkster Hinweis: %1"_s;
        QTest::newRow("incident name") << u"IncidentTitle"_s << u"errors"_s << -1 << u"Fehler"_s;
        QTest::newRow("evidence count") << u"Diagnoser"_s << u"all %n alerting service(s)"_s << 4
                                        << u"alle 4 alarmierenden Dienste"_s;
        QTest::newRow("severity") << u"Severity"_s << u"critical"_s << -1 << u"kritisch"_s;
        QTest::newRow("noise group") << u"IncidentListModel"_s << u"Noise: %n single-alert incident(s)"_s << 80
                                     << u"Rauschen: 80 Vorfälle mit je einem Alarm"_s;
    }

    void germanTranslates()
    {
        QFETCH(QString, context);
        QFETCH(QString, source);
        QFETCH(int, n);
        QFETCH(QString, expected);
        const QStringList loaded = UiTranslations::install(QLocale(QLocale::German, QLocale::Germany));
        QVERIFY2(!loaded.isEmpty() && loaded.first().endsWith(u"nightwatch_de.qm"), qPrintable(loaded.join(u", ")));
        QCOMPARE(QCoreApplication::translate(context.toUtf8().constData(), source.toUtf8().constData(), nullptr, n),
                 expected);
    }

    // German mode: the severity everywhere it is shown, and the core's triage sentence with its counts.
    void germanSeverityAndTriage()
    {
        QVERIFY(!UiTranslations::install(QLocale(QLocale::German, QLocale::Germany)).isEmpty());
        QCOMPARE(Theme::severityLabel(u"critical"_s), u"▲ KRITISCH"_s);
        QCOMPARE(Theme::severityLabel(u"Warning"_s), u"◆ WARNUNG"_s);
        Incident incident;
        incident.severity = u"critical"_s;
        incident.alerts.resize(1);
        incident.affectedServices = {u"db"_s};
        incident.notificationCount = 2;
        QCOMPARE(DeterministicTriage::build(incident).summary.value(0),
                 u"Vorfall (Kritisch): 1 Alarm (2 Benachrichtigungen) in 1 Dienst."_s);
    }

    // Without any language installed, the English plural forms are: they come with the ui library.
    void englishPluralsWithoutInstalling_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one") << 1 << u"1 alert"_s;
        QTest::newRow("none") << 0 << u"0 alerts"_s;
        QTest::newRow("many") << 23 << u"23 alerts"_s;
    }

    void englishPluralsWithoutInstalling()
    {
        QFETCH(int, n);
        QFETCH(QString, expected);
        QCOMPARE(QCoreApplication::translate("MainWindow", "%n alert(s)", nullptr, n), expected);
        QVERIFY(UiTranslations::install(QLocale(QLocale::English)).isEmpty());
        QCOMPARE(QCoreApplication::translate("MainWindow", "%n alert(s)", nullptr, n), expected);
        QCOMPARE(QCoreApplication::translate("Theme", "Acknowledged"), u"Acknowledged"_s);
    }

    void languagesShipped()
    {
        const QStringList languages = UiTranslations::availableLanguages();
        QVERIFY2(languages.contains(u"de"_s) && languages.contains(u"en"_s), qPrintable(languages.join(u", ")));
        for (const QString& ts : tsFiles()) {
            const QString language = QFileInfo(ts).completeBaseName().section(u'_', 1);
            QVERIFY2(languages.contains(language), qPrintable(ts + u" is not embedded"_s));
        }
    }

    // The real console: its --help follows LANG, LANGUAGE and --lang.
    void consoleFollowsLocale_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("language");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("notExpected");
        const QString german = u"Sprache der Konsole"_s;
        const QString english = u"Language of the console"_s;
        QTest::newRow("LANG=de") << u"de_DE.UTF-8"_s << QString() << QStringList() << german << english;
        QTest::newRow("LANG=C") << u"C.UTF-8"_s << QString() << QStringList() << english << german;
        QTest::newRow("LANG=fr: no French, English")
            << u"fr_FR.UTF-8"_s << QString() << QStringList() << english << german;
        QTest::newRow("LANGUAGE prefers en") << u"de_DE.UTF-8"_s << u"en:de"_s << QStringList() << english << german;
        QTest::newRow("--lang de") << u"C.UTF-8"_s << QString() << QStringList{u"--lang"_s, u"de"_s} << german
                                   << english;
        QTest::newRow("--lang=en over LANG=de")
            << u"de_DE.UTF-8"_s << QString() << QStringList{u"--lang=en"_s} << english << german;
    }

    void consoleFollowsLocale()
    {
        QFETCH(QString, lang);
        QFETCH(QString, language);
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QFETCH(QString, notExpected);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANGUAGE"})
            env.remove(QString::fromLatin1(name));
        env.insert(u"LANG"_s, lang);
        if (!language.isEmpty())
            env.insert(u"LANGUAGE"_s, language);
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        QTemporaryDir home; // no settings of the engineer's (ui/language) leak in
        env.insert(u"XDG_CONFIG_HOME"_s, home.path());
        QProcess console;
        console.setProcessEnvironment(env);
        console.start(QStringLiteral(NIGHTWATCH_GUI), args << u"--help"_s);
        QVERIFY(console.waitForFinished(60'000));
        const QString out = QString::fromUtf8(console.readAllStandardOutput());
        QCOMPARE(console.exitCode(), 0);
        QVERIFY2(out.contains(expected), qPrintable(out));
        QVERIFY2(!out.contains(notExpected), qPrintable(out));
    }

    void badLanguageIsRefused()
    {
        QProcess console;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        console.setProcessEnvironment(env);
        console.start(QStringLiteral(NIGHTWATCH_GUI), {u"--lang"_s, u"klingonish"_s, u"--help"_s});
        QVERIFY(console.waitForFinished(60'000));
        QCOMPARE(console.exitCode(), 2);
        QVERIFY(QString::fromUtf8(console.readAllStandardError()).contains(u"--lang"_s));
    }
};

QTEST_MAIN(TranslationsTest)
#include "tst_translations.moc"
