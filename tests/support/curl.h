// HTTP requests from tests through the curl program (so the server under test meets a client
// that is not ours), and random blobs to send. Safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace layerpush::testing {

struct CurlReply {
  int exit_code = -1;  // curl's: 0, or e.g. 56 when the connection was reset
  int status = 0;      // of the last final (non-1xx) response; 0 if none arrived
  std::map<std::string, std::string> headers;  // of that response, names in lower case
  std::string body;
  std::string err;
  double seconds = 0;                                            // curl's time_total
  std::string header(const std::string& lower_case_name) const;  // "" if absent
};

// Runs `curl -sS ARGS...` for one URL (ARGS hold the method, headers, data and the URL).
CurlReply curl(const std::vector<std::string>& args, int timeout_s = 60);

struct Blob {
  std::filesystem::path file;
  std::string digest;  // "sha256:…"
  std::uint64_t size = 0;
};
// Writes `size` random bytes to `file`.
Blob random_blob(const std::filesystem::path& file, std::size_t size);

}  // namespace layerpush::testing
