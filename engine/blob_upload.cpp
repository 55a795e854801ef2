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

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

asio::awaitable<void> send_blob(PushContext& context, const ImageBlob& blob, std::size_t index,
                                const Url& location, BodyReader& body) {
  auto& client = context.client;
  const SentCallback sent = [&context, index](std::uint64_t n) {
    if (context.observer) context.observer->blob_progress(index, n);
  };
  const std::uint64_t size = *blob.size;
  const std::uint64_t chunk = context.options.chunk_size;
  if (chunk == 0) {
    co_await client.put_whole_blob(location, *blob.digest, size, body, sent);
    co_return;
  }
  Url newest = location;  // every answer names the next Location; an older one is stale
  for (std::uint64_t offset = 0; offset < size; offset += chunk) {
    const std::uint64_t length = std::min(chunk, size - offset);
    newest = co_await client.patch_chunk(newest, offset, length, body, sent);
  }
  co_await body.expect_end();
  co_await client.finish_upload(newest, *blob.digest);
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
  BlobReport report{blob.role, blob.digest->str(), *blob.size, BlobAction::kExists, 0};
  if (co_await context.client.blob_exists(*blob.digest)) {
    report.seconds = seconds_since(start);
    co_return report;
  }
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
  const Url location = co_await context.client.start_upload();
  auto pipe = std::make_shared<BlobPipe>(
      context.network, kBuffersPerBlob, source ? kCountBytes : kBlobBufferSize,
      source ? BlobPipe::Memory::kCountsOnly : BlobPipe::Memory::kBuffers);
  asio::post(context.workers, [pipe, recipe = blob.recipe,
                               expected = ExpectedBlob{*blob.digest, *blob.size},
                               backend = context.backend] {
    produce_into_pipe(pipe, recipe, expected, backend);
  });
  std::exception_ptr failure;
  try {
    BodyReader body(pipe);
    if (source) body.set_file_source({source->fd(), blob.recipe.offset});
    co_await send_blob(context, blob, index, location, body);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    pipe->close();  // stops the producer if it is still reading
    co_await context.client.cancel_upload(location);
    std::rethrow_exception(failure);
  }
  report.action = BlobAction::kUploaded;
  report.seconds = seconds_since(start);
  co_return report;
}

}  // namespace layerpush::engine
