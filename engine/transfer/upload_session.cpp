#include "engine/transfer/upload_session.h"

#include <boost/asio/post.hpp>
#include <system_error>

#include "engine/transfer/blob_producer.h"
#include "engine/transfer/verified_range_writer.h"
#include "engine/util/error.h"
#include "io/file.h"

namespace layerpush::engine {
namespace asio = boost::asio;

namespace {
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

}  // namespace

// One attempt at the rest of a blob. The producer reads and hashes the blob from its start
// (the digest covers every byte), the bytes the registry already holds are dropped, the rest
// go out as one PUT, or as PATCHes and a final PUT. The cursor moves with every acknowledged
// chunk, which also resets the retry count: retries are per request, not per blob.
asio::awaitable<void> send_rest(PushContext& context, const ImageBlob& blob, std::size_t index,
                                UploadCursor& cursor, int& retries, SessionAhead* ahead) {
  auto& client = context.client;
  const SentCallback sent = [&context, &cursor, index](std::uint64_t n) {
    cursor.body_sent_at = std::chrono::steady_clock::now();
    if (context.observer) context.observer->blob_progress(index, n);
  };
  // Over plain HTTP a blob sent as stored goes from page cache to socket (sendfile) once the
  // producer has read and hashed it; the pipe then carries only counts of verified bytes.
  std::optional<io::File> source;
  const FileRange* in_file = blob.recipe.source->in_file();
  if (context.options.plain_http && !blob.recipe.compresses() && in_file) {
    try {
      source = io::File::open_read(in_file->path);
    } catch (const std::system_error& e) {
      throw Error(ErrorKind::kLocalRead, "cannot open " + in_file->path + ": " + e.what());
    }
  }
  auto pipe = std::make_shared<BlobPipe>(
      context.network, kBuffersPerBlob, source ? kCountBytes : kBlobBufferSize,
      source ? BlobPipe::Memory::kCountsOnly : BlobPipe::Memory::kBuffers);
  asio::post(context.workers.get(),
             [pipe, recipe = blob.recipe, expected = ExpectedBlob{*blob.digest, *blob.size},
              backend = context.backend] { produce_into_pipe(pipe, recipe, expected, backend); });
  const std::uint64_t size = *blob.size;
  try {
    BodyReader body(pipe);
    if (source) body.set_file_source({source->fd(), in_file->offset});
    co_await body.skip(cursor.offset);
    const std::uint64_t piece = request_size(context);
    if (cursor.offset == 0 && context.options.chunk_size == 0 && (piece == 0 || size <= piece)) {
      cursor.sending = size;
      co_await client.put_whole_blob(cursor.location, *blob.digest, size, body, sent, ahead);
      cursor.sending = 0;
      co_return;
    }
    while (cursor.offset < size) {
      const std::uint64_t length = piece == 0 ? size - cursor.offset : std::min(piece, size - cursor.offset);
      cursor.sending = length;
      const Url next = co_await client.patch_chunk(cursor.location, cursor.offset, length, body, sent);
      cursor.location = next;
      cursor.offset += length;
      cursor.sending = 0;
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

}  // namespace layerpush::engine
