#include "engine/transfer/blob_upload.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <system_error>

#include "engine/transfer/blob_producer.h"
#include "engine/transfer/spill_file.h"
#include "engine/transfer/upload_session.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace asio = boost::asio;

namespace {
// Runs `f` on the worker pool and resumes the calling coroutine, on its own executor, with f's
// result or exception. (A coroutine lambda spawned on the pool would be shorter, but GCC 12
// mishandles its captures.)
template <class F>
asio::awaitable<std::invoke_result_t<F&>> on_worker(asio::thread_pool& pool, F f) {
  using Result = std::invoke_result_t<F&>;
  auto initiate = [&pool, f = std::move(f)](auto handler) mutable {
    asio::post(pool, [f = std::move(f), handler = std::move(handler)]() mutable {
      std::exception_ptr error;
      Result result{};
      try {
        result = f();
      } catch (...) {
        error = std::current_exception();
      }
      auto executor = asio::get_associated_executor(handler);
      asio::post(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::exception_ptr, Result)>(std::move(initiate),
                                                                            asio::use_awaitable);
}


double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Recalled recall_digest(PushContext& context, ImageBlob& blob) {
  auto* cache = context.digest_cache;
  if (blob.digest || !cache) return {};
  Recalled recalled{false, DigestCache::identity_of(blob.recipe)};
  if (!recalled.identity) return recalled;
  // A remembered answer whose diff_id the config no longer names is not this layer's.
  const auto known = cache->find(*recalled.identity);
  if (!known || (blob.expected_raw_digest && known->raw_digest != *blob.expected_raw_digest))
    return recalled;
  blob.digest = known->digest;
  blob.size = known->size;
  return {true, std::nullopt};
}

asio::awaitable<void> resolve_digest(PushContext& context, ImageBlob& blob,
                                     const Recalled& recalled) {
  if (blob.digest) co_return;
  auto* cache = context.digest_cache;
  auto identity = recalled.identity;
  // A file changed just before the push had no identity yet (DigestCache::kSettledAfter); it may
  // have one now, after the first look's round trip.
  if (!identity && cache) identity = DigestCache::identity_of(blob.recipe);
  const auto backend = context.backend;
  const BlobRecipe recipe = blob.recipe;
  auto compress_and_hash = [recipe, backend] {
    // Compressed bytes are kept for the upload, so each layer is compressed once; if no
    // temporary file can be had, or the disk fills, they are made again when sent.
    std::shared_ptr<SpillFile> spill = recipe.compresses() ? SpillFile::create() : nullptr;
    try {
      auto produced =
          produce_blob(recipe, {.backend = backend}, [&](std::span<const std::byte> piece) {
            if (spill && !spill->append(piece)) spill.reset();
            return true;
          });
      return std::pair(produced, produced ? spill : nullptr);
    } catch (const std::system_error& e) {
      throw Error(ErrorKind::kLocalRead,
                  "reading " + recipe.source->describe() + " failed: " + e.what());
    }
  };
  auto result = co_await on_worker(context.workers.get(), std::move(compress_and_hash));
  const auto& produced = result.first;
  auto& spill = result.second;
  if (!produced) throw Error(ErrorKind::kCancelled, "push cancelled");
  if (blob.expected_raw_digest && produced->raw_digest != *blob.expected_raw_digest)
    throw Error(ErrorKind::kCorrupt, blob.role + " is corrupt: its config expects diff_id " +
                                         blob.expected_raw_digest->str() + ", read " +
                                         produced->raw_digest.str());
  blob.digest = produced->digest;
  blob.size = produced->size;
  if (identity)
    cache->remember(blob.recipe, *identity,
                    {produced->digest, produced->size, produced->raw_digest});
  if (spill) blob.recipe = BlobRecipe{SpillFile::source(std::move(spill), produced->size)};
}

asio::awaitable<BlobReport> push_blob(PushContext& context, const ImageBlob& blob,
                                      std::size_t index, LaneSessions* lane) {
  const auto start = std::chrono::steady_clock::now();
  auto& client = context.client;
  BlobReport report{blob.role, blob.digest->str(), *blob.size, BlobAction::kExists, 0};
  const auto* presence = context.presence;
  std::optional<bool> known;
  if (presence && index < presence->blobs.size()) known = presence->blobs[index];
  bool exists = false;
  if (known) {
    exists = *known;
    report.head_seconds = presence->seconds;  // how long the pipelined check took to answer
  } else {
    exists = co_await client.blob_exists(*blob.digest);
    report.head_seconds = seconds_since(start);
  }
  const auto upload_start = std::chrono::steady_clock::now();
  if (exists) {
    if (lane && lane->for_this) co_await client.cancel_upload(*std::exchange(lane->for_this, {}));
    context.journal.forget(client.where(), *blob.digest);  // finished by an earlier run, if any
    report.seconds = seconds_since(start);
    co_return report;
  }
  std::optional<Url> mount_session;
  if (context.mount_from) {
    auto mount = co_await client.mount_blob(*blob.digest, *context.mount_from);
    if (mount.mounted) {
      report.action = BlobAction::kMounted;
      report.seconds = seconds_since(start);
      co_return report;
    }
    mount_session = mount.session;
  }
  // A session the refused mount opened, or the previous blob's PUT opened for this one, is used
  // as it is; a second POST would leave it dangling.
  if (lane && lane->for_this) mount_session = std::exchange(lane->for_this, std::nullopt);
  UploadCursor cursor;
  if (mount_session) {
    cursor.location = *mount_session;
    context.journal.save(client.where(), *blob.digest, {cursor.location.str(), 0});
  } else {
    cursor = co_await open_session(context, blob);
  }
  if (cursor.offset > 0 && context.observer)
    context.observer->blob_restart(index, cursor.offset, "resuming an earlier upload");
  int retries = 0;
  int redirects = 0;
  for (;;) {
    const std::uint64_t attempt_offset = cursor.offset;
    std::optional<Error> failure;
    std::optional<Url> redirect;
    try {
      co_await send_rest(context, blob, index, cursor, retries, lane ? &lane->for_next : nullptr);
      break;
    } catch (const Redirected& r) {
      redirect = r.to();
      failure = r;
    } catch (const Error& e) {
      failure = e;
    }
    const std::uint64_t refused_length = cursor.sending;
    if (lane) {
      // The next blob's session waits while this one is retried: closed now, so the registry
      // never holds more sessions open than there are lanes. The next blob opens its own.
      lane->for_next.wanted = false;
      if (auto opened = std::exchange(lane->for_next.opened, std::nullopt))
        co_await client.cancel_upload(*opened);
    }
    const Recovery recovery = failure->recovery();
    bool may_retry = failure->kind() != ErrorKind::kCancelled && recovery != Recovery::kNone;
    if (redirect)
      may_retry = ++redirects <= kMaxRedirects;
    else if (may_retry)
      may_retry = ++retries <= client.retry_settings().max_retries;
    if (!may_retry) {
      // A session cut short by a transient failure may still be resumed by the next run.
      if (recovery == Recovery::kNone || redirect) {
        co_await client.cancel_upload(cursor.location);
        context.journal.forget(client.where(), *blob.digest);
      }
      throw *failure;
    }
    ++report.retries;
    if (redirect) {
      cursor.location = *redirect;  // the same request again, there, at once
    } else if (recovery == Recovery::kReauthenticate) {
      co_await client.renew_authorization();
      co_await resync(context, blob, cursor);
    } else if (recovery == Recovery::kSmallerBody) {
      co_await resync(context, blob, cursor);
      // A registry that holds other bytes than we sent from refused the range, not the size.
      if (cursor.offset == attempt_offset) shrink_requests(client, *failure, refused_length);
    } else {
      const auto delay = client.next_retry_delay(retries, failure->retry_after());
      if (delay > client.retry_settings().max_retry_after) throw *failure;
      co_await client.pause(delay);
      co_await resync(context, blob, cursor);
    }
    if (context.observer) context.observer->blob_restart(index, cursor.offset, failure->what());
  }
  context.journal.forget(client.where(), *blob.digest);
  report.action = BlobAction::kUploaded;
  report.seconds = seconds_since(start);
  // A session the registry already held whole sends no byte: all of it is then the commit.
  const auto last_byte = std::max(cursor.body_sent_at, upload_start);
  report.upload_seconds = std::chrono::duration<double>(last_byte - upload_start).count();
  report.commit_seconds = seconds_since(last_byte);
  co_return report;
}

}  // namespace layerpush::engine
