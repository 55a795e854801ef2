// What the fault proxy does with a request once a rule applies: answer, forward with changes,
// or stall; and what the log then calls it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/faultproxy/decision.h"

namespace layerpush::faultproxy {
namespace {

const std::vector<std::string> kListeners = {"127.0.0.1:6000", "127.0.0.1:6001"};

struct Decided {
  Decision decision;
  LogEntry entry;
};

Decided decide_for(RuleBook& rules, const std::string& method, const std::string& target,
                   std::optional<std::uint64_t> content_length = std::nullopt) {
  Decided d;
  d.entry.method = method;
  d.entry.target = target;
  d.entry.content_length = content_length;
  const RequestFacts facts{method, target, 0};
  auto choice = rules.choose(facts);
  EXPECT_TRUE(choice.has_value()) << method << " " << target;
  if (choice) d.decision = decide(*choice, rules, kListeners, d.entry);
  return d;
}

RuleBook book(const char* script) { return RuleBook(parse_rules(nlohmann::json::parse(script))); }

TEST(FaultProxyDecisionTest, RedirectPointsAtTheOtherListenerWithTheSameTarget) {
  auto rules = book(R"([{"redirect": {"status": 308, "to_listener": 1}}])");
  auto d = decide_for(rules, "PUT", "/v2/r/blobs/uploads/u?_state=s&digest=sha256:ab");
  ASSERT_TRUE(d.decision.reply.has_value());
  EXPECT_EQ(d.decision.reply->result_int(), 308);
  EXPECT_EQ((*d.decision.reply)[boost::beast::http::field::location],
            "http://127.0.0.1:6001/v2/r/blobs/uploads/u?_state=s&digest=sha256:ab");
  EXPECT_EQ(d.entry.action, "redirect");
}

TEST(FaultProxyDecisionTest, MaxBodyRefusesOnlyADeclaredLengthOverTheLimit) {
  auto rules = book(R"([{"max_body": {"bytes": 100}}])");
  auto over = decide_for(rules, "PATCH", "/u", 101);
  ASSERT_TRUE(over.decision.reply.has_value());
  EXPECT_EQ(over.decision.reply->result_int(), 413);
  EXPECT_NE(over.decision.reply->body().find("SIZE_INVALID"), std::string::npos);
  EXPECT_EQ(over.entry.action, "max_body");
  EXPECT_FALSE(decide_for(rules, "PATCH", "/u", 100).decision.reply.has_value());
  auto chunked = decide_for(rules, "PATCH", "/u");
  EXPECT_FALSE(chunked.decision.reply.has_value());
  EXPECT_EQ(chunked.entry.action, "forward");
}

TEST(FaultProxyDecisionTest, MinChunkAnnouncesOnPostAndRefusesAfterAShortPatch) {
  auto rules = book(R"([{"min_chunk": {"bytes": 100}}])");
  EXPECT_EQ(decide_for(rules, "POST", "/v2/r/blobs/uploads/").decision.plan.chunk_min, 100u);
  auto first = decide_for(rules, "PATCH", "/v2/r/blobs/uploads/u?_state=a", 50);
  EXPECT_EQ(first.decision.plan.chunk_rule, 0);
  EXPECT_FALSE(first.decision.reply.has_value());
  rules.note_chunk(0, "/v2/r/blobs/uploads/u", 50);  // what the session does once it went through
  auto next = decide_for(rules, "PATCH", "/v2/r/blobs/uploads/u?_state=b", 50);
  ASSERT_TRUE(next.decision.reply.has_value());
  EXPECT_EQ(next.decision.reply->result_int(), 416);
  EXPECT_EQ(next.entry.action, "min_chunk");
}

TEST(FaultProxyDecisionTest, StallAndResetAndRewriteForward) {
  auto rules =
      book(R"([{"method": "GET", "stall_ms": 25}, {"method": "PUT", "reset_after_bytes": 7},
                        {"method": "PATCH", "rewrite_status": {"from": 202, "to": 201}}])");
  auto stall = decide_for(rules, "GET", "/v2/");
  EXPECT_EQ(stall.decision.stall, std::chrono::milliseconds(25));
  EXPECT_EQ(stall.entry.action, "stall");
  EXPECT_EQ(decide_for(rules, "PUT", "/u").decision.plan.reset_after, 7u);
  auto rewrite = decide_for(rules, "PATCH", "/u");
  ASSERT_TRUE(rewrite.decision.plan.rewrite.has_value());
  EXPECT_EQ(rewrite.decision.plan.rewrite->to, 201);
  EXPECT_FALSE(rewrite.decision.reply.has_value());
}

}  // namespace
}  // namespace layerpush::faultproxy
