// A blob whose bytes are already in memory: a config built from a docker-archive's JSON or for
// a synthetic image. Immutable; safe to share between threads.
#pragma once

#include <memory>
#include <string>

#include "engine/image/blob_source.h"

namespace layerpush::engine {

class InlineBytesSource final : public BlobSource {
 public:
  explicit InlineBytesSource(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}

  std::uint64_t length() const override { return bytes_->size(); }
  std::string describe() const override { return "blob"; }
  std::optional<ProducedBlob> read(const SourceReading& how,
                                   const ByteSink& consume) const override;
  const std::string& bytes() const { return *bytes_; }

 private:
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace layerpush::engine
