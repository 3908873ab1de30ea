#pragma once
// deferScenePaints: a scene's item changes reach the window with its next paint, not in a paint of their own.
// Without a receiver on QGraphicsScene::changed, the scene sends its item updates straight to its views and then
// delivers the window's pending UpdateRequest at once (QGraphicsViewPrivate::dispatchPendingUpdateRequests): in a
// storm the graph and the timeline each repainted the whole window in the middle of other work, twice per frame.
// With the signal connected the scene announces its changes through QGraphicsView::updateScene instead, which only
// schedules the viewport's update.

#include <QGraphicsScene>

inline void deferScenePaints(QGraphicsScene* scene)
{
    QObject::connect(scene, &QGraphicsScene::changed, scene, [] {});
}
