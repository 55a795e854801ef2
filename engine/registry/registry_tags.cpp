// How RegistryClient lists a repository's tags for `layerpush sync` (tag regexes, all tags).
#include <nlohmann/json.hpp>

#include "engine/http/link_header.h"
#include "engine/registry/registry_client.h"

namespace layerpush::engine {
namespace {
// A registry whose pages never end (a Link back to an earlier page) must not loop for ever.
constexpr int kMaxPages = 10000;
}  // namespace

asio::awaitable<std::vector<std::string>> RegistryClient::list_tags(std::size_t page_size) {
  std::vector<std::string> tags;
  Url url = api("tags/list?n=" + std::to_string(page_size));
  for (int page = 0; page < kMaxPages; ++page) {
    auto get = request(http::verb::get, url);
    auto response = co_await send(get, url);
    const std::string what = "listing the tags of " + where();
    if (response.result() != http::status::ok) refuse(what, response);
    const auto doc = nlohmann::json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object())
      throw Error(ErrorKind::kRegistry, what + " failed: the answer is not a JSON object");
    // distribution answers "tags": null for a repository whose tags were all deleted.
    if (doc.contains("tags") && doc["tags"].is_array())
      for (const auto& tag : doc["tags"])
        if (tag.is_string()) tags.push_back(tag.get<std::string>());
    const auto link = response.find(http::field::link);
    if (link == response.end()) co_return tags;
    const auto next = next_link(link->value());
    if (!next) co_return tags;
    url = resolve_location(url, *next);
  }
  throw Error(ErrorKind::kRegistry, "listing the tags of " + where() + " failed: more than " +
                                        std::to_string(kMaxPages) + " pages");
}

}  // namespace layerpush::engine
