#include "prometheusresult.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace {

// Prometheus writes sample values as strings so that NaN and ±Inf survive JSON.
bool parseValue(const QJsonValue& v, double* out)
{
    if (!v.isString())
        return false;
    const QString s = v.toString();
    if (s == u"NaN"_s) {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (s == u"+Inf"_s || s == u"Inf"_s) {
        *out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (s == u"-Inf"_s) {
        *out = -std::numeric_limits<double>::infinity();
        return true;
    }
    bool ok = false;
    *out = s.toDouble(&ok);
    return ok;
}

// [unix_seconds, "value"]
bool parseSample(const QJsonValue& v, MetricSample* out)
{
    const QJsonArray pair = v.toArray();
    if (pair.size() != 2 || !pair.at(0).isDouble())
        return false;
    out->msecs = std::llround(pair.at(0).toDouble() * 1000.0);
    return parseValue(pair.at(1), &out->value);
}

LabelSet parseLabels(const QJsonObject& metric)
{
    LabelSet labels;
    for (auto it = metric.constBegin(); it != metric.constEnd(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

} // namespace

PrometheusResult PrometheusResult::fromJson(const QByteArray& body, int httpStatus)
{
    PrometheusResult r;
    r.httpStatus = httpStatus;
    const auto bad = [&](const QString& why) {
        r.series.clear();
        r.errorType = u"bad_response"_s;
        r.error = u"HTTP %1: %2"_s.arg(httpStatus).arg(why);
        return r;
    };

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject())
        return bad(u"not a Prometheus JSON answer ("_s + parseError.errorString() + u")"_s);
    const QJsonObject root = doc.object();
    for (const QJsonValue& w : root.value(u"warnings"_s).toArray())
        r.warnings.append(w.toString());
    if (root.value(u"status"_s).toString() != u"success"_s) {
        r.errorType = root.value(u"errorType"_s).toString(u"http"_s);
        r.error = root.value(u"error"_s).toString();
        if (r.error.isEmpty())
            r.error = u"HTTP %1 without an error text"_s.arg(httpStatus);
        return r;
    }

    const QJsonObject data = root.value(u"data"_s).toObject();
    r.resultType = data.value(u"resultType"_s).toString();
    const QJsonValue result = data.value(u"result"_s);
    if (r.resultType == u"matrix"_s || r.resultType == u"vector"_s) {
        const bool matrix = r.resultType == u"matrix"_s;
        for (const QJsonValue& item : result.toArray()) {
            const QJsonObject o = item.toObject();
            MetricSeries s;
            s.labels = parseLabels(o.value(u"metric"_s).toObject());
            if (matrix) {
                const QJsonArray values = o.value(u"values"_s).toArray();
                s.points.reserve(values.size());
                for (const QJsonValue& v : values) {
                    MetricSample sample;
                    if (!parseSample(v, &sample))
                        return bad(u"a sample is not [timestamp, \"value\"]"_s);
                    s.points.append(sample);
                }
            } else {
                MetricSample sample;
                if (!parseSample(o.value(u"value"_s), &sample))
                    return bad(u"a sample is not [timestamp, \"value\"]"_s);
                s.points.append(sample);
            }
            r.series.append(std::move(s));
        }
    } else if (r.resultType == u"scalar"_s) {
        MetricSeries s;
        MetricSample sample;
        if (!parseSample(result, &sample))
            return bad(u"a scalar is not [timestamp, \"value\"]"_s);
        s.points.append(sample);
        r.series.append(std::move(s));
    } else {
        return bad(u"result type \"%1\" is not a number series"_s.arg(r.resultType));
    }
    return r;
}
