// The worker-thread half of a blob upload: reads, encodes and hashes a blob into a BlobPipe, and
// ends the stream with an error instead of its last buffer when the bytes do not match the
// expected digest or size, so a corrupt blob is never completed on the wire.
#pragma once

#include <memory>

#include "engine/blob_pipe.h"
#include "engine/blob_recipe.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// A reader for the calling worker thread, made on first use and kept for the thread's life.
// Every reader has the same buffer size, so a layer compressed twice is fed to the compressor in
// the same pieces and compresses to the same bytes.
io::RangeReader& thread_reader(io::Backend backend);

struct ExpectedBlob {
  hashing::Digest digest;
  std::uint64_t size;
};

// Runs on a worker thread until the blob is produced or the consumer closed the pipe; always
// finishes the pipe. Never throws.
void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend,
                       std::size_t buffer_size);

}  // namespace layerpush::engine
