// The worker-thread half of a blob upload: reads, encodes and hashes a blob into a BlobPipe, and
// ends the stream with an error instead of its last buffer when the bytes do not match the
// expected digest or size, so a corrupt blob is never completed on the wire. Blobs sent as
// stored are read by the kernel straight into the pipe's buffers (no copy in user space), or,
// when the network sends them from the file, only read and hashed (VerifiedRangeWriter). Blobs
// of another registry (`copy`) are streamed from their GET (engine/registry/blob_download.h).
#pragma once

#include <memory>

#include "engine/http/blob_pipe.h"
#include "engine/image/blob_recipe.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// Sizes of the byte pipes (https, compressed layers), measured with bench/push_vs_skopeo.sh on
// 2 cores (8 x 64 MiB layers, before plain HTTP moved to sendfile): 64 KiB to 1 MiB buffers and 2 to 8 reads in flight all cost 0.71 to 0.93 CPU-s, within the
// noise; 256 KiB with 2 in flight was among the cheapest and keeps peak memory at 17 MiB, where
// 1 MiB buffers took 32 MiB. A pipe needs kReadQueueDepth buffers for reads in flight, one held
// back until the digest is checked, and at least one on its way to the network.
inline constexpr std::size_t kBlobBufferSize = 256 << 10;
inline constexpr unsigned kReadQueueDepth = 2;
inline constexpr std::size_t kBuffersPerBlob = kReadQueueDepth + 2;

// A reader of the given shape for the calling worker thread, made on first use and kept for the
// thread's life. Compression always reads with kBlobBufferSize, so a layer compressed twice is
// fed to the compressor in the same pieces and compresses to the same bytes.
io::RangeReader& thread_reader(io::Backend backend,
                               io::ReaderOptions options = {kBlobBufferSize, kReadQueueDepth});

struct ExpectedBlob {
  hashing::Digest digest;
  std::uint64_t size;
};

// Runs on a worker thread until the blob is produced or the consumer closed the pipe; always
// finishes the pipe. Never throws. The pipe's buffers must be kBlobBufferSize bytes; a
// counts-only pipe (for a consumer that sends from the file) gets counts of verified bytes, or,
// for a spill file (recipe.spill), whose bytes were hashed as they were written, just counts.
void produce_into_pipe(const std::shared_ptr<BlobPipe>& pipe, const BlobRecipe& recipe,
                       const ExpectedBlob& expected, io::Backend backend);

}  // namespace layerpush::engine
