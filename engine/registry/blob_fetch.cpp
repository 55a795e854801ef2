#include "engine/registry/blob_fetch.h"

#include <chrono>
#include <optional>
#include <vector>

#include "engine/http/blocking_connection.h"
#include "engine/http/resume_range.h"
#include "engine/registry/registry_errors.h"
#include "engine/registry/retry_policy.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {
// Bytes read per step: small enough to stay in cache while it is hashed and copied into the
// pipe (the same reasoning as kVerifyReadSize), large enough to amortize the calls.
constexpr std::size_t kPiece = 64 << 10;

[[noreturn]] void corrupt(const RemoteBlob& blob, const std::string& why) {
  throw Error(ErrorKind::kCorrupt,
              "blob " + digest_named(blob) + " from " + blob.where + " is corrupt: " + why);
}

// Streams an answer's body to `sink`, dropping its first `skip` bytes (given before).
bool read_body(BlockingConnection& connection, http::response_parser<http::buffer_body>& parser,
               std::uint64_t skip, const RemoteBlob& blob, std::uint64_t max_size,
               FetchProgress& progress,
               const std::function<bool(std::span<const std::byte>)>& sink) {
  const std::string longer = "it is longer than " + std::to_string(max_size) + " bytes";
  // progress.offset never passes max_size, so the subtractions cannot wrap.
  if (const auto length = parser.content_length();
      length && *length > skip && *length - skip > max_size - progress.offset)
    corrupt(blob, longer);
  std::vector<std::byte> piece(kPiece);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    connection.run(connection->read_body(parser));
    std::span<const std::byte> bytes(piece.data(), piece.size() - parser.get().body().size);
    const auto dropped = static_cast<std::size_t>(std::min<std::uint64_t>(skip, bytes.size()));
    skip -= dropped;
    bytes = bytes.subspan(dropped);
    if (bytes.size() > max_size - progress.offset) corrupt(blob, longer);
    if (bytes.empty()) continue;
    progress.hash.update(bytes);
    progress.offset += bytes.size();
    if (!sink(bytes)) return false;
  }
  if (skip > 0) corrupt(blob, "read again, it ended before the bytes read the first time");
  return true;
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
}  // namespace

std::string digest_named(const RemoteBlob& blob) {
  return blob.url.target.substr(blob.url.target.rfind('/') + 1);
}

bool fetch_rest(const RemoteBlob& blob, const std::string& authorization, std::uint64_t max_size,
                FetchProgress& progress,
                const std::function<bool(std::span<const std::byte>)>& sink) {
  Url url = blob.url;
  for (int redirects = 0;; ++redirects) {
    BlockingConnection connection(url.origin, *blob.tls, blob.timeouts);
    http::request<http::string_body> get{http::verb::get, url.target, 11};
    get.set(http::field::host, url.origin.host_header());
    get.set(http::field::user_agent, "layerpush/0.1");
    // The registry's credentials go to the registry alone, never to storage it redirects to.
    const bool registry = url.origin == blob.url.origin;
    if (!authorization.empty() && registry) get.set(http::field::authorization, authorization);
    // Storage that a registry redirects to (S3, GCS) takes ranges too.
    const bool ranged = progress.offset > 0 && progress.use_ranges;
    if (ranged) get.set(http::field::range, range_from(progress.offset));
    connection.run(connection->write(get));
    http::response_parser<http::buffer_body> parser;
    connection.run(connection->read_header(parser));
    const auto& response = parser.get();
    const unsigned status = response.result_int();
    const auto location = response.find(http::field::location);
    if (is_redirect(status) && location != response.end() && redirects < kMaxRedirects) {
      url = resolve_location(url, location->value());
      continue;  // a fresh connection: storage is usually another host
    }
    const std::string answer = url.origin.host_header() + " answered " +
                               describe_error_response(status, response.reason(), "");
    std::optional<std::uint64_t> skip;
    if (status == 200 || ranged)
      skip = bytes_to_skip(progress.offset, status, response[http::field::content_range]);
    if (skip) return read_body(connection, parser, *skip, blob, max_size, progress, sink);
    if (status == 206) {
      // Not the range asked for: ask for the whole blob next time and drop what we have.
      progress.use_ranges = false;
      throw Error(
          ErrorKind::kRegistry,
          answer + " with Content-Range \"" + std::string(response[http::field::content_range]) +
              "\" to " +
              (ranged ? "Range: " + range_from(progress.offset) : "a request without Range"),
          Recovery::kRetry);
    }
    if (status == 401 && registry)
      throw Error(ErrorKind::kRegistry, answer, Recovery::kReauthenticate);
    if (!is_transient_status(status)) throw Error(ErrorKind::kRegistry, answer, Recovery::kNone);
    std::optional<std::chrono::milliseconds> retry_after;
    if (const auto it = response.find(http::field::retry_after); it != response.end())
      retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
    throw Error(ErrorKind::kRegistry, answer, Recovery::kRetry, retry_after);
  }
}

}  // namespace layerpush::engine
