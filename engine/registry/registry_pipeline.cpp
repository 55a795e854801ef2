// Requests sent back to back on one connection (HTTP/1.1 pipelining), so that asking the
// registry about every blob of an image costs one round trip instead of one per blob: across a
// real network the round trips, not the bytes, are what a push of small layers waits for.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <utility>

#include "engine/registry/manifest_type.h"
#include "engine/registry/registry_client.h"

namespace layerpush::engine {
namespace {
// Answers wait in the socket buffers until every request is written: a bounded batch keeps
// them from filling up while we are still writing.
constexpr std::size_t kMaxPipelined = 64;
}  // namespace

asio::awaitable<std::vector<std::optional<Response>>> RegistryClient::send_pipelined(
    std::vector<http::request<http::string_body>>& requests) {
  std::vector<std::optional<Response>> answers(requests.size());
  if (requests.empty() || cancelled_) co_return answers;
  co_await renew_token_if_due();
  for (auto& request : requests) {
    authorize(request, base_);
    request.prepare_payload();
  }
  ConnectionPool::Lease lease;
  try {
    lease = co_await pool_.acquire(base_.origin);
  } catch (const Error& e) {
    // No connection: the caller asks again one by one, with retries and their messages.
    if (e.kind() != ErrorKind::kTransport) throw;
    co_return answers;
  }
  auto& connection = *lease.connection;
  try {
    requests_ += requests.size();
    co_await connection.write_all(requests);
    for (std::size_t i = 0; i < requests.size() && connection.reusable(); ++i)
      answers[i] = co_await connection.read(requests[i].method() == http::verb::head);
  } catch (const Error& e) {
    // The connection broke part way (or a pooled one had been closed while idle): what was
    // answered stands, the rest is asked again one by one.
    if (e.kind() != ErrorKind::kTransport) throw;
    connection.mark_broken();
  }
  // Requests sent after an answer that closed the connection were never read by the registry.
  pool_.release(std::move(lease.connection));
  co_return answers;
}

asio::awaitable<void> RegistryClient::check_some(
    const std::vector<hashing::Digest>& digests, std::vector<std::size_t> which,
    std::optional<std::size_t> opened, const std::optional<std::string>& manifest_reference,
    bool ping, Presence& presence) {
  bool manifest_pending = manifest_reference.has_value();
  std::size_t first = 0;
  while (first < which.size() || manifest_pending || ping || opened) {
    std::vector<http::request<http::string_body>> batch;
    if (ping) {
      Url v2 = base_;
      v2.target = "/v2/";
      batch.push_back(request(http::verb::get, v2));
    }
    // The manifest first, so that it does not wait behind the blobs at the registry.
    if (manifest_pending)
      batch.push_back(manifest_request(http::verb::head, manifest_url(*manifest_reference)));
    const Url mount = opened ? mount_url(digests[*opened], repository_) : Url{};
    if (opened) batch.push_back(request(http::verb::post, mount));
    const std::size_t count = std::min(which.size() - first, kMaxPipelined - batch.size());
    for (std::size_t i = 0; i < count; ++i)
      batch.push_back(request(http::verb::head, blob_url(digests[which[first + i]])));
    auto answers = co_await send_pipelined(batch);
    std::size_t at = 0;
    if (std::exchange(ping, false)) presence.ping = std::move(answers[at++]);
    if (std::exchange(manifest_pending, false)) {
      const auto& answer = answers[at++];
      if (answer && answer->result_int() == 404) {
        presence.manifest_answered = true;
      } else if (answer && answer->result_int() == 200) {
        presence.manifest = named_digest(*answer);
        presence.manifest_answered = presence.manifest.has_value();
      }
    }
    if (const auto k = std::exchange(opened, std::nullopt)) {
      const auto& answer = answers[at++];
      if (answer && answer->result() == http::status::created) {
        presence.blobs[*k] = true;
      } else if (answer && answer->result() == http::status::accepted) {
        try {
          presence.sessions[*k] = accept_session(mount, *answer);
          presence.blobs[*k] = false;
        } catch (const Error&) {
          // No Location: the session is lost to us, and the lane asks about the blob again.
        }
      }
    }
    for (std::size_t i = 0; i < count; ++i, ++at)
      // A 401 for a token that ran out, a 403 of Artifactory's, a 5xx ...: asked again alone.
      if (answers[at]) presence.blobs[which[first + i]] = blob_answer(*answers[at]);
    first += count;
    if (!answers.empty() && !answers.back()) co_return;  // the connection failed: ask one by one
  }
}

asio::awaitable<RegistryClient::Presence> RegistryClient::check_presence(
    const std::vector<hashing::Digest>& digests,
    const std::optional<std::string>& manifest_reference, std::size_t connections, bool ping,
    const std::vector<std::size_t>& open) {
  Presence presence;
  presence.blobs.resize(digests.size());
  presence.sessions.resize(digests.size());
  // Spread over the connections the push will use anyway: the registry answers a connection's
  // requests one after another, and a HEAD on a registry with object storage behind it can take
  // tens of milliseconds. Every connection still waits one round trip only.
  const std::size_t parts = std::max<std::size_t>(1, std::min(connections, digests.size()));
  if (open.size() > parts) throw std::logic_error("check_presence: more sessions than connections");
  std::vector<std::vector<std::size_t>> shares(parts);
  std::vector<std::optional<std::size_t>> opened(parts);
  for (std::size_t k = 0; k < open.size(); ++k) opened[k] = open[k];
  for (std::size_t i = 0, k = 0; i < digests.size(); ++i)
    if (std::find(open.begin(), open.end(), i) == open.end()) shares[k++ % parts].push_back(i);
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer all_answered(executor, std::chrono::steady_clock::time_point::max());
  std::size_t running = parts;
  std::exception_ptr failure;
  const std::optional<std::string> no_manifest;
  for (std::size_t k = 0; k < parts; ++k)
    asio::co_spawn(executor,
                   check_some(digests, std::move(shares[k]), opened[k],
                              k == 0 ? manifest_reference : no_manifest, ping && k == 0, presence),
                   [&](std::exception_ptr e) {
                     if (e && !failure) failure = e;
                     if (--running == 0) all_answered.cancel();
                   });
  while (running > 0) {
    boost::system::error_code ec;  // cancelled when the last part ends
    co_await all_answered.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (failure) std::rethrow_exception(failure);
  if (ping && (!presence.ping || presence.ping->result() != http::status::ok)) {
    // Asked before we knew how to authenticate, and the registry wants it: nothing it said counts.
    presence.blobs.assign(digests.size(), std::nullopt);
    presence.sessions.assign(digests.size(), std::nullopt);
    presence.manifest_answered = false;
    presence.manifest.reset();
  }
  co_return presence;
}

}  // namespace layerpush::engine
