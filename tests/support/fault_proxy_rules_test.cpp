// The fault proxy's rules script: strict parsing, and which rule applies to which request.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/faultproxy/rules.h"

namespace layerpush::faultproxy {
namespace {

using nlohmann::json;

RuleBook book(const char* script) { return RuleBook(parse_rules(json::parse(script))); }

// The index of the rule chosen for a request, or -1 for none.
int chosen(RuleBook& rules, const std::string& method, const std::string& target,
           int listener = 0) {
  const RequestFacts facts{method, target, listener};
  auto choice = rules.choose(facts);
  return choice ? choice->index : -1;
}

TEST(FaultProxyRulesTest, ParsesEveryActionWithItsSettings) {
  auto rules = parse_rules(json::parse(R"([
    {"method": "GET", "path": "^/v2/$", "listener": 0, "skip": 1, "times": 2,
     "respond": {"status": 429, "headers": {"Retry-After": "1"}, "body": "slow"}},
    {"reset_after_bytes": 1024}, {"stall_ms": 50},
    {"redirect": {"status": 308, "to_listener": 1}},
    {"rewrite_status": {"from": 202, "to": 201}},
    {"max_body": {"bytes": 10}}, {"min_chunk": {"bytes": 5242880}},
    {"set_header": {"name": "Authorization", "value": "Basic eA=="}}])"));
  ASSERT_EQ(rules.size(), 8u);
  EXPECT_EQ(rules[0].method, "GET");
  EXPECT_EQ(rules[0].listener, 0);
  EXPECT_EQ(rules[0].skip, 1);
  EXPECT_EQ(rules[0].times, 2);
  const auto& respond = std::get<Respond>(rules[0].action);
  EXPECT_EQ(respond.status, 429);
  ASSERT_EQ(respond.headers.size(), 1u);
  EXPECT_EQ(respond.headers[0].second, "1");
  EXPECT_EQ(respond.body, "slow");
  EXPECT_EQ(std::get<ResetAfterBytes>(rules[1].action).bytes, 1024u);
  EXPECT_EQ(std::get<StallMs>(rules[2].action).ms, 50);
  EXPECT_EQ(std::get<Redirect>(rules[3].action).status, 308);
  EXPECT_EQ(std::get<RewriteStatus>(rules[4].action).to, 201);
  EXPECT_EQ(std::get<MaxBody>(rules[5].action).status, 413);  // the default
  EXPECT_EQ(std::get<MinChunk>(rules[6].action).bytes, 5242880u);
  EXPECT_FALSE(rules[1].times.has_value());  // unlimited
  EXPECT_EQ(action_name(rules[1].action), "reset");
  EXPECT_EQ(action_name(rules[6].action), "min_chunk");
  EXPECT_EQ(std::get<SetHeader>(rules[7].action).name, "Authorization");
  EXPECT_EQ(std::get<SetHeader>(rules[7].action).value, "Basic eA==");
  EXPECT_EQ(action_name(rules[7].action), "set_header");
}

TEST(FaultProxyRulesTest, RejectsMistakesNamingTheRule) {
  const char* bad[] = {
      R"({"stall_ms": 1})",                            // not an array
      R"([{"method": "GET"}])",                        // no action
      R"([{"stall_ms": 1, "reset_after_bytes": 2}])",  // two actions
      R"([{"stall_ms": 1, "time": 2}])",               // typo
      R"([{"path": "(", "stall_ms": 1}])",             // bad regex
      R"([{"stall_ms": "1"}])",                        // wrong type
      R"([{"times": -1, "stall_ms": 1}])",             // negative
      R"([{"redirect": {"status": 200}}])",            // not a redirect
      R"([{"redirect": {"status": 307, "to_listener": 2}}])",
      R"([{"respond": {"status": 200, "headers": {"X": 1}}}])",
      R"([{"stall_ms": 1}, {"max_body": {"bytes": 1, "code": 413}}])",
  };
  for (const char* script : bad)
    EXPECT_THROW(parse_rules(json::parse(script)), std::invalid_argument) << script;
  try {
    parse_rules(json::parse(R"([{"stall_ms": 1}, {"max_body": {"byte": 1}}])"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rule 1"), std::string::npos) << e.what();
  }
}

TEST(FaultProxyRulesTest, FirstMatchingRuleWithApplicationsLeftApplies) {
  auto rules = book(R"([{"method": "GET", "path": "^/v2/$", "times": 1, "stall_ms": 1},
                        {"method": "GET", "stall_ms": 2}])");
  EXPECT_EQ(chosen(rules, "GET", "/v2/"), 0);
  EXPECT_EQ(chosen(rules, "GET", "/v2/"), 1);  // rule 0 is used up
  EXPECT_EQ(chosen(rules, "GET", "/v2/x/manifests/v1"), 1);
  EXPECT_EQ(chosen(rules, "HEAD", "/v2/"), -1);
}

TEST(FaultProxyRulesTest, SkipLetsTheFirstMatchesPassToLaterRules) {
  auto rules = book(R"([{"method": "PATCH", "skip": 2, "times": 1, "reset_after_bytes": 1},
                        {"method": "PATCH", "stall_ms": 1}])");
  EXPECT_EQ(chosen(rules, "PATCH", "/a"), 1);
  EXPECT_EQ(chosen(rules, "PATCH", "/a"), 1);
  EXPECT_EQ(chosen(rules, "PATCH", "/a"), 0);
  EXPECT_EQ(chosen(rules, "PATCH", "/a"), 1);
}

TEST(FaultProxyRulesTest, PathIsSearchedInTheWholeTargetAndListenerMustMatch) {
  auto rules = book(R"([{"path": "digest=sha256", "listener": 1, "stall_ms": 1}])");
  EXPECT_EQ(chosen(rules, "PUT", "/v2/r/blobs/uploads/u?_state=x&digest=sha256:ab", 1), 0);
  EXPECT_EQ(chosen(rules, "PUT", "/v2/r/blobs/uploads/u?_state=x&digest=sha256:ab", 0), -1);
  EXPECT_EQ(chosen(rules, "PUT", "/v2/r/blobs/uploads/u?_state=x", 1), -1);
}

TEST(FaultProxyRulesTest, MinChunkTakesUploadStartsAndPatchesAndTracksEachSession) {
  auto rules = book(R"([{"min_chunk": {"bytes": 100}}])");
  EXPECT_EQ(chosen(rules, "POST", "/v2/r/blobs/uploads/"), 0);
  EXPECT_EQ(chosen(rules, "POST", "/v2/r/blobs/uploads/?mount=sha256:ab&from=other"), 0);
  EXPECT_EQ(chosen(rules, "PATCH", "/v2/r/blobs/uploads/u1?_state=a"), 0);
  EXPECT_EQ(chosen(rules, "PUT", "/v2/r/blobs/uploads/u1?_state=a&digest=x"), -1);
  EXPECT_EQ(chosen(rules, "GET", "/v2/"), -1);

  const std::string session = path_of("/v2/r/blobs/uploads/u1?_state=b");
  EXPECT_EQ(session, "/v2/r/blobs/uploads/u1");
  rules.note_chunk(0, session, 100);
  EXPECT_FALSE(rules.had_short_chunk(0, session));
  rules.note_chunk(0, session, 99);
  EXPECT_TRUE(rules.had_short_chunk(0, session));
  EXPECT_FALSE(rules.had_short_chunk(0, "/v2/r/blobs/uploads/u2"));
}

}  // namespace
}  // namespace layerpush::faultproxy
