// The sink registry's optional request log (layerpush-sink --log): one JSON object per line,
// {"method","target","status","body_bytes"}, appended and flushed as each exchange ends, so a
// test can read it while the sink runs. Off by default: a benchmark should not pay for it.
// Thread-safe: connections on several threads write whole lines under a mutex.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace layerpush::sink {

struct LogEntry {
  std::string method;
  std::string target;
  std::optional<int> status;     // unset if no reply went out (the client left mid-body)
  std::uint64_t body_bytes = 0;  // request body bytes read
};

class RequestLog {
 public:
  // Opens `path` for appending; throws std::runtime_error if it cannot.
  explicit RequestLog(const std::string& path);
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  void write(const LogEntry& entry);

 private:
  std::mutex mutex_;
  std::FILE* file_;  // GUARDED_BY(mutex_) for writes
};

}  // namespace layerpush::sink
