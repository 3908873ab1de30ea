#pragma once
// ChangeEvent: a deploy, config change or feature flag flip on a service; context for diagnosis.

#include <QDateTime>
#include <QMetaType>
#include <QString>

struct ChangeEvent
{
    QString service;
    QString kind; // "deploy", "config", "feature-flag", ...
    QDateTime at; // UTC
    QString description;
    QString link;
};

Q_DECLARE_METATYPE(ChangeEvent)
