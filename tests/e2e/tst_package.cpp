// `cpack` of this build directory, as a user gets it: nightwatch_<version>_<arch>.deb holding the two binaries,
// the launcher, its icon, the AppStream entry and the runbook examples, its Depends computed from the binaries.
// The package is unpacked into a temporary root, never installed into the system, and the unpacked console must
// start and draw the demo storm with nothing of the build tree around it.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe() const { return QString::fromUtf8(out + err); }
};

Run run(const QString& program, const QStringList& args, int timeoutMs = 30'000,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out after " + QByteArray::number(timeoutMs) + " ms: " + p.readAllStandardError();
        return r;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// `Key=value` of a desktop entry's main group.
QString desktopValue(const QString& entry, const QString& key)
{
    const QRegularExpression line(u"^"_s + QRegularExpression::escape(key) + u"=(.*)$"_s,
                                  QRegularExpression::MultilineOption);
    return line.match(entry.section(u"\n["_s, 0, 0)).captured(1).trimmed();
}

const QString kDesktop = u"usr/share/applications/nightwatch.desktop"_s;
const QString kIcon = u"usr/share/icons/hicolor/scalable/apps/nightwatch.svg"_s;
const QString kMetainfo = u"usr/share/metainfo/io.nightwatch.Nightwatch.metainfo.xml"_s;

} // namespace

class TestPackage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fileName();
    void control_data();
    void control();
    void descriptionIsDebianFormatted();
    void depends_data();
    void depends();
    void contents_data();
    void contents();
    void nothingOutsideUsrAndAllOwnedByRoot();
    void desktopEntryAndMetainfoPointIntoThePackage();
    void validators_data();
    void validators();
    void unpackedConsoleDrawsTheDemo();
    void unpackedCliPlansAShippedRunbook();

private:
    QString m_buildDir;
    QString m_version;
    QString m_arch;
    QTemporaryDir m_out;  // cpack's output directory (and its staging area)
    QTemporaryDir m_root; // the package unpacked with dpkg-deb -x
    QString m_deb;
    QHash<QString, QString> m_control;
    QHash<QString, QString> m_modes;  // package path ("usr/bin/nightwatch") -> mode ("-rwxr-xr-x")
    QHash<QString, QString> m_owners; // package path -> "root/root"
};

