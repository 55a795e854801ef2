#include "tools/sink/request_log.h"

namespace layerpush::sink {

using Json = nlohmann::ordered_json;  // fields in the order a reader scans them

Json log_line(const LogEntry& entry) {
  return {{"method", entry.method},
          {"target", entry.target},
          {"status", entry.status ? Json(*entry.status) : Json()},
          {"body_bytes", entry.body_bytes}};
}

}  // namespace layerpush::sink
