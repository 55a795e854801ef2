// Where a blob's bytes come from, as one small interface with one implementation per kind of
// source, each in the room it belongs to:
//   FileRangeSource    a byte range of a local file (an OCI blob, a layer inside a tar, a spill
//                      file), engine/image/file_range_source.h
//   InlineBytesSource  bytes already in memory (a config built here), engine/image/
//   SyntheticSource    bytes made from a seed for benchmarks, engine/image/synthetic_blob.h
//   RemoteBlobSource   another registry's blob, streamed from its GET, engine/registry/
// A source gives the bytes as they are stored; the recipe (engine/image/blob_recipe.h) says
// whether they are sent so or compressed on the way. Sources are immutable once made and are
// shared between threads; read() and read_into() run on a worker thread and may block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "hashing/digest.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// The size of the buffers a blob's bytes travel in, from the reader to the network (the pipe's,
// engine/http/blob_pipe.h), and the reads kept in flight to fill them; measured with
// bench/push_vs_skopeo.sh on 2 cores (8 x 64 MiB layers, before plain HTTP moved to sendfile):
// 64 KiB to 1 MiB buffers and 2 to 8 reads in flight all cost 0.71 to 0.93 CPU-s, within the
// noise; 256 KiB with 2 in flight was among the cheapest and keeps peak memory at 17 MiB, where
// 1 MiB buffers took 32 MiB. Compression always reads in pieces of this size, so a layer
// compressed twice is fed to the compressor the same way and compresses to the same bytes.
inline constexpr std::size_t kBlobBufferSize = 256 << 10;
inline constexpr unsigned kReadQueueDepth = 2;

struct ProducedBlob {
  hashing::Digest digest;  // of the bytes produced (what the registry stores)
  std::uint64_t size = 0;
  hashing::Digest raw_digest;  // of the stored bytes before encoding (a compressed layer's diff_id)
};

using ByteSink = std::function<bool(std::span<const std::byte>)>;

// Where a source puts bytes for the network: buffers it may fill in place (take(), then give()
// them back full; each holds kBlobBufferSize bytes), or copies of bytes made in memory.
// Producer thread only.
class BlobOutput : public io::BufferExchange {
 public:
  // False once the consumer stopped.
  virtual bool copy(std::span<const std::byte> bytes) = 0;
};

// How one reading of a source goes.
struct SourceReading {
  io::Backend backend = io::Backend::kPread;  // how local files are read
  // More bytes than this are refused as corrupt as soon as they arrive, not only at the end.
  std::uint64_t max_size = UINT64_MAX;
  // Asked while a source waits (a remote's backoff), so a cancelled transfer does not sit it out.
  std::function<bool()> stopped = nullptr;
};

// A local file that holds a source's bytes as they are: byte p of the blob is byte offset + p.
struct FileRange {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  // A spill file (engine/transfer/spill_file.h): its bytes were hashed as they were written, into
  // a file no other process can open, so a sender that takes them from the file need not read
  // them again to check them.
  bool hashed_when_written = false;
};

class BlobSource {
 public:
  virtual ~BlobSource() = default;

  // The number of bytes, where known before reading (a remote's comes from its descriptor).
  virtual std::uint64_t length() const = 0;
  // What failed to be read, for messages: "reading WHAT failed: ...".
  virtual std::string describe() const = 0;
  // Gives the bytes, in order, to `consume` and returns their digest and size (raw_digest ==
  // digest); nullopt if `consume` asked to stop. Throws std::system_error for a local read error,
  // engine::Error for a remote one.
  virtual std::optional<ProducedBlob> read(const SourceReading& how,
                                           const ByteSink& consume) const = 0;
  // The same into `out` by the cheapest way this source has (read by the kernel straight into
  // its buffers, made in them); by default, read() copied into it.
  virtual std::optional<ProducedBlob> read_into(const SourceReading& how, BlobOutput& out) const {
    return read(how, [&out](std::span<const std::byte> bytes) { return out.copy(bytes); });
  }
  // Where the bytes sit unchanged in a local file, for a sender that takes them from there
  // (sendfile) and for the digest cache's key; null for sources that are not a file's range.
  virtual const FileRange* in_file() const { return nullptr; }
};

}  // namespace layerpush::engine