void TestPackage::initTestCase()
{
    // NIGHTWATCH_CLI is <build>/app/nightwatch-cli: cpack reads <build>/CPackConfig.cmake.
    m_buildDir = QFileInfo(QFileInfo(QStringLiteral(NIGHTWATCH_CLI)).absolutePath() + u"/.."_s).canonicalFilePath();
    const QString config = m_buildDir + u"/CPackConfig.cmake"_s;
    QVERIFY2(QFile::exists(config), qPrintable(config));
    const QString configText = readText(config);
    m_version = QRegularExpression(uR"re(set\(CPACK_PACKAGE_VERSION "([^"]+)"\))re"_s).match(configText).captured(1);
    QVERIFY2(!m_version.isEmpty(), "no CPACK_PACKAGE_VERSION in CPackConfig.cmake");

    // The cpack of the cmake that configured this build directory.
    QString cpack = QRegularExpression(u"^CMAKE_CPACK_COMMAND:INTERNAL=(.*)$"_s, QRegularExpression::MultilineOption)
                        .match(readText(m_buildDir + u"/CMakeCache.txt"_s))
                        .captured(1)
                        .trimmed();
    if (cpack.isEmpty())
        cpack = QStandardPaths::findExecutable(u"cpack"_s);
    for (const QString& name :
         {u"dpkg"_s, u"dpkg-deb"_s, u"dpkg-shlibdeps"_s, u"desktop-file-validate"_s, u"appstreamcli"_s}) {
        if (QStandardPaths::findExecutable(name).isEmpty())
            QFAIL(qPrintable(name + u" is missing: run packaging/dev.sh test, which installs it"_s));
    }
    QVERIFY2(!cpack.isEmpty(), "cpack is missing: run packaging/dev.sh test, which installs it");
    QVERIFY(m_out.isValid() && m_root.isValid());

    const Run arch = run(u"dpkg"_s, {u"--print-architecture"_s});
    QCOMPARE(arch.exitCode, 0);
    m_arch = QString::fromUtf8(arch.out).trimmed();

    QElapsedTimer timer;
    timer.start();
    const Run packed = run(cpack, {u"-G"_s, u"DEB"_s, u"--config"_s, config, u"-B"_s, m_out.path()}, 240'000);
    QVERIFY2(packed.exitCode == 0, qPrintable(packed.describe()));
    qInfo("cpack took %.1f s", double(timer.elapsed()) / 1000);

    const QStringList debs = QDir(m_out.path()).entryList({u"*.deb"_s}, QDir::Files);
    QVERIFY2(debs.size() == 1, qPrintable(debs.join(u", "_s) + u"\n"_s + packed.describe()));
    m_deb = m_out.filePath(debs.front());
    qInfo("%s: %lld bytes", qPrintable(debs.front()), QFileInfo(m_deb).size());

    // dpkg-deb -I prints the control file indented by one space, continuation lines by two.
    const Run info = run(u"dpkg-deb"_s, {u"-I"_s, m_deb});
    QVERIFY2(info.exitCode == 0, qPrintable(info.describe()));
    const QRegularExpression field(u"^ ([A-Za-z0-9-]+): (.*)$"_s);
    for (const QString& line : QString::fromUtf8(info.out).split(u'\n')) {
        if (const auto m = field.match(line); m.hasMatch())
            m_control.insert(m.captured(1), m.captured(2).trimmed());
    }

    // "-rwxr-xr-x root/root 123456 2026-11-25 09:25 ./usr/bin/nightwatch"
    const Run listing = run(u"dpkg-deb"_s, {u"-c"_s, m_deb});
    QVERIFY2(listing.exitCode == 0, qPrintable(listing.describe()));
    for (const QString& line : QString::fromUtf8(listing.out).split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList parts = line.split(u' ', Qt::SkipEmptyParts);
        QVERIFY2(parts.size() >= 6, qPrintable(line));
        QString path = parts.at(5);
        path.remove(QRegularExpression(u"^\\./"_s));
        if (path.endsWith(u'/'))
            path.chop(1);
        if (path.isEmpty() || path == u"."_s)
            continue;
        m_modes.insert(path, parts.at(0));
        m_owners.insert(path, parts.at(1));
    }

    const Run extracted = run(u"dpkg-deb"_s, {u"-x"_s, m_deb, m_root.path()});
    QVERIFY2(extracted.exitCode == 0, qPrintable(extracted.describe()));
}

void TestPackage::fileName()
{
    QCOMPARE(QFileInfo(m_deb).fileName(), u"nightwatch_%1_%2.deb"_s.arg(m_version, m_arch));
}

void TestPackage::control_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");

    QTest::addRow("Package") << u"Package"_s << u"nightwatch"_s;
    QTest::addRow("Version") << u"Version"_s << m_version;
    QTest::addRow("Architecture") << u"Architecture"_s << m_arch;
    QTest::addRow("Section") << u"Section"_s << u"admin"_s;
    QTest::addRow("Priority") << u"Priority"_s << u"optional"_s;
    QTest::addRow("Maintainer") << u"Maintainer"_s << u"Nightwatch team <nightwatch@localhost>"_s;
    QTest::addRow("Description") << u"Description"_s << u"incident console for on-call engineers"_s;
}

void TestPackage::control()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QVERIFY2(m_control.contains(field), qPrintable(QStringList(m_control.keys()).join(u", "_s)));
    QCOMPARE(m_control.value(field), value);
}

void TestPackage::descriptionIsDebianFormatted()
{
    // Synopsis, then the long description: every line indented by exactly one space (more would make it
    // verbatim), paragraphs separated by " .", and the synopsis not repeated.
    const Run field = run(u"dpkg-deb"_s, {u"-f"_s, m_deb, u"Description"_s});
    QVERIFY2(field.exitCode == 0, qPrintable(field.describe()));
    const QStringList lines = QString::fromUtf8(field.out).trimmed().split(u'\n');
    QVERIFY2(lines.size() > 2, field.out.constData());
    QCOMPARE(lines.front(), m_control.value(u"Description"_s));
    for (const QString& line : lines.mid(1)) {
        QVERIFY2(line.size() > 1 && line.at(0) == u' ' && line.at(1) != u' ', qPrintable(line));
        QVERIFY2(line.size() <= 80, qPrintable(line));
        QVERIFY2(line.mid(1) != lines.front(), qPrintable(line));
    }
}

