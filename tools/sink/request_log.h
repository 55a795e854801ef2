// The sink registry's optional request log (layerpush-sink --log): one JSON object per line,
// {"method","target","status","body_bytes"}, appended and flushed as each exchange ends, so a
// test can read it while the sink runs (the file is server_core's). Off by default: a benchmark
// should not pay for it. Thread-safe: connections on several threads write whole lines.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tools/server_core/request_log.h"

namespace layerpush::sink {

struct LogEntry {
  std::string method;
  std::string target;
  std::optional<int> status;     // unset if no reply went out (the client left mid-body)
  std::uint64_t body_bytes = 0;  // request body bytes read
};

// `entry` as its log line: the fields above, in that order.
nlohmann::ordered_json log_line(const LogEntry& entry);

using RequestLog = server_core::RequestLog<LogEntry>;

}  // namespace layerpush::sink
