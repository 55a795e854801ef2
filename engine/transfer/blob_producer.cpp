#include "engine/transfer/blob_producer.h"

#include <algorithm>
#include <array>
#include <functional>
#include <system_error>

#include "engine/registry/blob_download.h"
#include "engine/util/error.h"
#include "engine/transfer/pipe_writer.h"
#include "engine/image/synthetic_blob.h"
#include "engine/transfer/verified_range_writer.h"
#include "io/file.h"

namespace layerpush::engine {
namespace {

void check_expected(const ProducedBlob& produced, const ExpectedBlob& expected) {
  if (produced.digest == expected.digest && produced.size == expected.size) return;
  const bool digest_differs = produced.digest != expected.digest;
  throw Error(ErrorKind::kCorrupt,
              "blob " + expected.digest.str() + " is corrupt: expected " +
                  (digest_differs ? expected.digest.str()
                                  : std::to_string(expected.size) + " bytes") +
                  ", read " +
                  (digest_differs ? produced.digest.str()
                                  : std::to_string(produced.size) + " bytes"));
}

// Reads a stored blob's range through `exchange`, which hashes it into `hash`. Nullopt when the
// consumer closed the pipe part way.
template <class Exchange>
std::optional<ProducedBlob> read_stored(const BlobRecipe& recipe, io::RangeReader& reader,
                                        BlobPipe& pipe, Exchange& exchange,
                                        hashing::Sha256& hash) {
  auto file = io::File::open_read(recipe.path);
  reader.read_into(file.fd(), recipe.offset, recipe.length, exchange);
  if (pipe.closed()) return std::nullopt;
  const auto digest = hash.finish();
  return ProducedBlob{digest, exchange.bytes_given(), digest};
}

// Produces the blob, checks it and only then lets its last bytes go.
template <class Writer>
void produce_checked(BlobPipe& pipe, const ExpectedBlob& expected, Writer& writer,
                     const std::function<std::optional<ProducedBlob>()>& produce) {
  const auto produced = produce();
  if (!produced) return pipe.finish();  // the consumer gave up; nobody reads the outcome
  check_expected(*produced, expected);
  writer.release_last();
  pipe.finish();
}

// A spill file's bytes (engine/transfer/spill_file.h) were hashed as they were written, moments ago, into
// a file no other process can open: while the network sends them from the file, reading them
// again only to hash them would be a second pass over every compressed layer. The counts let
// the sender go as fast as it can; the registry checks the digest as ever.
void count_spilled(BlobPipe& pipe, std::uint64_t length) {
  for (std::uint64_t left = length; left > 0;) {
    auto slot = pipe.take_buffer();
    if (!slot) break;  // the consumer gave up
    const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(left, pipe.buffer_size()));
    if (!pipe.push(Buffer{slot->data, count})) break;
    left -= count;
  }
  pipe.finish();
}

}  // namespace

io::RangeReader& thread_reader(io::Backend backend, io::ReaderOptions options) {
  // A worker uses at most two shapes of reader (blob buffers, and the small verify pieces).
  thread_local std::array<std::unique_ptr<io::RangeReader>, 2> readers;
  for (auto& reader : readers)
    if (reader && reader->backend() == backend && reader->buffer_size() == options.buffer_size)
      return *reader;
  auto& slot = readers[options.buffer_size == kBlobBufferSize ? 0 : 1];
  slot = io::make_reader(backend, options);
  return *slot;
}

void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend) {
  try {
    hashing::Sha256 hash;
    const bool stored_file = recipe.encoding == Encoding::kAsStored && !recipe.inline_bytes;
    if (recipe.encoding == Encoding::kRemote) {
      // Another registry's blob: its GET body goes into the pipe as it arrives, never to disk.
      PipeWriter writer(*pipe);
      produce_checked(*pipe, expected, writer, [&] {
        // A cancelled upload closes the pipe: a backoff between source retries ends there too.
        return download_blob(
            *recipe.remote, expected.size,
            [&](std::span<const std::byte> bytes) { return writer.copy(bytes); },
            [&] { return pipe->closed(); });
      });
    } else if (recipe.encoding == Encoding::kSynthetic) {
      // A benchmark's blob: made by a pure function of its seed, whose digest was found when the
      // blob was made. Hashing it again could only find the same digest; skipping it leaves the
      // client's CPU to the network path that `layerpush bench` measures.
      static_assert(kSyntheticPiece == kBlobBufferSize, "pieces are made in pipe buffers");
      PipeWriter writer(*pipe);
      produce_checked(*pipe, expected, writer, [&]() -> std::optional<ProducedBlob> {
        if (!generate_synthetic_into(recipe.seed, recipe.length, writer)) return std::nullopt;
        return ProducedBlob{expected.digest, recipe.length, expected.digest};
      });
    } else if (pipe->counts_only() && recipe.spill) {
      count_spilled(*pipe, recipe.length);
    } else if (pipe->counts_only()) {
      // The network sends from the file; only read and hash, in cache-sized pieces.
      VerifiedRangeWriter writer(*pipe, hash);
      auto& reader = thread_reader(backend, {kVerifyReadSize, kVerifyReadDepth});
      produce_checked(*pipe, expected, writer,
                      [&] { return read_stored(recipe, reader, *pipe, writer, hash); });
    } else if (stored_file) {
      PipeWriter writer(*pipe, &hash);
      auto& reader = thread_reader(backend, {kBlobBufferSize, kReadQueueDepth});
      produce_checked(*pipe, expected, writer,
                      [&] { return read_stored(recipe, reader, *pipe, writer, hash); });
    } else {
      PipeWriter writer(*pipe);
      auto& reader = thread_reader(backend, {kBlobBufferSize, kReadQueueDepth});
      produce_checked(*pipe, expected, writer, [&] {
        return produce_blob(recipe, reader,
                            [&](std::span<const std::byte> bytes) { return writer.copy(bytes); });
      });
    }
  } catch (const std::system_error& e) {
    pipe->finish(std::make_exception_ptr(Error(
        ErrorKind::kLocalRead,
        "reading " + (recipe.path.empty() ? "blob" : recipe.path) + " failed: " + e.what())));
  } catch (...) {
    pipe->finish(std::current_exception());
  }
}

}  // namespace layerpush::engine
