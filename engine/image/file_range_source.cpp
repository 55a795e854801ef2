#include "engine/image/file_range_source.h"

#include "hashing/sha256.h"
#include "io/file.h"
#include "io/thread_reader.h"

namespace layerpush::engine {
namespace {

// Hashes the buffers the reader filled on their way to `out`, which lends them.
class HashingExchange final : public io::BufferExchange {
 public:
  HashingExchange(BlobOutput& out, hashing::Sha256& hash) : out_(out), hash_(hash) {}
  std::byte* take() override { return out_.take(); }
  bool give(std::byte* buffer, std::size_t size) override {
    hash_.update({buffer, size});
    given_ += size;
    return out_.give(buffer, size);
  }
  void discard(std::byte* buffer) override { out_.discard(buffer); }
  std::uint64_t given() const { return given_; }

 private:
  BlobOutput& out_;
  hashing::Sha256& hash_;
  std::uint64_t given_ = 0;
};

io::RangeReader& blob_reader(const SourceReading& how) {
  return io::thread_reader(how.backend, {kBlobBufferSize, kReadQueueDepth});
}

}  // namespace

std::optional<ProducedBlob> FileRangeSource::read(const SourceReading& how,
                                                  const ByteSink& consume) const {
  hashing::Sha256 hash;
  std::uint64_t size = 0;
  bool stopped = false;
  auto file = io::File::open_read(range_.path);
  blob_reader(how).read(file.fd(), range_.offset, range_.length,
                        [&](std::span<const std::byte> piece) {
                          hash.update(piece);
                          size += piece.size();
                          stopped = !consume(piece);
                          return !stopped;
                        });
  if (stopped) return std::nullopt;
  const auto digest = hash.finish();
  return ProducedBlob{digest, size, digest};
}

std::optional<ProducedBlob> FileRangeSource::read_into(const SourceReading& how,
                                                       BlobOutput& out) const {
  // The kernel reads straight into the network's buffers: no copy in user space.
  hashing::Sha256 hash;
  HashingExchange exchange(out, hash);
  auto file = io::File::open_read(range_.path);
  blob_reader(how).read_into(file.fd(), range_.offset, range_.length, exchange);
  if (exchange.given() < range_.length) return std::nullopt;  // the consumer stopped
  const auto digest = hash.finish();
  return ProducedBlob{digest, exchange.given(), digest};
}

std::shared_ptr<const BlobSource> file_range_source(FileRange range) {
  return std::make_shared<const FileRangeSource>(std::move(range));
}

}  // namespace layerpush::engine
