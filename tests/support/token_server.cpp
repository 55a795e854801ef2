#include "tests/support/token_server.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace layerpush::testing {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}
std::string base64url(const std::string& s) {
  return base64url(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// libtrust's key ID: SHA-256 of the DER public key, first 240 bits, base32, groups of four.
std::string libtrust_kid(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  unsigned char digest[32];
  EVP_Digest(der, static_cast<std::size_t>(length), digest, nullptr, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string b32;
  for (int bit = 0; bit < 240; bit += 5) {
    int value = 0;
    for (int i = 0; i < 5; ++i) value = (value << 1) | ((digest[(bit + i) / 8] >> (7 - (bit + i) % 8)) & 1);
    b32.push_back(kAlphabet[value]);
  }
  std::string kid;
  for (std::size_t i = 0; i < b32.size(); i += 4) kid += (i ? ":" : "") + b32.substr(i, 4);
  return kid;
}

std::string decode_basic(const std::string& header) {
  if (header.rfind("Basic ", 0) != 0) return {};
  const std::string b64 = header.substr(6);
  std::string out(b64.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}
// The percent-decoded value of `name` in a query ("?a=1&b=2") or form body read as one.
std::string form_value(const std::string& query, const std::string& name) {
  for (const std::string lead : {"?", "&"}) {
    const auto at = query.find(lead + name + "=");
    if (at == std::string::npos) continue;
    const auto start = at + lead.size() + name.size() + 1;
    const std::string raw = query.substr(start, query.find('&', start) - start);
    std::string decoded;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%' && i + 2 < raw.size()) {
        decoded.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(raw[i] == '+' ? ' ' : raw[i]);
      }
    }
    return decoded;
  }
  return {};
}
}  // namespace

struct TokenServer::Impl {
  EVP_PKEY* key = nullptr;
  std::string kid;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  ~Impl() { EVP_PKEY_free(key); }

  std::string sign(const std::string& subject, const std::string& scope, long long lifetime) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    nlohmann::json access = nlohmann::json::array();
    // "repository:NAME:pull,push": the name may hold a host:port, so split on the last colon.
    const auto first = scope.find(':');
    const auto last = scope.rfind(':');
    if (first != std::string::npos && last > first) {
      nlohmann::json actions = nlohmann::json::array();
      std::string list = scope.substr(last + 1);
      for (std::size_t at = 0; at <= list.size();) {
        const auto comma = list.find(',', at);
        actions.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos) break;
        at = comma + 1;
      }
      access.push_back({{"type", scope.substr(0, first)},
                        {"name", scope.substr(first + 1, last - first - 1)},
                        {"actions", actions}});
    }
    const nlohmann::json header = {{"typ", "JWT"}, {"alg", "ES256"}, {"kid", kid}};
    const nlohmann::json claims = {{"iss", kIssuer},   {"sub", subject}, {"aud", kService},
                                   {"exp", now + lifetime}, {"nbf", now - 10}, {"iat", now},
                                   {"jti", std::to_string(std::random_device{}())},
                                   {"access", access}};
    const std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t der_length = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &der_length,
                   reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    std::string der(der_length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &der_length,
                   reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    EVP_MD_CTX_free(ctx);
    // JWS wants r || s, 32 bytes each, where OpenSSL gives a DER ECDSA-Sig-Value.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_length));
    unsigned char raw[64] = {};
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return signing_input + "." + base64url(raw, sizeof raw);
  }
};

TokenServer::TokenServer(std::filesystem::path folder, std::string user, std::string password)
    : folder_(std::move(folder)), user_(std::move(user)), password_(std::move(password)),
      impl_(std::make_unique<Impl>()) {
  impl_->key = EVP_EC_gen("P-256");
  if (!impl_->key) throw std::runtime_error("OpenSSL could not make a P-256 key");
  impl_->kid = libtrust_kid(impl_->key);
  // A self-signed certificate for the key: the registry's rootcertbundle.
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, impl_->key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("layerpush-token"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, impl_->key, EVP_sha256());
  FILE* out = std::fopen(certificate_file().c_str(), "w");
  if (!out) throw std::runtime_error("cannot write " + certificate_file().string());
  PEM_write_X509(out, cert);
  std::fclose(out);
  X509_free(cert);
  thread_ = std::thread([this] { serve(); });
}

TokenServer::~TokenServer() {
  // A blocking accept() is not woken by close() from another thread; shutdown() of the
  // listening socket is, and the loop then ends on the error.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  boost::system::error_code ignored;  // already shut down
  impl_->acceptor.close(ignored);
}

void TokenServer::set_policy(Policy policy) {
  std::lock_guard lock(policy_mutex_);
  policy_ = std::move(policy);
}

TokenServer::Policy TokenServer::policy_snapshot() const {
  std::lock_guard lock(policy_mutex_);
  return policy_;
}

std::string TokenServer::realm() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + "/token";
}

void TokenServer::serve() {
  for (;;) {
    tcp::socket socket(impl_->ioc);
    boost::system::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec) return;  // closed by the destructor
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec) continue;
    http::response<http::string_body> response;
    response.version(11);
    const Policy policy = policy_snapshot();
    const bool refresh_form = request.method() == http::verb::post;
    std::string target(request.target());
    if (refresh_form) target = "?" + request.body();  // the form's fields, read like a query
    const std::string credentials = decode_basic(std::string(request[http::field::authorization]));
    const bool identity = !policy.identity_token.empty();
    bool granted = credentials == user_ + ":" + password_ ||
                   (identity && credentials == "<token>:" + policy.identity_token);
    if (refresh_form) {
      ++refresh_forms_;
      granted = identity && form_value(target, "grant_type") == "refresh_token" &&
                form_value(target, "refresh_token") == policy.identity_token;
    }
    if (refresh_form && policy.refuse_refresh_form) {
      response.result(http::status::method_not_allowed);
    } else if (!granted) {
      response.result(http::status::unauthorized);
      response.body() = R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})";
    } else {
      // An expired token is dated well beyond the registry's 60 s leeway.
      const long long lifetime = policy.expired ? -600 : policy.expires_in;
      const std::string token = impl_->sign(user_, form_value(target, "scope"), lifetime);
      response.result(http::status::ok);
      response.set(http::field::content_type, "application/json");
      response.body() = nlohmann::json{{refresh_form ? "access_token" : "token", token},
                                       {"expires_in", policy.expires_in}}
                            .dump();
      ++issued_;
    }
    response.keep_alive(false);
    response.prepare_payload();
    http::write(socket, response, ec);
  }
}

}  // namespace layerpush::testing
