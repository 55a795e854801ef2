// A blob stored as a byte range of a local file: an OCI layout's blob file, a layer inside a
// docker-archive or an OCI archive tar, or a spill file holding a layer compressed once. Read
// through the calling thread's RangeReader (io/thread_reader.h), straight into the network's
// buffers where it can. Immutable; safe to share between threads.
#pragma once

#include <memory>

#include "engine/image/blob_source.h"

namespace layerpush::engine {

class FileRangeSource final : public BlobSource {
 public:
  // `owner`, when given, is kept alive as long as this source: what makes the path valid (a
  // spill file whose path is its descriptor's, /proc/self/fd/N).
  explicit FileRangeSource(FileRange range, std::shared_ptr<const void> owner = nullptr)
      : range_(std::move(range)), owner_(std::move(owner)) {}

  std::uint64_t length() const override { return range_.length; }
  std::string describe() const override { return range_.path; }
  std::optional<ProducedBlob> read(const SourceReading& how,
                                   const ByteSink& consume) const override;
  std::optional<ProducedBlob> read_into(const SourceReading& how, BlobOutput& out) const override;
  const FileRange* in_file() const override { return &range_; }

 private:
  FileRange range_;
  std::shared_ptr<const void> owner_;
};

// A shared source for `range`: what image loaders put in a recipe.
std::shared_ptr<const BlobSource> file_range_source(FileRange range);

}  // namespace layerpush::engine
