#include "engine/blob_upload.h"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <system_error>

#include "engine/blob_producer.h"
#include "engine/error.h"
#include "engine/verified_range_writer.h"
#include "io/file.h"

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

// Redirects followed for one request before it is taken for a loop.
constexpr int kMaxRedirects = 10;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Where a blob's upload stands: the session's newest Location (or where a redirect sent the
// next request) and the bytes the registry acknowledged.
struct UploadCursor {
  Url location;
  std::uint64_t offset = 0;
  std::uint64_t sending = 0;  // body length of the request in flight, 0 for none
};

// Bytes per request from here on; 0 means "the rest in one request".
std::uint64_t request_size(const PushContext& context) {
  const auto& client = context.client;
  std::uint64_t limit = context.options.max_request_size;
  if (client.body_limit() && (limit == 0 || client.body_limit() < limit)) limit = client.body_limit();
  std::uint64_t chunk = context.options.chunk_size;
  if (chunk != 0) chunk = std::max(chunk, client.min_chunk());
  if (limit && (chunk == 0 || chunk > limit)) chunk = limit;
  if (chunk != 0 && chunk < client.min_chunk())
    throw Error(ErrorKind::kRegistry,
                client.where() + " wants chunks of at least " + std::to_string(client.min_chunk()) +
                    " bytes, but requests are limited to " + std::to_string(chunk) + " bytes");
  return chunk;
}

// One attempt at the rest of a blob. The producer reads and hashes the blob from its start
// (the digest covers every byte), the bytes the registry already holds are dropped, the rest
// go out as one PUT, or as PATCHes and a final PUT. The cursor moves with every acknowledged
// chunk, which also resets the retry count: retries are per request, not per blob.
asio::awaitable<void> send_rest(PushContext& context, const ImageBlob& blob, std::size_t index,
                                UploadCursor& cursor, int& retries) {
  auto& client = context.client;
  const SentCallback sent = [&context, index](std::uint64_t n) {
    if (context.observer) context.observer->blob_progress(index, n);
  };
  // Over plain HTTP a blob sent as stored goes from page cache to socket (sendfile) once the
  // producer has read and hashed it; the pipe then carries only counts of verified bytes.
  std::optional<io::File> source;
  if (context.options.plain_http && blob.recipe.encoding == Encoding::kAsStored &&
      !blob.recipe.inline_bytes) {
    try {
      source = io::File::open_read(blob.recipe.path);
    } catch (const std::system_error& e) {
      throw Error(ErrorKind::kLocalRead, "cannot open " + blob.recipe.path + ": " + e.what());
    }
  }
  auto pipe = std::make_shared<BlobPipe>(
      context.network, kBuffersPerBlob, source ? kCountBytes : kBlobBufferSize,
      source ? BlobPipe::Memory::kCountsOnly : BlobPipe::Memory::kBuffers);
  asio::post(context.workers, [pipe, recipe = blob.recipe,
                               expected = ExpectedBlob{*blob.digest, *blob.size},
                               backend = context.backend] {
    produce_into_pipe(pipe, recipe, expected, backend);
  });
  const std::uint64_t size = *blob.size;
  try {
    BodyReader body(pipe);
    if (source) body.set_file_source({source->fd(), blob.recipe.offset});
    co_await body.skip(cursor.offset);
    const std::uint64_t piece = request_size(context);
    if (cursor.offset == 0 && context.options.chunk_size == 0 && (piece == 0 || size <= piece)) {
      cursor.sending = size;
      co_await client.put_whole_blob(cursor.location, *blob.digest, size, body, sent);
      cursor.sending = 0;
      co_return;
    }
    while (cursor.offset < size) {
      const std::uint64_t length = piece == 0 ? size - cursor.offset : std::min(piece, size - cursor.offset);
      cursor.sending = length;
      const Url next = co_await client.patch_chunk(cursor.location, cursor.offset, length, body, sent);
      cursor = {next, cursor.offset + length, 0};
      retries = 0;
      context.journal.save(client.where(), *blob.digest, {cursor.location.str(), cursor.offset});
    }
    co_await body.expect_end();
    co_await client.finish_upload(cursor.location, *blob.digest);
  } catch (...) {
    pipe->close();  // stops the producer if it is still reading
    throw;
  }
}

// A session to send into: the journaled one if the registry still has it, else a new one.
asio::awaitable<UploadCursor> open_session(PushContext& context, const ImageBlob& blob) {
  auto& client = context.client;
  if (auto entry = context.journal.find(client.where(), *blob.digest)) {
    std::optional<RegistryClient::UploadStatus> status;
    try {
      const Url location = parse_url(entry->location);
      status = co_await client.upload_status(location, entry->offset);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCancelled) throw;
      // An unreadable entry or an unreachable old host: start over.
    }
    if (status && status->held <= *blob.size) co_return UploadCursor{status->location, status->held};
  }
  // Named first: GCC 12 frees a co_await result twice inside a braced initializer.
  Url location = co_await client.start_upload();
  context.journal.save(client.where(), *blob.digest, {location.str(), 0});
  co_return UploadCursor{location, 0, 0};
}

