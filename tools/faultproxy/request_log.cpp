#include "tools/faultproxy/request_log.h"

namespace layerpush::faultproxy {

// Fields in the order a reader scans them, not sorted.
using Json = nlohmann::ordered_json;

Json log_line(const LogEntry& entry) {
  return {
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
}

}  // namespace layerpush::faultproxy
