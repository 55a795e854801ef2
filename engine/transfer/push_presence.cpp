#include "engine/transfer/push_presence.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "hashing/sha256.h"

namespace layerpush::engine {
namespace asio = boost::asio;

PushPresence authenticate_and_look(RegistrySession& session, const Image& image,
                                   const Reference& destination, int jobs,
                                   const std::vector<std::size_t>& open) {
  auto& client = session.client();
  std::vector<hashing::Digest> digests;
  std::vector<std::size_t> blobs;  // image blob index of each digest
  std::vector<std::size_t> opened;  // `open`, as indices into `digests`
  for (std::size_t i = 0; i < image.blobs.size(); ++i) {
    if (!image.blobs[i].digest) continue;
    if (std::find(open.begin(), open.end(), i) != open.end()) opened.push_back(digests.size());
    digests.push_back(*image.blobs[i].digest);
    blobs.push_back(i);
  }
  std::optional<std::string> manifest_reference;
  if (image.manifest_bytes) manifest_reference = destination.manifest_reference();

  const auto asked = std::chrono::steady_clock::now();
  RegistryClient::Presence answer;
  const auto connections = static_cast<std::size_t>(jobs);
  // Without credentials a push can only get through where no login is wanted: the HEADs go out
  // at once, behind the GET /v2/ that says so (if it says otherwise they are asked again, once
  // authenticated). With credentials that GET goes first, alone, and nothing goes out
  // unauthorized for nothing.
  const bool at_once = !session.credentials();
  if (at_once) {
    session.run([&]() -> asio::awaitable<void> {
      answer =
          co_await client.check_presence(digests, manifest_reference, connections, true, opened);
    });
  }
  const Response* ping = answer.ping ? &*answer.ping : nullptr;
  session.authenticate(ping);
  const bool asked_again = !ping || ping->result() != http::status::ok;
  session.run([&]() -> asio::awaitable<void> {
    if (asked_again && (!digests.empty() || manifest_reference))
      answer =
          co_await client.check_presence(digests, manifest_reference, connections, false, opened);
    if (!manifest_reference || answer.manifest_answered) co_return;
    try {  // redirected, or no Docker-Content-Digest: asked alone, the long way
      answer.manifest = co_await client.manifest_digest(*manifest_reference);
    } catch (const Error&) {
      // Only an optimisation: without an answer every blob is pushed or checked as usual.
    }
  });

  PushPresence result;
  result.known.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
  result.known.blobs.resize(image.blobs.size());
  result.sessions.resize(image.blobs.size());
  for (std::size_t k = 0; k < blobs.size(); ++k) {
    result.known.blobs[blobs[k]] = answer.blobs[k];
    result.sessions[blobs[k]] = std::move(answer.sessions[k]);
  }
  result.already_there =
      answer.manifest && *answer.manifest == hashing::sha256_of(*image.manifest_bytes);
  if (result.already_there) {
    // Only where the registry cannot mount (it answered 202 for a blob it holds): nothing will
    // be sent into these.
    session.run([&]() -> asio::awaitable<void> {
      for (auto& opened_session : result.sessions)
        if (auto location = std::exchange(opened_session, std::nullopt))
          co_await client.cancel_upload(*location);
    });
  }
  return result;
}

}  // namespace layerpush::engine
