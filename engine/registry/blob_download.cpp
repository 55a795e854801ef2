// The retry loop around one blob's GETs (each attempt: fetch_rest(), engine/registry/blob_fetch.h).
#include "engine/registry/blob_download.h"

#include <chrono>
#include <random>
#include <thread>

#include "engine/registry/blob_fetch.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {
// Backoff pauses are slept in slices this long, so that a stopped transfer notices soon.
constexpr auto kPauseSlice = std::chrono::milliseconds(100);

bool is_stopped(const std::function<bool()>& stopped) { return stopped && stopped(); }

void pause(std::chrono::milliseconds delay, const std::function<bool()>& stopped) {
  const auto until = std::chrono::steady_clock::now() + delay;
  for (auto now = std::chrono::steady_clock::now(); now < until && !is_stopped(stopped);
       now = std::chrono::steady_clock::now())
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kPauseSlice, until - now));
}

std::string seconds(std::chrono::milliseconds delay) {
  return std::to_string((delay.count() + 999) / 1000) + " s";
}
}  // namespace

std::optional<ProducedBlob> download_blob(
    const RemoteBlob& blob, std::uint64_t max_size,
    const std::function<bool(std::span<const std::byte>)>& sink,
    const std::function<bool()>& stopped) {
  thread_local std::mt19937 jitter{std::random_device{}()};
  FetchProgress progress;
  int retries = 0;       // of the current request: one that delivers bytes starts afresh
  bool renewed = false;  // the authorization, since bytes last arrived
  // Once every byte is in (the connection broke just before the message's end), stop asking.
  while (progress.offset < max_size || (max_size == 0 && progress.offset == 0)) {
    const auto header = blob.authorizer ? blob.authorizer->current() : SourceAuthorizer::Header{};
    const std::uint64_t before = progress.offset;
    try {
      if (!fetch_rest(blob, header.value, max_size, progress, sink)) return std::nullopt;
      break;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCorrupt) throw;  // said in full already; retries cannot help
      if (progress.offset > before) {
        retries = 0;
        renewed = false;
      }
      const std::string what =
          "reading blob " + digest_named(blob) + " from " + blob.where + " failed: " + e.what();
      if (e.recovery() == Recovery::kReauthenticate && blob.authorizer && !renewed) {
        renewed = true;  // once: a fresh token refused too is a real refusal
        try {
          blob.authorizer->renew(header.generation);
        } catch (const Error& renewal) {
          throw Error(renewal.kind(),
                      what + "; renewing the authorization failed: " + renewal.what());
        }
        continue;
      }
      const std::string after =
          retries > 0 ? ", still after " + std::to_string(retries) + " retries" : "";
      if (e.recovery() != Recovery::kRetry || retries >= blob.retry.max_retries)
        throw Error(e.kind(), what + after, Recovery::kNone);
      ++retries;
      const auto delay = retry_delay(blob.retry, retries, e.retry_after(),
                                     std::uniform_real_distribution<double>(0, 1)(jitter));
      if (delay > blob.retry.max_retry_after)
        throw Error(e.kind(),
                    what + ", and asks to be retried in " + seconds(delay) +
                        ", longer than layerpush waits (" + seconds(blob.retry.max_retry_after) +
                        ")",
                    Recovery::kNone);
      pause(delay, stopped);
      if (is_stopped(stopped)) return std::nullopt;
    }
  }
  const auto digest = progress.hash.finish();
  return ProducedBlob{digest, progress.offset, digest};
}

}  // namespace layerpush::engine
