#include "yamldocuments.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <string>

using namespace Qt::StringLiterals;

namespace {

// Only where each document's first node starts: enough to say where the parser got stuck.
class FirstMark : public YAML::EventHandler
{
public:
    YAML::Mark mark = YAML::Mark::null_mark();

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        note(m);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        note(m);
    }
    void OnMapEnd() override {}

private:
    void note(const YAML::Mark& m)
    {
        if (mark.is_null())
            mark = m;
    }
};

// "---" or "..." at the start of a line (YAML allows them nowhere else).
qsizetype documentMarkers(const QByteArray& text)
{
    qsizetype count = 0;
    for (qsizetype at = 0; at < text.size();) {
        const QByteArrayView line = QByteArrayView(text).sliced(at).first(std::min<qsizetype>(3, text.size() - at));
        count += line == "---" || line == "...";
        const qsizetype next = text.indexOf('\n', at);
        if (next < 0)
            break;
        at = next + 1;
    }
    return count;
}

} // namespace

std::optional<std::vector<YAML::Node>> YamlDocuments::loadAll(const QByteArray& text, QString* error)
{
    const std::string input = text.toStdString();
    const qsizetype bound = documentMarkers(text) + 1;
    {
        std::istringstream stream(input);
        YAML::Parser parser(stream);
        for (qsizetype documents = 0;;) {
            FirstMark first;
            if (!parser.HandleNextDocument(first))
                break;
            if (++documents > bound) {
                if (error)
                    *error = u"%1:%2: the YAML reader makes no progress here (a ',' outside a [ ] or { } list?)"_s
                                 .arg(first.mark.line + 1)
                                 .arg(first.mark.column + 1);
                return std::nullopt;
            }
        }
    }
    return YAML::LoadAll(input);
}
