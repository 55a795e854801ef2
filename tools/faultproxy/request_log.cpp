#include "tools/faultproxy/request_log.h"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace layerpush::faultproxy {

// Fields in the order a reader scans them, not sorted.
using Json = nlohmann::ordered_json;

RequestLog::RequestLog(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  if (!file_) throw std::runtime_error("cannot open log " + path + ": " + std::strerror(errno));
}

RequestLog::~RequestLog() { std::fclose(file_); }

void RequestLog::write(const LogEntry& entry) {
  const Json line = {
      {"listener", entry.listener},
      {"connection", entry.connection},
      {"pipelined", entry.pipelined},
      {"method", entry.method},
      {"target", entry.target},
      {"status", entry.status ? Json(*entry.status) : Json()},
      {"authorization", entry.authorization},
      {"content_length", entry.content_length ? Json(*entry.content_length) : Json()},
      {"body_bytes", entry.body_bytes},
      {"response_bytes", entry.response_bytes},
      {"range", entry.range ? Json(*entry.range) : Json()},
      {"rule", entry.rule ? Json(*entry.rule) : Json()},
      {"action", entry.action},
  };
  // A target is whatever a client sent; replace invalid UTF-8 rather than throw mid-session.
  const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  std::fputs(text.c_str(), file_);
  // Tests read the log while the proxy runs: each line must be complete on disk at once.
  std::fflush(file_);
}

}  // namespace layerpush::faultproxy
