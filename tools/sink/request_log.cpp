#include "tools/sink/request_log.h"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace layerpush::sink {

using Json = nlohmann::ordered_json;  // fields in the order a reader scans them

RequestLog::RequestLog(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  if (!file_) throw std::runtime_error("cannot open log " + path + ": " + std::strerror(errno));
}

RequestLog::~RequestLog() { std::fclose(file_); }

void RequestLog::write(const LogEntry& entry) {
  const Json line = {{"method", entry.method},
                     {"target", entry.target},
                     {"status", entry.status ? Json(*entry.status) : Json()},
                     {"body_bytes", entry.body_bytes}};
  // A target is whatever a client sent; replace invalid UTF-8 rather than throw mid-session.
  const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), file_);
  std::fflush(file_);  // each line complete on disk at once, for readers while we run
}

}  // namespace layerpush::sink
