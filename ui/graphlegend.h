#pragma once
// GraphLegend: the key under the dependency graph — what each fill, outline and halo means —
// so colour is never the only explanation. Wraps onto a second line in a narrow panel.

#include <QColor>
#include <QWidget>

class GraphLegend : public QWidget
{
    Q_OBJECT

public:
    explicit GraphLegend(QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    static QColor textColor(); // the labels' colour in the current scheme

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int layoutEntries(int width, QVector<QRectF>* swatches, QVector<QRectF>* labels) const; // returns height
};
