#include "engine/http/link_header.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {

TEST(LinkHeader, FindsTheNextPageAsDistributionWritesIt) {
  EXPECT_EQ(next_link(R"(</v2/team/app/tags/list?last=v9&n=1000>; rel="next")"),
            "/v2/team/app/tags/list?last=v9&n=1000");
}

TEST(LinkHeader, PicksNextAmongSeveralLinksInAnyOrderAndSpelling) {
  EXPECT_EQ(next_link(R"(</a?p=1>; rel="prev", </a?p=3>; rel="next")"), "/a?p=3");
  EXPECT_EQ(next_link(R"(<https://r.example/a?p=2>;rel=next)"), "https://r.example/a?p=2");
  EXPECT_EQ(next_link(R"(</a?p=2>; title="x"; REL="Next")"), "/a?p=2");
  EXPECT_EQ(next_link(R"(</a?p=2>; rel="last next")"), "/a?p=2");
}

TEST(LinkHeader, NoNextMeansTheLastPage) {
  EXPECT_EQ(next_link(""), std::nullopt);
  EXPECT_EQ(next_link(R"(</a?p=1>; rel="prev")"), std::nullopt);
  EXPECT_EQ(next_link(R"(</a?p=1>; rel="nextish")"), std::nullopt);
  EXPECT_EQ(next_link(R"(</a?p=1; rel="next")"), std::nullopt);  // never closed
}

}  // namespace
}  // namespace layerpush::engine
