#include "hashing/sha256.h"

// The low-level SHA-256 functions run the same assembly as EVP's (SHA extensions where the CPU
// has them) without what EVP's first fetch costs every process: loading openssl.cnf and filling
// the algorithm name map, 1.7 ms of CPU in a 10 ms re-push (perf record of 30 re-pushes of the
// perf script's OCI layout). OpenSSL 3 marks them deprecated, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <stdexcept>
#include <string_view>

namespace layerpush::hashing {

struct Sha256::Context {
  SHA256_CTX ctx;
  Context() { start(); }
  void start() {
    if (SHA256_Init(&ctx) != 1) throw std::runtime_error("OpenSSL could not set up SHA-256");
  }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::byte> data) {
  if (!data.empty()) SHA256_Update(&context_->ctx, data.data(), data.size());
}

Digest Sha256::finish() {
  std::array<std::uint8_t, 32> out{};
  SHA256_Final(out.data(), &context_->ctx);
  context_->start();
  return Digest::from_sha256_bytes(out);
}

Digest sha256_of(std::span<const std::byte> data) {
  Sha256 hasher;
  hasher.update(data);
  return hasher.finish();
}

Digest sha256_of(std::string_view text) {
  return sha256_of(std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace layerpush::hashing
