#include "qthashpath.h"

#include <QLoggingCategory>
#include <QtCore/qbasicatomic.h>

#include <cstdio>

#if defined(Q_PROCESSOR_X86_64) && defined(Q_OS_LINUX) && QT_VERSION >= QT_VERSION_CHECK(6, 4, 0) &&                   \
    QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
#define NIGHTWATCH_QT_HASH_PATH 1
#include <cpuid.h>
// Exported by QtCore (qsimd_p.h): the feature bits qCpuHasFeature() reads.
extern Q_CORE_EXPORT QBasicAtomicInteger<quint64> qt_cpu_features[1];
#endif

namespace QtHashPath {

bool shouldTakeNarrowPath(const Facts& facts)
{
    if (facts.qtMajor != 6 || facts.qtMinor != 4)
        return false; // another Qt reads other bits
    const bool vaesBit = facts.qtFeatures & kQtVaesBit, avx512vlBit = facts.qtFeatures & kQtAvx512vlBit;
    // The bits must say what the CPU says, or they are not the bits this was measured with.
    if (vaesBit != facts.cpuHasVaes || avx512vlBit != facts.cpuHasAvx512vl)
        return false;
    return vaesBit && avx512vlBit;
}

Facts machineFacts()
{
    Facts facts;
    if (std::sscanf(qVersion(), "%d.%d", &facts.qtMajor, &facts.qtMinor) != 2)
        facts.qtMajor = facts.qtMinor = 0;
#ifdef NIGHTWATCH_QT_HASH_PATH
    // CPUID leaf 7 itself, not __builtin_cpu_supports: clang 14 (the fuzz build's) knows no "vaes" there.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        facts.cpuHasVaes = ecx & (1u << 9);
        facts.cpuHasAvx512vl = ebx & (1u << 31);
    }
    facts.qtFeatures = qt_cpu_features[0].loadRelaxed();
#endif
    return facts;
}

namespace {
bool takeNarrowPath()
{
#ifdef NIGHTWATCH_QT_HASH_PATH
    if (!shouldTakeNarrowPath(machineFacts()))
        return false;
    qt_cpu_features[0].fetchAndAndRelaxed(~kQtVaesBit);
    return true;
#else
    return false;
#endif
}

bool taken = false;

// Before the program's own static initialisers (default priority) and main; after the shared libraries' (QtCore's
// feature detection included), which build no seeded hash of a string.
__attribute__((constructor(101))) void decideBeforeAnyHash()
{
    taken = takeNarrowPath();
}
} // namespace

bool narrowPathTaken()
{
    return taken;
}

Q_LOGGING_CATEGORY(lcHash, "nightwatch.hash", QtWarningMsg)

void logDecision()
{
    qCInfo(lcHash, "short-key QHash path: %s (Qt %s)",
           taken ? "128-bit AES, Qt 6.4's slow AVX-512 one avoided" : "Qt's own choice", qVersion());
}
} // namespace QtHashPath