void TestPackage::depends_data()
{
    QTest::addColumn<QString>("package");
    // From the binaries' ELF dependencies (dpkg-shlibdeps) ...
    for (const QString& p : {u"libc6"_s, u"libstdc++6"_s, u"libqt6core6"_s, u"libqt6gui6"_s, u"libqt6widgets6"_s,
                             u"libqt6network6"_s, u"libqt6sql6"_s, u"libqt6charts6"_s, u"libqt6httpserver6"_s,
                             u"libgvc6"_s, u"libcgraph6"_s, u"libyaml-cpp0.7"_s})
        QTest::addRow("%s", qPrintable(p)) << p;
    // ... and the plugin no linker line names: the store's SQLite driver.
    QTest::addRow("libqt6sql6-sqlite") << u"libqt6sql6-sqlite"_s;
}

void TestPackage::depends()
{
    QFETCH(QString, package);
    const QString depends = m_control.value(u"Depends"_s);
    QStringList names; // "libc6 (>= 2.34), libqt6core6 (>= 6.4.0) | foo" -> libc6, libqt6core6, foo
    for (const QString& alternative : depends.split(QRegularExpression(u"[,|]"_s), Qt::SkipEmptyParts))
        names << alternative.trimmed().section(u' ', 0, 0).section(u':', 0, 0);
    QVERIFY2(names.contains(package), qPrintable(u"Depends: "_s + depends));
}

void TestPackage::contents_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("source"); // the file it must be a copy of, or empty for a built binary

    const QString src = QStringLiteral(NIGHTWATCH_SOURCE_DIR);
    QTest::addRow("console") << u"usr/bin/nightwatch"_s << QString();
    QTest::addRow("cli") << u"usr/bin/nightwatch-cli"_s << QString();
    QTest::addRow("desktop entry") << kDesktop << src + u"/packaging/nightwatch.desktop"_s;
    QTest::addRow("icon") << kIcon << src + u"/resources/icons/nightwatch.svg"_s;
    QTest::addRow("metainfo") << kMetainfo << src + u"/packaging/io.nightwatch.Nightwatch.metainfo.xml"_s;
    const QDir runbooks(src + u"/resources/runbooks"_s);
    const QStringList yamls = runbooks.entryList({u"*.yaml"_s}, QDir::Files);
    QVERIFY(!yamls.isEmpty());
    for (const QString& yaml : yamls)
        QTest::addRow("runbook %s", qPrintable(yaml))
            << u"usr/share/nightwatch/runbooks/"_s + yaml << runbooks.filePath(yaml);
}

void TestPackage::contents()
{
    QFETCH(QString, path);
    QFETCH(QString, source);

    QVERIFY2(m_modes.contains(path), qPrintable(QStringList(m_modes.keys()).join(u'\n')));
    const QString mode = m_modes.value(path);
    const QString unpacked = m_root.filePath(path);
    if (source.isEmpty()) {
        QCOMPARE(mode, u"-rwxr-xr-x"_s);
        return;
    }
    QCOMPARE(mode, u"-rw-r--r--"_s);
    QFile a(unpacked);
    QFile b(source);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY2(a.readAll() == b.readAll(), qPrintable(path + u" differs from "_s + source));
}

void TestPackage::nothingOutsideUsrAndAllOwnedByRoot()
{
    QVERIFY(!m_modes.isEmpty());
    for (auto it = m_owners.cbegin(); it != m_owners.cend(); ++it) {
        QVERIFY2(it.key() == u"usr"_s || it.key().startsWith(u"usr/"_s), qPrintable(it.key()));
        QVERIFY2(it.value() == u"root/root"_s, qPrintable(it.key() + u" is owned by "_s + it.value()));
    }
}

