// A blob of another registry as a source (`layerpush copy`, `sync`): its GET body streamed as it
// arrives, hashed on the way, with the retries and resumption of engine/registry/blob_download.h.
// Nothing touches the disk. Immutable; safe to share between threads.
#pragma once

#include <memory>

#include "engine/image/blob_source.h"
#include "engine/registry/blob_download.h"

namespace layerpush::engine {

class RemoteBlobSource final : public BlobSource {
 public:
  // `length`: the size its descriptor gives.
  RemoteBlobSource(RemoteBlob blob, std::uint64_t length)
      : blob_(std::move(blob)), length_(length) {}

  std::uint64_t length() const override { return length_; }
  std::string describe() const override { return blob_.where; }
  std::optional<ProducedBlob> read(const SourceReading& how,
                                   const ByteSink& consume) const override;
  const RemoteBlob& blob() const { return blob_; }

 private:
  RemoteBlob blob_;
  std::uint64_t length_;
};

}  // namespace layerpush::engine
