// How RegistryClient mounts a blob from another repository of the same registry, so `copy`
// between repositories of one registry sends no blob bytes at all.
#include "engine/registry/registry_client.h"

namespace layerpush::engine {

Url RegistryClient::mount_url(const hashing::Digest& digest, const std::string& from) const {
  // Digests and repository names hold no character a query must escape.
  return api("blobs/uploads/?mount=" + digest.str() + "&from=" + from);
}

asio::awaitable<RegistryClient::MountResult> RegistryClient::mount_blob(
    const hashing::Digest& digest, const std::string& from) {
  const Url url = mount_url(digest, from);
  auto post = request(http::verb::post, url);
  auto response = co_await send(post, url);
  MountResult result;
  if (response.result() == http::status::created) {
    result.mounted = true;
  } else if (response.result() == http::status::accepted) {
    // distribution answers 202 when it cannot mount (no such blob there, or no pull right): the
    // session it opened instead takes the upload, without a second POST.
    result.session = location_of(url, response, "mounting blob " + digest.str() + " on " + where());
  }
  // Anything else (401, 403 where a registry refuses mounts) leaves the plain upload to the caller.
  co_return result;
}

}  // namespace layerpush::engine
