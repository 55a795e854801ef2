// A server's request log: one JSON object per line, appended and flushed as soon as a request's
// exchange ends, so a test can read it while the server runs. What a line says is the program's
// own (its LogEntry and log_line()); the file, the line format and the flushing are shared here.
// Thread-safe: connections on several threads write whole lines under a mutex.
#pragma once

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace layerpush::server_core {

// The file: lines go out whole, in the order they were written.
class JsonLinesFile {
 public:
  // Opens `path` for appending; throws std::runtime_error if it cannot.
  explicit JsonLinesFile(const std::string& path);
  ~JsonLinesFile();
  JsonLinesFile(const JsonLinesFile&) = delete;
  JsonLinesFile& operator=(const JsonLinesFile&) = delete;

  // `line` compact, invalid UTF-8 in its strings replaced, then "\n", then flushed.
  void write(const nlohmann::ordered_json& line);

 private:
  std::mutex mutex_;
  std::FILE* file_;  // GUARDED_BY(mutex_) for writes
};

// A log of `Entry` records. The program says how one reads as a line, by a function beside its
// Entry (found by argument-dependent lookup):
//   nlohmann::ordered_json log_line(const Entry& entry);
template <typename Entry>
class RequestLog {
 public:
  // Opens `path` for appending; throws std::runtime_error if it cannot.
  explicit RequestLog(const std::string& path) : file_(path) {}

  void write(const Entry& entry) { file_.write(log_line(entry)); }

 private:
  JsonLinesFile file_;
};

}  // namespace layerpush::server_core
