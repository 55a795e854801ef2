#include "tests/support/curl.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/process.h"

namespace layerpush::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The dump holds every response header block (100 Continue, redirects, the final one), each
// starting with a status line: keep the last final one.
void parse_headers(const std::string& dump, CurlReply& reply) {
  std::istringstream lines(dump);
  std::string line;
  int status = 0;
  std::map<std::string, std::string> headers;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("HTTP/")) {
      status = std::stoi(line.substr(line.find(' ') + 1, 3));
      headers.clear();
    } else if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    } else if (line.empty() && status >= 200) {
      reply.status = status;
      reply.headers = headers;
    }
  }
}

}  // namespace

std::string CurlReply::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

CurlReply curl(const std::vector<std::string>& args, int timeout_s) {
  TempDir dir("layerpush-curl");
  std::vector<std::string> argv = {"curl", "-sS",
                                   "-D",   (dir.path() / "headers").string(),
                                   "-o",   (dir.path() / "body").string(),
                                   "-w",   "%{time_total}"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv, std::nullopt, {}, timeout_s);
  CurlReply reply;
  reply.exit_code = result.exit_code;
  reply.err = result.err;
  if (!result.out.empty()) reply.seconds = std::stod(result.out);
  parse_headers(read_file(dir.path() / "headers"), reply);
  reply.body = read_file(dir.path() / "body");
  return reply;
}

Blob random_blob(const std::filesystem::path& file, std::size_t size) {
  std::string bytes(size, '\0');
  std::mt19937_64 random(std::random_device{}());
  for (auto& c : bytes) c = static_cast<char>(random());
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
  // OpenSSL rather than hashing/: the support library stays free of the project's libraries.
  unsigned char digest[32];
  EVP_Digest(bytes.data(), bytes.size(), digest, nullptr, EVP_sha256(), nullptr);
  std::string hex = "sha256:";
  for (unsigned char b : digest) {
    hex += "0123456789abcdef"[b >> 4];
    hex += "0123456789abcdef"[b & 15];
  }
  return Blob{file, hex, size};
}

}  // namespace layerpush::testing
