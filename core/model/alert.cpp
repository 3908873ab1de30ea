#include "alert.h"

#include <QCryptographicHash>

QString Alert::fingerprintOf(const LabelSet& labels)
{
    // Names and values are separated by bytes that cannot appear in UTF-8 text, so
    // {a="b,c"} and {a="b", c=""} never hash alike.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        hash.addData(it.key().toUtf8());
        hash.addData(QByteArrayView("\xff", 1));
        hash.addData(it.value().toUtf8());
        hash.addData(QByteArrayView("\xfe", 1));
    }
    return QString::fromLatin1(hash.result().toHex().left(16));
}