void TestPackage::desktopEntryAndMetainfoPointIntoThePackage()
{
    const QString entry = readText(m_root.filePath(kDesktop));
    QVERIFY(!entry.isEmpty());
    QCOMPARE(desktopValue(entry, u"Exec"_s), u"nightwatch"_s);
    QVERIFY(m_modes.contains(u"usr/bin/"_s + desktopValue(entry, u"Exec"_s)));
    QCOMPARE(desktopValue(entry, u"Icon"_s), QFileInfo(kIcon).completeBaseName());
    QCOMPARE(desktopValue(entry, u"Terminal"_s), u"false"_s);

    QFile icon(m_root.filePath(kIcon));
    QVERIFY(icon.open(QIODevice::ReadOnly));
    QXmlStreamReader svg(&icon);
    QVERIFY2(svg.readNextStartElement() && svg.name() == u"svg", qPrintable(svg.errorString()));

    QFile metainfo(m_root.filePath(kMetainfo));
    QVERIFY(metainfo.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&metainfo);
    QString id;
    QString launchable;
    QStringList releases;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"id")
            id = xml.readElementText();
        else if (xml.name() == u"launchable" && xml.attributes().value(u"type"_s) == u"desktop-id")
            launchable = xml.readElementText();
        else if (xml.name() == u"release")
            releases << xml.attributes().value(u"version"_s).toString();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(id, QFileInfo(kMetainfo).fileName().section(u".metainfo.xml"_s, 0, 0));
    QCOMPARE(u"usr/share/applications/"_s + launchable, kDesktop);
    // Releases are listed newest first: a version bump must add its release to the metainfo.
    QVERIFY(!releases.isEmpty());
    QCOMPARE(releases.front(), m_version);
}

void TestPackage::validators_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("args");
    QTest::addRow("desktop-file-validate") << u"desktop-file-validate"_s << QStringList{m_root.filePath(kDesktop)};
    QTest::addRow("appstreamcli validate")
        << u"appstreamcli"_s << QStringList{u"validate"_s, u"--no-net"_s, m_root.filePath(kMetainfo)};
}

void TestPackage::validators()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    const Run r = run(program, args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    // desktop-file-validate exits 0 on hints and deprecation warnings: those must not be there either.
    if (program == u"desktop-file-validate")
        QVERIFY2(r.out.trimmed().isEmpty(), r.out.constData());
}

void TestPackage::unpackedConsoleDrawsTheDemo()
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"HOME"_s, home.path());
    env.remove(u"XDG_CONFIG_HOME"_s);
    env.remove(u"XDG_DATA_HOME"_s);
    env.remove(u"LD_LIBRARY_PATH"_s);
    const QString console = m_root.filePath(u"usr/bin/nightwatch"_s);

    const Run version = run(console, {u"--version"_s}, 30'000, env);
    QVERIFY2(version.exitCode == 0, qPrintable(version.describe()));
    QVERIFY2(version.out.contains(m_version.toUtf8()), version.out.constData());

    const QString png = home.filePath(u"s.png"_s);
    QElapsedTimer timer;
    timer.start();
    const Run demo =
        run(console, {u"--demo"_s, u"--db"_s, home.filePath(u"d.sqlite"_s), u"--screenshot"_s, png}, 90'000, env);
    QVERIFY2(demo.exitCode == 0, qPrintable(demo.describe()));
    QFile shot(png);
    QVERIFY2(shot.open(QIODevice::ReadOnly), qPrintable(png));
    QCOMPARE(shot.read(8), QByteArray("\x89PNG\r\n\x1a\n"));
    QVERIFY2(shot.size() > 20'000, qPrintable(QString::number(shot.size())));
    qInfo("the unpacked console drew the demo in %.1f s: %lld bytes of PNG", double(timer.elapsed()) / 1000,
          shot.size());
}

void TestPackage::unpackedCliPlansAShippedRunbook()
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.remove(u"LD_LIBRARY_PATH"_s);
    const Run plan = run(
        m_root.filePath(u"usr/bin/nightwatch-cli"_s),
        {u"runbook"_s, u"plan"_s, m_root.filePath(u"usr/share/nightwatch/runbooks/disk-cleanup.yaml"_s)}, 30'000, env);
    QVERIFY2(plan.exitCode == 0, qPrintable(plan.describe()));
    QVERIFY2(plan.out.contains("RB-HOST-005"), plan.out.constData());
}

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
