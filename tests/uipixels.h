#pragma once
// What a GUI test reads off a grabbed picture: the colour a rectangle is mostly painted in (what text sits on) and the
// strongest contrast any of its pixels has against that (the ink actually drawn). Shared by the screenshot tests.

#include "theme.h"

#include <QColor>
#include <QHash>
#include <QImage>
#include <QList>
#include <QRect>

namespace {

// The colour most of a rectangle is painted in: what the text actually sits on, whoever painted it.
// Colours of inline backgrounds (badges) are left out: their own text is measured against them.
inline QColor dominantColour(const QImage& image, const QRect& rect, const QList<QColor>& besides = {})
{
    QHash<QRgb, int> counts;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            ++counts[image.pixel(x, y)];
    for (const QColor& c : besides)
        counts.remove(c.rgb());
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    return QColor(best);
}

// The strongest contrast any pixel of the rectangle has against the background: the ink actually drawn.
inline double inkContrast(const QImage& image, const QRect& rect, const QColor& background)
{
    double best = 1.0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            best = qMax(best, Theme::contrastRatio(QColor(image.pixel(x, y)), background));
    return best;
}
} // namespace
