#include "tools/server_core/request_log.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace layerpush::server_core {

using Json = nlohmann::ordered_json;

JsonLinesFile::JsonLinesFile(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  if (!file_) throw std::runtime_error("cannot open log " + path + ": " + std::strerror(errno));
}

JsonLinesFile::~JsonLinesFile() { std::fclose(file_); }

void JsonLinesFile::write(const Json& line) {
  // A target is whatever a client sent; replace invalid UTF-8 rather than throw mid-session.
  const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), file_);
  // Tests read the log while the server runs: each line must be complete on disk at once.
  std::fflush(file_);
}

}  // namespace layerpush::server_core
