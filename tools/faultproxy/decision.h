// Turning the rule that applies to a request into what the session does with it: an answer of
// its own, or a forward with changes, perhaps after a stall. Pure functions except for reading
// the RuleBook's min_chunk state; same thread rules as the RuleBook.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/faultproxy/local_reply.h"
#include "tools/faultproxy/request_log.h"
#include "tools/faultproxy/rules.h"

namespace layerpush::faultproxy {

// How a forwarded request is to be changed on its way.
struct ForwardPlan {
  std::optional<std::uint64_t> reset_after;           // reset_after_bytes
  std::optional<std::uint64_t> reset_response_after;  // reset_response_after_bytes
  std::optional<RewriteStatus> rewrite;               // rewrite_status
  std::optional<std::uint64_t> chunk_min;  // min_chunk: announce it on the POST's response
  std::optional<int> chunk_rule;  // min_chunk: the rule whose session state a PATCH feeds
  std::optional<SetHeader> set_header;
};

struct Decision {
  std::chrono::milliseconds stall{0};  // wait this long first
  std::optional<Reply> reply;          // answer this, not forwarding
  ForwardPlan plan;                    // otherwise forward like this
};

// What `choice` asks for the request described by `entry` (method, target, content_length).
// Sets entry.action where the effect is already certain ("respond", "stall", ...); forwards
// whose effect depends on the registry's answer are labelled later. `listener_hosts` are the
// redirect targets.
Decision decide(const RuleBook::Choice& choice, const RuleBook& rules,
                const std::vector<std::string>& listener_hosts, LogEntry& entry);

}  // namespace layerpush::faultproxy