// After a failed attempt: where to go on from, as the registry sees it.
asio::awaitable<void> resync(PushContext& context, const ImageBlob& blob, UploadCursor& cursor) {
  auto status = co_await context.client.upload_status(cursor.location, cursor.offset);
  if (status && status->held <= *blob.size) {
    cursor = {status->location, status->held, 0};
    co_return;
  }
  // The registry forgot the session (distribution drops one whose body broke off): a new one.
  Url location = co_await context.client.start_upload();
  cursor = {location, 0, 0};
  context.journal.save(context.client.where(), *blob.digest, {cursor.location.str(), 0});
}

// A body request refused as too large: the next ones are smaller. GHCR takes 4 MiB at most,
// the commonest limit, so that is tried first; below it, halves.
void shrink_requests(RegistryClient& client, const Error& refusal, std::uint64_t refused_length) {
  constexpr std::uint64_t kCommonLimit = 4 << 20;
  constexpr std::uint64_t kSmallest = 64 << 10;
  const std::uint64_t next = refused_length > kCommonLimit ? kCommonLimit : refused_length / 2;
  if (next < kSmallest || next < client.min_chunk()) throw refusal;
  client.limit_body(next);
}
}  // namespace

asio::awaitable<void> resolve_digest(PushContext& context, ImageBlob& blob) {
  if (blob.digest) co_return;
  const auto backend = context.backend;
  const BlobRecipe recipe = blob.recipe;
  auto compress_and_hash = [recipe, backend] {
    try {
      return produce_blob(recipe, thread_reader(backend),
                          [](std::span<const std::byte>) { return true; });
    } catch (const std::system_error& e) {
      throw Error(ErrorKind::kLocalRead, "reading " + recipe.path + " failed: " + e.what());
    }
  };
  auto produced = co_await on_worker(context.workers, std::move(compress_and_hash));
  if (!produced) throw Error(ErrorKind::kCancelled, "push cancelled");
  if (blob.expected_raw_digest && produced->raw_digest != *blob.expected_raw_digest)
    throw Error(ErrorKind::kCorrupt, blob.role + " is corrupt: its config expects diff_id " +
                                         blob.expected_raw_digest->str() + ", read " +
                                         produced->raw_digest.str());
  blob.digest = produced->digest;
  blob.size = produced->size;
}

asio::awaitable<BlobReport> push_blob(PushContext& context, const ImageBlob& blob,
                                      std::size_t index) {
  const auto start = std::chrono::steady_clock::now();
  auto& client = context.client;
  BlobReport report{blob.role, blob.digest->str(), *blob.size, BlobAction::kExists, 0};
  if (co_await client.blob_exists(*blob.digest)) {
    context.journal.forget(client.where(), *blob.digest);  // finished by an earlier run, if any
    report.seconds = seconds_since(start);
    co_return report;
  }
  UploadCursor cursor = co_await open_session(context, blob);
  if (cursor.offset > 0 && context.observer)
    context.observer->blob_restart(index, cursor.offset, "resuming an earlier upload");
  int retries = 0;
  int redirects = 0;
  for (;;) {
    const std::uint64_t attempt_offset = cursor.offset;
    std::optional<Error> failure;
    std::optional<Url> redirect;
    try {
      co_await send_rest(context, blob, index, cursor, retries);
      break;
    } catch (const Redirected& r) {
      redirect = r.to();
      failure = r;
    } catch (const Error& e) {
      failure = e;
    }
    const std::uint64_t refused_length = cursor.sending;
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
  co_return report;
}

}  // namespace layerpush::engine
