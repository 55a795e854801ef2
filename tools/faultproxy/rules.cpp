// Parsing the rules script strictly (a typo in a test's script should fail the test at start-up,
// not silently match nothing) and choosing the rule for a request.
#include "tools/faultproxy/rules.h"

#include <array>
#include <stdexcept>
#include <type_traits>

namespace layerpush::faultproxy {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 9> kActions = {
    "respond",   "reset_after_bytes", "stall_ms",  "redirect", "rewrite_status",
    "max_body",  "min_chunk",         "set_header", "reset_response_after_bytes"};

[[noreturn]] void fail(std::size_t index, const std::string& what) {
  throw std::invalid_argument("rule " + std::to_string(index) + ": " + what);
}

// Reads `object[key]` as T, failing with the rule's index when it has the wrong type.
template <typename T>
T field(std::size_t index, const json& object, const char* key) {
  const json& value = object.at(key);
  bool ok = false;
  if constexpr (std::is_same_v<T, std::string>)
    ok = value.is_string();
  else if constexpr (std::is_unsigned_v<T>)
    ok = value.is_number_unsigned();
  else
    ok = value.is_number_integer() && value.get<long long>() >= 0;
  if (!ok) fail(index, std::string("\"") + key + "\" has the wrong type or sign: " + value.dump());
  return value.get<T>();
}

void only_keys(std::size_t index, const json& object, std::initializer_list<const char*> keys,
               const std::string& where) {
  if (!object.is_object()) fail(index, where + " must be an object");
  for (const auto& item : object.items()) {
    bool known = false;
    for (const char* k : keys) known = known || item.key() == k;
    if (!known) fail(index, "unknown key \"" + item.key() + "\" in " + where);
  }
}

Action parse_action(std::size_t i, const std::string& name, const json& rule) {
  const json& v = rule[name];
  if (name == "reset_after_bytes")
    return ResetAfterBytes{field<std::uint64_t>(i, rule, name.c_str())};
  if (name == "reset_response_after_bytes")
    return ResetResponseAfterBytes{field<std::uint64_t>(i, rule, name.c_str())};
  if (name == "stall_ms") return StallMs{field<int>(i, rule, name.c_str())};
  if (name == "respond") {
    only_keys(i, v, {"status", "headers", "body"}, name);
    Respond r{field<int>(i, v, "status"), {}, {}};
    if (v.contains("headers")) {
      if (!v["headers"].is_object()) fail(i, "respond.headers must be an object");
      for (const auto& item : v["headers"].items())
        r.headers.emplace_back(item.key(), field<std::string>(i, v["headers"], item.key().c_str()));
    }
    if (v.contains("body")) r.body = field<std::string>(i, v, "body");
    return r;
  }
  if (name == "redirect") {
    only_keys(i, v, {"status", "to_listener"}, name);
    Redirect r{field<int>(i, v, "status")};
    if (v.contains("to_listener")) r.to_listener = field<int>(i, v, "to_listener");
    if (r.status < 300 || r.status > 399) fail(i, "redirect status must be 3xx");
    if (r.to_listener != 0 && r.to_listener != 1) fail(i, "to_listener must be 0 or 1");
    return r;
  }
  if (name == "rewrite_status") {
    only_keys(i, v, {"from", "to"}, name);
    return RewriteStatus{field<int>(i, v, "from"), field<int>(i, v, "to")};
  }
  if (name == "max_body") {
    only_keys(i, v, {"bytes", "status"}, name);
    MaxBody m{field<std::uint64_t>(i, v, "bytes")};
    if (v.contains("status")) m.status = field<int>(i, v, "status");
    return m;
  }
  if (name == "set_header") {
    only_keys(i, v, {"name", "value"}, name);
    return SetHeader{field<std::string>(i, v, "name"), field<std::string>(i, v, "value")};
  }
  only_keys(i, v, {"bytes"}, name);
  return MinChunk{field<std::uint64_t>(i, v, "bytes")};
}

Rule parse_rule(std::size_t i, const json& object) {
  only_keys(i, object,
            {"method", "path", "listener", "skip", "times", "respond", "reset_after_bytes",
             "stall_ms", "redirect", "rewrite_status", "max_body", "min_chunk", "set_header",
             "reset_response_after_bytes"},
            "the rule");
  Rule rule;
  if (object.contains("method")) rule.method = field<std::string>(i, object, "method");
  if (object.contains("path")) {
    rule.path_source = field<std::string>(i, object, "path");
    try {
      rule.path.emplace(*rule.path_source);
    } catch (const std::regex_error& e) {
      fail(i, "bad path regex \"" + *rule.path_source + "\": " + e.what());
    }
  }
  if (object.contains("listener")) rule.listener = field<int>(i, object, "listener");
  if (object.contains("skip")) rule.skip = field<int>(i, object, "skip");
  if (object.contains("times")) rule.times = field<int>(i, object, "times");
  const char* action = nullptr;
  for (const char* name : kActions) {
    if (!object.contains(name)) continue;
    if (action) fail(i, std::string("two actions: ") + action + " and " + name);
    action = name;
  }
  if (!action) fail(i, "no action");
  rule.action = parse_action(i, action, object);
  return rule;
}

bool is_upload_start(const RequestFacts& facts) {
  return facts.method == "POST" && path_of(facts.target).ends_with("/blobs/uploads/");
}

bool matches(const Rule& rule, const RequestFacts& facts) {
  if (rule.method && *rule.method != facts.method) return false;
  if (rule.listener && *rule.listener != facts.listener) return false;
  if (rule.path && !std::regex_search(facts.target, *rule.path)) return false;
  if (std::holds_alternative<MinChunk>(rule.action))
    return facts.method == "PATCH" || is_upload_start(facts);
  return true;
}

}  // namespace

std::vector<Rule> parse_rules(const json& rules) {
  if (!rules.is_array()) throw std::invalid_argument("the rules must be a JSON array");
  std::vector<Rule> parsed;
  for (std::size_t i = 0; i < rules.size(); ++i) parsed.push_back(parse_rule(i, rules[i]));
  return parsed;
}

std::string action_name(const Action& action) {
  static constexpr std::array<const char*, 9> kLogNames = {
      "respond",   "reset",     "stall",      "redirect",      "rewrite_status",
      "max_body",  "min_chunk", "set_header", "reset_response"};
  return kLogNames.at(action.index());
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

RuleBook::RuleBook(std::vector<Rule> rules) : rules_(std::move(rules)), counters_(rules_.size()) {}

std::optional<RuleBook::Choice> RuleBook::choose(const RequestFacts& facts) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!matches(rules_[i], facts)) continue;
    Counters& c = counters_[i];
    if (c.skipped < rules_[i].skip) {
      ++c.skipped;
      continue;
    }
    if (rules_[i].times && c.applied >= *rules_[i].times) continue;
    ++c.applied;
    return Choice{static_cast<int>(i), &rules_[i]};
  }
  return std::nullopt;
}

bool RuleBook::had_short_chunk(int index, const std::string& session) const {
  return counters_.at(static_cast<std::size_t>(index)).short_sessions.contains(session);
}

void RuleBook::note_chunk(int index, const std::string& session, std::uint64_t bytes) {
  const auto& rule = rules_.at(static_cast<std::size_t>(index));
  if (bytes < std::get<MinChunk>(rule.action).bytes)
    counters_[static_cast<std::size_t>(index)].short_sessions.insert(session);
}

}  // namespace layerpush::faultproxy
