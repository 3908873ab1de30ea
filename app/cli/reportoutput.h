#pragma once
// Where report-like commands put their result: --out FILE (written atomically, so a failed run never
// leaves half a file over a good one) or stdout.

#include <QByteArray>
#include <QSaveFile>
#include <QString>

#include <cstdio>

inline bool writeReportOutput(const QString& path, const QByteArray& bytes, QString* error)
{
    if (path.isEmpty() || path == QLatin1String("-")) {
        const bool ok = std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) == size_t(bytes.size());
        std::fflush(stdout);
        if (!ok)
            *error = QStringLiteral("cannot write to standard output");
        return ok;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
