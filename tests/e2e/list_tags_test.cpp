// RegistryClient::list_tags against the real registry (which answers in one page), against
// pages as Docker Hub and distribution 3 split them (Link: <…>; rel="next", scripted by the fault
// proxy, since distribution 2.8.2 never pages tags), and for a repository the registry lacks.
#include "engine/registry/registry_session.h"
#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

class ListTagsTest : public ProxyPushTest {
 protected:
  std::vector<std::string> list(const std::string& repository, std::size_t page_size) {
    const auto reference = engine::parse_reference(repository);
    engine::RegistryOptions options;
    options.plain_http = true;
    engine::RegistrySession session(reference, options);
    session.authenticate();
    std::vector<std::string> tags;
    session.run([&]() -> boost::asio::awaitable<void> {
      tags = co_await session.client().list_tags(page_size);
    });
    return tags;
  }

  void push_tags(int count) {
    make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1", "--layer-size", "1K"});
    ASSERT_EQ(layerpush({"push", "oci:" + dir("oci"), dest("team/app:t0")}).exit_code, 0);
    for (int i = 1; i < count; ++i)
      ASSERT_EQ(layerpush({"tag", dest("team/app:t0"), "t" + std::to_string(i)}).exit_code, 0);
  }
};

TEST_F(ListTagsTest, ListsEveryTagOfTheRealRegistry) {
  push_tags(4);
  auto tags = list(dest("team/app"), 1000);
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(tags, (std::vector<std::string>{"t0", "t1", "t2", "t3"}));
}

TEST_F(ListTagsTest, FollowsEveryNextPage) {
  auto page = [](const std::string& query, json tags, const std::string& next) {
    json rule = {{"method", "GET"}, {"path", "/tags/list\\?" + query + "$"}, {"times", 1},
                 {"respond", {{"status", 200}, {"body", json{{"name", "team/app"}, {"tags", tags}}.dump()}}}};
    if (!next.empty())
      rule["respond"]["headers"] = {{"Link", "</v2/team/app/tags/list?" + next + ">; rel=\"next\""}};
    return rule;
  };
  start_proxy(json::array({page("n=2", {"t0", "t1"}, "last=t1&n=2"),
                           page("last=t1&n=2", {"t2", "t3"}, "last=t3&n=2"),
                           page("last=t3&n=2", {"t4"}, "")}));
  const auto tags = list(via("team/app"), 2);
  EXPECT_EQ(tags, (std::vector<std::string>{"t0", "t1", "t2", "t3", "t4"}));
  settle_proxy_log();
  EXPECT_EQ(proxy_actions("respond"), 3);
}

TEST_F(ListTagsTest, ARepositoryTheRegistryLacksIsNamed) {
  try {
    list(dest("team/none"), 100);
    FAIL() << "listed the tags of a missing repository";
  } catch (const engine::Error& e) {
    EXPECT_NE(std::string(e.what()).find(registry_->host() + "/team/none"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace layerpush::testing
