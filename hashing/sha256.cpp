#include "hashing/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <string_view>

namespace layerpush::hashing {

struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // Fetched once: EVP_sha256() would look the implementation up again on every init.
  static const EVP_MD* md() {
    static EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched;
  }
  Context() {
    if (!ctx || !md() || EVP_DigestInit_ex(ctx, md(), nullptr) != 1)
      throw std::runtime_error("OpenSSL could not set up SHA-256");
  }
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::byte> data) {
  if (!data.empty()) EVP_DigestUpdate(context_->ctx, data.data(), data.size());
}

Digest Sha256::finish() {
  std::array<std::uint8_t, 32> out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, out.data(), &length);
  EVP_DigestInit_ex(context_->ctx, Context::md(), nullptr);
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
