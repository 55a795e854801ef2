#include "engine/transfer/blob_producer.h"

#include <algorithm>
#include <functional>
#include <system_error>

#include "engine/transfer/pipe_writer.h"
#include "engine/transfer/verified_range_writer.h"
#include "engine/util/error.h"
#include "io/file.h"
#include "io/thread_reader.h"

namespace layerpush::engine {
namespace {

void check_expected(const ProducedBlob& produced, const ExpectedBlob& expected) {
  if (produced.digest == expected.digest && produced.size == expected.size) return;
  const bool digest_differs = produced.digest != expected.digest;
  throw Error(
      ErrorKind::kCorrupt,
      "blob " + expected.digest.str() + " is corrupt: expected " +
          (digest_differs ? expected.digest.str() : std::to_string(expected.size) + " bytes") +
          ", read " +
          (digest_differs ? produced.digest.str() : std::to_string(produced.size) + " bytes"));
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

// A spill file's bytes (engine/transfer/spill_file.h) were hashed as they were written, moments
// ago, into a file no other process can open: while the network sends them from the file,
// reading them again only to hash them would be a second pass over every compressed layer. The
// counts let the sender go as fast as it can; the registry checks the digest as ever.
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

// The network sends the range from the file; the producer only reads and hashes it, in
// cache-sized pieces, and hands over counts of verified bytes.
void verify_range(BlobPipe& pipe, const FileRange& range, const ExpectedBlob& expected,
                  io::Backend backend) {
  if (range.hashed_when_written) return count_spilled(pipe, range.length);
  hashing::Sha256 hash;
  VerifiedRangeWriter writer(pipe, hash);
  auto& reader = io::thread_reader(backend, {kVerifyReadSize, kVerifyReadDepth});
  produce_checked(pipe, expected, writer, [&]() -> std::optional<ProducedBlob> {
    auto file = io::File::open_read(range.path);
    reader.read_into(file.fd(), range.offset, range.length, writer);
    if (pipe.closed()) return std::nullopt;
    const auto digest = hash.finish();
    return ProducedBlob{digest, writer.bytes_given(), digest};
  });
}

}  // namespace

void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend) {
  try {
    if (pipe->counts_only())
      return verify_range(*pipe, *recipe.source->in_file(), expected, backend);
    // A cancelled upload closes the pipe: a remote source's backoff between retries ends there.
    const SourceReading how{backend, expected.size, [&pipe] { return pipe->closed(); }};
    PipeWriter writer(*pipe);
    produce_checked(*pipe, expected, writer, [&] {
      if (!recipe.compresses()) return recipe.source->read_into(how, writer);
      return produce_blob(recipe, how,
                          [&](std::span<const std::byte> bytes) { return writer.copy(bytes); });
    });
  } catch (const std::system_error& e) {
    pipe->finish(std::make_exception_ptr(Error(
        ErrorKind::kLocalRead, "reading " + recipe.source->describe() + " failed: " + e.what())));
  } catch (...) {
    pipe->finish(std::current_exception());
  }
}

}  // namespace layerpush::engine
