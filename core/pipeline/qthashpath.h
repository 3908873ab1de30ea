#pragma once

#include <QtGlobal>

// Qt 6.4's qHash of a string or byte array shorter than 16 bytes, on a CPU with VAES and AVX-512, takes a 256-bit
// AVX-512 path that then runs legacy-SSE `aesenc` with the vector registers' upper halves dirty: the SSE/AVX
// transition costs about 160 ns on every such hash on the machines this project builds on (a plain loop of the same
// pair: 160 ns; with `vzeroupper` between: 1.2 ns). Every QHash and QSet keyed by a short QString pays it: services,
// label names and values, alert names. Measured on `nightwatch-bench --serve-storm --notifications 20000`, one run
// each: storm 22,952 -> 46,618 alerts/s, serve CPU 59.5 -> 29.5 us an alert, the 100k-alert body 1,020 -> 815 ms,
// with Qt's other (128-bit AES) path for these keys. That path is just as seeded, so hash flooding stays as hard as Qt
// makes it (QT_HASH_SEED=0, which avoids the slow path too, would make it easy).
//
// The choice is made from Qt's CPU feature bits, read on every hash; clearing the VAES bit sends short keys down the
// 128-bit path. The two paths hash differently, so this must happen before any seeded QHash holds a key: it runs as a
// constructor of the program (before its static initialisers and main), in every program that links this file. Only
// where the bits mean what Qt 6.4.x's qHashBits reads (checked against the CPU's own answer), never elsewhere.
namespace QtHashPath {
struct Facts
{
    int qtMajor = 0, qtMinor = 0; // the Qt library loaded, not the headers compiled against
    bool cpuHasVaes = false, cpuHasAvx512vl = false;
    quint64 qtFeatures = 0; // Qt's CPU feature bits as qHashBits reads them
};

// Qt 6.4.2's qHashBits (disassembled): 0x8000000 picks the VAES path, 0x400000 (AVX512VL) its short-key variant.
constexpr quint64 kQtVaesBit = Q_UINT64_C(0x8000000);
constexpr quint64 kQtAvx512vlBit = Q_UINT64_C(0x400000);

// true where clearing kQtVaesBit avoids the slow path and means nothing else: Qt 6.4, and bits that agree with the CPU.
bool shouldTakeNarrowPath(const Facts& facts);

// This machine's: the loaded Qt's version, the CPU's own answer (CPUID) and Qt's feature bits as they are now (after
// the decision, without the VAES bit where it was cleared).
Facts machineFacts();

// Whether this program's short keys take the 128-bit path (decided once, before main).
bool narrowPathTaken();

// Says which path in the category "nightwatch.hash" (info, off unless enabled:
// QT_LOGGING_RULES="nightwatch.hash=true"). Called from main: it also links this file, and so its constructor, into the
// program.
void logDecision();
} // namespace QtHashPath
