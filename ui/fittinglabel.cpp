#include "fittinglabel.h"

#include <QEvent>

FittingLabel::FittingLabel(QWidget* parent) : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void FittingLabel::setTexts(const QStringList& texts)
{
    m_texts = texts;
    setToolTip(texts.isEmpty() ? QString() : texts.constFirst());
    updateGeometry();
    fit();
}

int FittingLabel::widthOf(const QString& text) const
{
    const QMargins m = contentsMargins();
    return fontMetrics().horizontalAdvance(text) + 2 * margin() + m.left() + m.right() + 2;
}

QSize FittingLabel::sizeHint() const
{
    const QSize hint = QLabel::sizeHint();
    return m_texts.isEmpty() ? hint : QSize(widthOf(m_texts.constFirst()), hint.height());
}

QSize FittingLabel::minimumSizeHint() const
{
    const QSize hint = QLabel::minimumSizeHint();
    return m_texts.isEmpty() ? hint : QSize(qMin(widthOf(m_texts.constLast()), widthOf(m_texts.constFirst())), hint.height());
}

void FittingLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    fit();
}

void FittingLabel::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        updateGeometry(); // the hints are in the new font
        fit();
    }
}

void FittingLabel::fit()
{
    if (m_texts.isEmpty())
        return;
    const int room = contentsRect().width() - 2 * margin() - 2;
    QString shown = fontMetrics().elidedText(m_texts.constLast(), Qt::ElideRight, room);
    for (const QString& text : std::as_const(m_texts)) {
        if (fontMetrics().horizontalAdvance(text) <= room) {
            shown = text;
            break;
        }
    }
    if (text() != shown)
        setText(shown);
}
