#include "measuredlabel.h"

#include <QEvent>
#include <QFontMetricsF>

MeasuredLabel::MeasuredLabel(QWidget* parent) : QLabel(parent) {}

bool MeasuredLabel::sameShape(const QString& now) const
{
    // Rich text can hold digits in its markup (a font size), and a font with proportional digits moves the breaks.
    if (textFormat() != Qt::PlainText || m_measuredAdvance < 0 || now.size() != m_measuredText.size())
        return false;
    for (qsizetype i = 0; i < now.size(); ++i) {
        const QChar was = m_measuredText.at(i), is = now.at(i);
        if (was != is && !(was.isDigit() && is.isDigit()))
            return false;
    }
    const QFontMetricsF fm(font());
    const qreal digit = fm.horizontalAdvance(u'0');
    for (char16_t d = u'1'; d <= u'9'; ++d)
        if (fm.horizontalAdvance(QChar(d)) != digit)
            return false;
    return fm.horizontalAdvance(now) == m_measuredAdvance; // no kerning pair moved either
}

void MeasuredLabel::forgetIfStale() const
{
    if (m_measuredWrap == wordWrap() && m_measuredFormat == textFormat()) {
        if (m_measuredText == text())
            return;
        if (sameShape(text())) {
            m_measuredText = text();
            return;
        }
    }
    m_measuredText = text();
    m_measuredWrap = wordWrap();
    m_measuredFormat = textFormat();
    m_measuredAdvance = textFormat() == Qt::PlainText ? QFontMetricsF(font()).horizontalAdvance(m_measuredText) : -1;
    m_sizeHint = m_minimumSizeHint = QSize();
    m_heights.clear();
    ++m_measurements;
}

QSize MeasuredLabel::sizeHint() const
{
    forgetIfStale();
    if (!m_sizeHint.isValid())
        m_sizeHint = QLabel::sizeHint();
    return m_sizeHint;
}

QSize MeasuredLabel::minimumSizeHint() const
{
    forgetIfStale();
    if (!m_minimumSizeHint.isValid())
        m_minimumSizeHint = QLabel::minimumSizeHint();
    return m_minimumSizeHint;
}

int MeasuredLabel::heightForWidth(int width) const
{
    forgetIfStale();
    const auto known = m_heights.constFind(width);
    if (known != m_heights.cend())
        return *known;
    if (m_heights.size() > 16) // a splitter dragged across many widths: only the recent ones matter
        m_heights.clear();
    const int height = QLabel::heightForWidth(width);
    m_heights.insert(width, height);
    return height;
}

void MeasuredLabel::changeEvent(QEvent* event)
{
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::StyleChange:
    case QEvent::ContentsRectChange:
    case QEvent::LocaleChange:
    case QEvent::LayoutDirectionChange:
        m_measuredText = QString(); // measured again on the next question
        m_measuredWrap = !wordWrap();
        m_measuredAdvance = -1;
        break;
    default:
        break;
    }
    QLabel::changeEvent(event);
}
