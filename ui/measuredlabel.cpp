#include "measuredlabel.h"

#include <QEvent>

MeasuredLabel::MeasuredLabel(QWidget* parent) : QLabel(parent) {}

void MeasuredLabel::forgetIfStale() const
{
    if (m_measuredText == text() && m_measuredWrap == wordWrap() && m_measuredFormat == textFormat())
        return;
    m_measuredText = text();
    m_measuredWrap = wordWrap();
    m_measuredFormat = textFormat();
    m_sizeHint = m_minimumSizeHint = QSize();
    m_heights.clear();
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
        break;
    default:
        break;
    }
    QLabel::changeEvent(event);
}
