// The fault proxy's request log: one JSON object per line, appended and flushed as soon as a
// request's exchange ends, so a test can read it while the proxy runs (the file is
// server_core's). It records whether an Authorization header was present, never its value.
// Thread-safe, though the proxy writes it from its one io_context thread only.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tools/server_core/request_log.h"

namespace layerpush::faultproxy {

struct LogEntry {
  int listener = 0;
  int connection = 0;  // the client connection's number, counted from 0 in accept order
  // The request's header had come in before the exchange ahead of it on its connection ended:
  // the client sent it without waiting for that answer (HTTP/1.1 pipelining).
  bool pipelined = false;
  std::string method;
  std::string target;
  std::optional<int> status;  // what the client was sent; unset if no response went out
  bool authorization = false;
  std::optional<std::uint64_t> content_length;  // unset for chunked or absent bodies
  std::uint64_t body_bytes = 0;                 // request body bytes received from the client
  std::uint64_t response_bytes = 0;  // response body bytes relayed to the client (forwards only)
  std::optional<std::string> range;  // the request's Range header (resumed downloads)
  std::optional<int> rule;
  // "forward", a rule's action name when its effect happened ("respond", "reset", "stall",
  // "redirect", "rewrite_status", "max_body", "min_chunk", "reset_response"), or what went wrong:
  // "client_closed" (the client left mid-exchange), "upstream_error" (the registry could not be
  // reached or broke off).
  std::string action = "forward";
};

// `entry` as its log line: the fields above, in that order.
nlohmann::ordered_json log_line(const LogEntry& entry);

using RequestLog = server_core::RequestLog<LogEntry>;

}  // namespace layerpush::faultproxy
