#include "engine/auth/auth_challenge.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {

TEST(AuthChallengeTest, ParsesBasic) {
  auto c = parse_auth_challenge(R"(Basic realm="Registry Realm")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "basic");
  EXPECT_EQ(c->param("realm"), "Registry Realm");
}

TEST(AuthChallengeTest, ParsesBearerWithServiceAndScope) {
  auto c = parse_auth_challenge(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->param("realm"), "https://auth.example.com/token");
  EXPECT_EQ(c->param("service"), "registry.example.com");
  EXPECT_EQ(c->scopes(), std::vector<std::string>{"repository:team/app:pull,push"});
}

TEST(AuthChallengeTest, SplitsSeveralScopesInOneValueAndKeepsHostPortNames) {
  auto c = parse_auth_challenge(
      R"(Bearer realm="r", scope="repository:localhost:5000/a:pull repository:b:pull,push", error="insufficient_scope")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scopes(),
            (std::vector<std::string>{"repository:localhost:5000/a:pull", "repository:b:pull,push"}));
  EXPECT_EQ(c->param("error"), "insufficient_scope");
}

TEST(AuthChallengeTest, HandlesEscapesCaseAndUnquotedValues) {
  auto c = parse_auth_challenge(R"(BEARER Realm="a\"b", Service=plain)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->param("realm"), "a\"b");
  EXPECT_EQ(c->param("service"), "plain");
  EXPECT_EQ(c->param("missing"), "");
}

TEST(AuthChallengeTest, StopsAtASecondChallengeAndRefusesBrokenOnes) {
  auto c = parse_auth_challenge(R"(Bearer realm="r", Basic realm="b")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->param("realm"), "r");
  EXPECT_FALSE(parse_auth_challenge(""));
  EXPECT_FALSE(parse_auth_challenge(R"(Bearer realm="unterminated)"));
}

}  // namespace
}  // namespace layerpush::engine
