#pragma once
// YamlDocuments: YAML::LoadAll without its hang. Debian 12's yaml-cpp 0.7 never gets past a flow entry (',')
// outside a [ ] or { } list: LoadAll then yields empty documents forever, allocating as it goes (found by
// fuzz_runbook; see tests/fuzz/corpus/runbook/yamlcpp-stray-comma.yaml). A file can hold no more documents than
// it has document markers ("---", "...") plus one, so the documents are first counted through yaml-cpp's event
// parser up to that bound, and a parser that goes past it is refused with the place it got stuck.

#include <QByteArray>
#include <QString>

#include <yaml-cpp/node/node.h>

#include <optional>
#include <vector>

class YamlDocuments
{
public:
    // The documents of text; nullopt with *error ("line:column: ...", 1-based) when yaml-cpp would not return.
    // Syntax errors still come as YAML::Exception, as from YAML::LoadAll.
    static std::optional<std::vector<YAML::Node>> loadAll(const QByteArray& text, QString* error);
};
