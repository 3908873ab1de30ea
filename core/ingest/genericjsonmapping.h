#pragma once
// GenericJsonMapping: where a feed that speaks none of the known formats keeps an alert's parts, as
// RFC 6901 JSON pointers (name, service, severity, time, fingerprint, status, extra labels). Read from a
// small YAML or JSON file; every pointer is checked when the file is read, not when alerts arrive.

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

struct GenericJsonMapping
{
    using Pointer = nlohmann::json::json_pointer;

    // Where the list of alerts is; unset: the body is one alert object or an array of them.
    std::optional<Pointer> alerts;
    // Inside one alert. name is required and becomes the alertname label.
    Pointer name;
    std::optional<Pointer> service;
    std::optional<Pointer> severity;
    std::optional<Pointer> time;        // RFC 3339 or epoch seconds; unset or absent: when the delivery arrived
    std::optional<Pointer> endTime;     // when a resolved alert ended; unset or absent: when the delivery arrived
    std::optional<Pointer> fingerprint; // unset or absent: a hash of the alert's labels
    std::optional<Pointer> status;      // unset or absent: firing
    std::optional<Pointer> url;         // a link back to the alert in its tool
    QStringList resolvedValues{QStringLiteral("resolved")}; // status values that mean resolved (case-insensitive)
    QList<std::pair<QString, Pointer>> labels;              // label name -> pointer; absent values are left out
    QList<std::pair<QString, Pointer>> annotations;         // annotation name -> pointer; absent values are left out

    // The keys above, in YAML or JSON (JSON is YAML). Unknown keys are an error: a typo must not silently
    // leave a field unmapped.
    static std::optional<GenericJsonMapping> fromYaml(const QByteArray& text, QString* error);
    static std::optional<GenericJsonMapping> fromFile(const QString& path, QString* error);
};
