#include "engine/blob_producer.h"

#include <system_error>

#include "engine/error.h"

namespace layerpush::engine {

io::RangeReader& thread_reader(io::Backend backend) {
  thread_local std::unique_ptr<io::RangeReader> reader;
  if (!reader || reader->backend() != backend) reader = io::make_reader(backend);
  return *reader;
}

void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend,
                       std::size_t buffer_size) {
  try {
    // The buffer being filled. A full buffer is handed over only once more bytes follow it, so the
    // last one is still here when the digest is known.
    std::optional<Buffer> current = pipe->take_buffer();
    if (!current) return pipe->finish();
    auto sink = [&](std::span<const std::byte> piece) {
      while (!piece.empty()) {
        if (current->size() == buffer_size) {
          if (!pipe->push(std::move(*current))) return false;
          current = pipe->take_buffer();
          if (!current) return false;
        }
        const std::size_t n = std::min(piece.size(), buffer_size - current->size());
        current->insert(current->end(), piece.begin(), piece.begin() + n);
        piece = piece.subspan(n);
      }
      return true;
    };
    auto produced = produce_blob(recipe, thread_reader(backend), sink);
    if (!produced) return pipe->finish();  // the consumer gave up; nobody reads the outcome
    if (produced->digest != expected.digest || produced->size != expected.size) {
      const std::string read = produced->digest != expected.digest
                                   ? produced->digest.str()
                                   : std::to_string(produced->size) + " bytes";
      const std::string wanted = produced->digest != expected.digest
                                     ? expected.digest.str()
                                     : std::to_string(expected.size) + " bytes";
      throw Error(ErrorKind::kCorrupt, "blob " + expected.digest.str() + " is corrupt: expected " +
                                           wanted + ", read " + read);
    }
    if (!current->empty()) pipe->push(std::move(*current));
    pipe->finish();
  } catch (const std::system_error& e) {
    pipe->finish(std::make_exception_ptr(Error(
        ErrorKind::kLocalRead, "reading " + (recipe.path.empty() ? "blob" : recipe.path) +
                                   " failed: " + e.what())));
  } catch (...) {
    pipe->finish(std::current_exception());
  }
}

}  // namespace layerpush::engine
