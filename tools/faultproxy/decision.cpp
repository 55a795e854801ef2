#include "tools/faultproxy/decision.h"

namespace layerpush::faultproxy {

Decision decide(const RuleBook::Choice& choice, const RuleBook& rules,
                const std::vector<std::string>& listener_hosts, LogEntry& entry) {
  Decision decision;
  const Action& action = choice.rule->action;
  if (const auto* respond = std::get_if<Respond>(&action)) {
    entry.action = "respond";
    decision.reply = scripted_reply(*respond);
  } else if (const auto* reset = std::get_if<ResetAfterBytes>(&action)) {
    decision.plan.reset_after = reset->bytes;  // the log says "reset" only if it happens
  } else if (const auto* cut = std::get_if<ResetResponseAfterBytes>(&action)) {
    decision.plan.reset_response_after = cut->bytes;  // logged "reset_response" if it happens
  } else if (const auto* stall = std::get_if<StallMs>(&action)) {
    entry.action = "stall";
    decision.stall = std::chrono::milliseconds(stall->ms);
  } else if (const auto* redirect = std::get_if<Redirect>(&action)) {
    entry.action = "redirect";
    const std::string& to = listener_hosts.at(static_cast<std::size_t>(redirect->to_listener));
    decision.reply = redirect_reply(redirect->status, "http://" + to + entry.target);
  } else if (const auto* rewrite = std::get_if<RewriteStatus>(&action)) {
    decision.plan.rewrite = *rewrite;
  } else if (const auto* max = std::get_if<MaxBody>(&action)) {
    if (entry.content_length && *entry.content_length > max->bytes) {
      entry.action = "max_body";
      const char* code = max->status == 413 ? "SIZE_INVALID" : "BLOB_UPLOAD_INVALID";
      decision.reply = error_reply(max->status, code,
                                   "request body over " + std::to_string(max->bytes) + " bytes");
    }
  } else if (const auto* header = std::get_if<SetHeader>(&action)) {
    entry.action = "set_header";
    decision.plan.set_header = *header;
  } else if (const auto* min = std::get_if<MinChunk>(&action)) {
    if (entry.method != "PATCH") {
      decision.plan.chunk_min = min->bytes;  // the POST that opens an upload
    } else if (rules.had_short_chunk(choice.index, path_of(entry.target))) {
      entry.action = "min_chunk";
      decision.reply =
          error_reply(416, "BLOB_UPLOAD_INVALID",
                      "a chunk before this one was under " + std::to_string(min->bytes) +
                          " bytes; only the last chunk may be");
    } else {
      decision.plan.chunk_rule = choice.index;
    }
  }
  return decision;
}

}  // namespace layerpush::faultproxy
