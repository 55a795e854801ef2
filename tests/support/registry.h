// A real registry for tests: Debian's docker-registry (distribution 2.8.2) started on a free
// loopback port with its own config and data folder, stopped (and its folder removed) on
// destruction. A registry that cannot start makes the test fail; it never skips.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace layerpush::testing {

// One request as the registry's access log recorded it, in the order the registry logged them
// (the order in which responses completed).
struct LoggedRequest {
  std::string method;  // "PATCH"
  std::string uri;     // "/v2/repo/blobs/uploads/…?_state=…"
  int status = 0;
};

class LocalRegistry {
 public:
  struct Options {
    bool relative_urls = false;  // http.relativeurls: Location headers without scheme and host
    // Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost, made with openssl;
    // certificate_file() is then both the server's certificate and the CA to trust.
    bool tls = false;
    // With tls: also demand a client certificate; client_certificate_file() and
    // client_key_file() hold one it accepts.
    bool require_client_certificate = false;
    // When set, the registry asks for HTTP Basic auth (htpasswd, bcrypt) with this user and
    // password; GET /v2/ then answers 401 without them.
    std::string basic_user{};
    std::string basic_password{};
    // When set, the registry wants Bearer tokens from this realm (a TokenServer), signed by the
    // key whose certificate is `token_certificate`.
    std::string token_realm{};
    std::filesystem::path token_certificate{};
  };
  // Starts the registry and waits until GET /v2/ answers. Throws std::runtime_error (with the
  // registry's log) if it does not come up in 15 s.
  static std::unique_ptr<LocalRegistry> start(Options options);
  static std::unique_ptr<LocalRegistry> start() { return start(Options{}); }
  ~LocalRegistry();

  std::uint16_t port() const { return port_; }
  std::string host() const;  // "127.0.0.1:PORT"
  const std::filesystem::path& root() const { return root_; }  // config, data and log live here

  std::filesystem::path certificate_file() const { return root_ / "cert.pem"; }
  std::filesystem::path client_certificate_file() const { return root_ / "client-cert.pem"; }
  std::filesystem::path client_key_file() const { return root_ / "client-key.pem"; }

  std::string log_text() const;
  // Every request in the access log since start, or since the last forget_requests().
  std::vector<LoggedRequest> requests() const;
  void forget_requests();
  // Requests whose method equals `method` and whose URI contains `uri_part`.
  int count_requests(std::string_view method, std::string_view uri_part) const;
  // Blob upload sessions open at once at most, replaying the log: +1 for each POST to
  // /blobs/uploads/ answered 202, -1 for each PUT to /blobs/uploads/ answered 201.
  int max_open_uploads() const;

 private:
  LocalRegistry() = default;
  std::filesystem::path root_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool tls_ = false;
  std::size_t log_mark_ = 0;  // byte offset in the log where requests() starts reading
};

}  // namespace layerpush::testing
