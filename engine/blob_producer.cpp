#include "engine/blob_producer.h"

#include <system_error>

#include "engine/error.h"
#include "engine/pipe_writer.h"
#include "io/file.h"

namespace layerpush::engine {
io::RangeReader& thread_reader(io::Backend backend) {
  thread_local std::unique_ptr<io::RangeReader> reader;
  if (!reader || reader->backend() != backend)
    reader = io::make_reader(backend, io::ReaderOptions{kBlobBufferSize, kReadQueueDepth});
  return *reader;
}

void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend) {
  try {
    hashing::Sha256 hash;
    std::optional<ProducedBlob> produced;
    std::optional<PipeWriter> writer;
    if (recipe.encoding == Encoding::kAsStored && !recipe.inline_bytes) {
      writer.emplace(*pipe, &hash);
      auto file = io::File::open_read(recipe.path);
      thread_reader(backend).read_into(file.fd(), recipe.offset, recipe.length, *writer);
      if (pipe->closed()) return pipe->finish();  // the consumer gave up
      const auto digest = hash.finish();
      produced = ProducedBlob{digest, writer->bytes_given(), digest};
    } else {
      writer.emplace(*pipe);
      produced = produce_blob(recipe, thread_reader(backend),
                              [&](std::span<const std::byte> bytes) { return writer->copy(bytes); });
      if (!produced) return pipe->finish();  // the consumer gave up
    }
    if (produced->digest != expected.digest || produced->size != expected.size) {
      const bool digest_differs = produced->digest != expected.digest;
      throw Error(ErrorKind::kCorrupt,
                  "blob " + expected.digest.str() + " is corrupt: expected " +
                      (digest_differs ? expected.digest.str()
                                      : std::to_string(expected.size) + " bytes") +
                      ", read " +
                      (digest_differs ? produced->digest.str()
                                      : std::to_string(produced->size) + " bytes"));
    }
    writer->release_last();
    pipe->finish();
  } catch (const std::system_error& e) {
    pipe->finish(std::make_exception_ptr(Error(
        ErrorKind::kLocalRead,
        "reading " + (recipe.path.empty() ? "blob" : recipe.path) + " failed: " + e.what())));
  } catch (...) {
    pipe->finish(std::current_exception());
  }
}

}  // namespace layerpush::engine
