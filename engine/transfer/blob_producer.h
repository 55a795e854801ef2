// The worker-thread half of a blob upload: reads, encodes and hashes a blob into a BlobPipe, and
// ends the stream with an error instead of its last buffer when the bytes do not match the
// expected digest or size, so a corrupt blob is never completed on the wire. Where the bytes
// come from is the recipe's source (engine/image/blob_source.h), which puts them into the
// pipe's buffers the cheapest way it has; a compressing recipe is encoded on the way. For blobs
// the network sends from their file (sendfile), the pipe carries only counts of verified bytes
// (VerifiedRangeWriter).
#pragma once

#include <memory>

#include "engine/http/blob_pipe.h"
#include "engine/image/blob_recipe.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// A pipe needs kReadQueueDepth buffers for reads in flight, one held back until the digest is
// checked, and at least one on its way to the network.
inline constexpr std::size_t kBuffersPerBlob = kReadQueueDepth + 2;

struct ExpectedBlob {
  hashing::Digest digest;
  std::uint64_t size;
};

// Runs on a worker thread until the blob is produced or the consumer closed the pipe; always
// finishes the pipe. Never throws. The pipe's buffers must be kBlobBufferSize bytes; a
// counts-only pipe (for a consumer that sends from the file, so only for a recipe whose source
// is in a file and is sent as stored) gets counts of verified bytes, or, for a spill file, whose
// bytes were hashed as they were written, just counts.
void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend);

}  // namespace layerpush::engine
