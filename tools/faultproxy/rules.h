// The fault proxy's script: a JSON array of rules, each a request filter (method, path regex,
// listener) with counters (skip, times) and one action. RuleBook picks the rule that applies to
// a request and keeps the counters and the min_chunk upload-session state over the proxy's life.
// Not thread-safe: the proxy runs all sessions on one io_context thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace layerpush::faultproxy {

// The actions, as the script spells them. Each request gets at most one rule's action, and the
// request log names what happened ("action" in request_log.h).

// "respond": {"status", "headers": {NAME: VALUE}, "body"}: answered without the registry; the
// request body is read and dropped first, so the connection stays usable (unless the client
// awaits 100 Continue: then the answer comes at once and the connection closes).
struct Respond {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
// "reset_after_bytes": N: forwarded, but once N body bytes went to the registry both connections
// close, the client's with an RST. A shorter body is forwarded whole.
struct ResetAfterBytes {
  std::uint64_t bytes = 0;
};
// "reset_response_after_bytes": N: forwarded, but once N bytes of the registry's response body
// went to the client both connections close, the client's with an RST: a download that breaks
// off mid-body. A shorter body is relayed whole.
struct ResetResponseAfterBytes {
  std::uint64_t bytes = 0;
};
// "stall_ms": N: forwarded after N ms.
struct StallMs {
  int ms = 0;
};
// "redirect": {"status": 3xx, "to_listener": 0|1}: answered with Location set to the same
// target on that listener (absolute http://127.0.0.1:PORT/...), as a respond.
struct Redirect {
  int status = 307;
  int to_listener = 1;
};
// "rewrite_status": {"from", "to"}: forwarded; a `from` answer reaches the client as `to`, with
// the same headers and body.
struct RewriteStatus {
  int from = 0;
  int to = 0;
};
// "max_body": {"bytes", "status" (413)}: a request whose Content-Length is over `bytes` is
// answered `status` with an OCI error body, as a respond; others (chunked ones too) forwarded.
struct MaxBody {
  std::uint64_t bytes = 0;
  int status = 413;
};
// "min_chunk": {"bytes"}: ECR's minimum chunk. Responses to POST .../blobs/uploads/ get
// "OCI-Chunk-Min-Length: bytes"; a PATCH to a session (its path without query) that already had
// an accepted PATCH shorter than `bytes` is answered 416, as a respond: only the last chunk may
// be short.
struct MinChunk {
  std::uint64_t bytes = 0;
};
// "set_header": {"name", "value"}: forwarded with that request header set. On a redirect target
// it stands in for a presigned storage URL, which authorizes the request by itself where the
// client must not send its own credentials.
struct SetHeader {
  std::string name;
  std::string value;
};

using Action =
    std::variant<Respond, ResetAfterBytes, StallMs, Redirect, RewriteStatus, MaxBody, MinChunk,
                 SetHeader, ResetResponseAfterBytes>;

struct Rule {
  std::optional<std::string> method;
  std::optional<std::string> path_source;  // the regex as written, for messages
  std::optional<std::regex> path;
  std::optional<int> listener;
  int skip = 0;
  std::optional<int> times;  // unset: no limit
  Action action;
};

// What a rule may look at: known once the request header has arrived.
struct RequestFacts {
  std::string method;
  std::string target;  // path and query, as sent
  int listener = 0;
};

// Parses and checks the whole script; throws std::invalid_argument naming the bad rule
// ("rule 2: ...") for unknown keys, missing or several actions, or wrong types.
std::vector<Rule> parse_rules(const nlohmann::json& rules);

// The name a rule's action has in the script and in the request log ("respond", "reset", ...).
std::string action_name(const Action& action);

// The target without its query: the key of an upload session for min_chunk.
std::string path_of(const std::string& target);

class RuleBook {
 public:
  explicit RuleBook(std::vector<Rule> rules);

  struct Choice {
    int index;
    const Rule* rule;
  };
  // The first rule that matches `facts` and still has applications left, counting it as applied.
  // A matching rule still within its `skip` counts the request as skipped and evaluation goes
  // on with the next rules, as for an exhausted rule: skip and times only ever make a rule step
  // aside. min_chunk rules match only POSTs to .../blobs/uploads/ and PATCHes.
  std::optional<Choice> choose(const RequestFacts& facts);

  // min_chunk state of rule `index`: whether `session` already had a PATCH shorter than the
  // minimum (so any further PATCH must be refused), and recording one that was accepted.
  bool had_short_chunk(int index, const std::string& session) const;
  void note_chunk(int index, const std::string& session, std::uint64_t bytes);

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  struct Counters {
    int skipped = 0;
    int applied = 0;
    std::set<std::string> short_sessions;
  };
  std::vector<Rule> rules_;
  std::vector<Counters> counters_;
};

}  // namespace layerpush::faultproxy
