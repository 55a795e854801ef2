#include "engine/image/inline_bytes_source.h"

#include "hashing/sha256.h"

namespace layerpush::engine {

std::optional<ProducedBlob> InlineBytesSource::read(const SourceReading&,
                                                    const ByteSink& consume) const {
  const auto bytes = std::as_bytes(std::span(bytes_->data(), bytes_->size()));
  if (!consume(bytes)) return std::nullopt;
  const auto digest = hashing::sha256_of(*bytes_);
  return ProducedBlob{digest, bytes.size(), digest};
}

}  // namespace layerpush::engine
