// An embedded "sink" registry: a small HTTP/1.1 server implementing the push endpoints of the
// OCI distribution API that verifies every blob's SHA-256 and size and keeps no blob data, so
// that a benchmark measures a client's ceiling without a registry's storage cost. Used in-process
// (by `layerpush bench` and tests) and as the program layerpush-sink.
//
// Thread-safety: start(), stop() and the destructor from the owner's thread; port(), address()
// and counters() from any thread between start() and stop(), and from the owner's after. The
// server runs its own threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tools/sink/counters.h"

namespace layerpush::sink {

class SinkServer {
 public:
  SinkServer();
  ~SinkServer();  // stops if running
  SinkServer(const SinkServer&) = delete;
  SinkServer& operator=(const SinkServer&) = delete;

  // Binds `address`:`port` (0: a free port), then serves on `threads` threads (each connection
  // stays on one at a time; more threads let more blobs be hashed at once). Returns once
  // listening. Throws std::exception if it cannot bind, or if called twice.
  void start(const std::string& address = "127.0.0.1", std::uint16_t port = 0, int threads = 1);
  // Before start(): log every request to `path` as JSON lines (request_log.h). Throws
  // std::runtime_error if the file cannot be opened.
  void log_requests_to(const std::string& path);
  // Closes the listener and every connection and joins the threads; counters() and address()
  // keep their last values. Idempotent.
  void stop();

  std::uint16_t port() const;
  std::string address() const;  // "127.0.0.1:PORT" ("[::1]:PORT" for IPv6)
  Counters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // while running
  std::string log_path_;
  Counters final_counters_;  // once stopped
  std::string address_;
  std::uint16_t port_ = 0;
};

}  // namespace layerpush::sink
