// Incremental SHA-256 over OpenSSL (which uses the CPU's SHA extensions where present). One
// object hashes one stream; it is not thread-safe, but separate objects may run on separate
// threads at once, which is how blobs are hashed in parallel.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "hashing/digest.h"

namespace layerpush::hashing {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::span<const std::byte> data);
  // Ends the stream and returns its digest; the object then starts a new stream.
  Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

Digest sha256_of(std::span<const std::byte> data);
Digest sha256_of(std::string_view text);

}  // namespace layerpush::hashing
