#include "engine/registry/remote_blob_source.h"

namespace layerpush::engine {

std::optional<ProducedBlob> RemoteBlobSource::read(const SourceReading& how,
                                                   const ByteSink& consume) const {
  return download_blob(blob_, how.max_size, consume, how.stopped);
}

}  // namespace layerpush::engine
