// A layerpush-faultproxy for tests: the built proxy program started in front of a registry
// (usually a LocalRegistry) with a test's rules, on a free loopback port, and stopped on
// destruction. Its request log is read back as ProxiedRequest values. The rules and the log
// format are described in tools/faultproxy/rules.h and request_log.h. A proxy that cannot start
// makes the test fail; it never skips. One object belongs to one test thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layerpush::testing {

// One line of the proxy's request log, written when the exchange ended.
struct ProxiedRequest {
  int listener = 0;  // 0, or 1 for the second listener
  int connection = 0;      // the client connection it came on, numbered in accept order
  bool pipelined = false;  // sent before the answer to the request ahead of it on its connection
  std::string method;
  std::string target;
  std::optional<int> status;  // unset when no response went out (reset, client gone)
  bool authorization = false;
  std::optional<std::uint64_t> content_length;
  std::uint64_t body_bytes = 0;
  std::uint64_t response_bytes = 0;  // response body bytes relayed (forwarded requests only)
  std::optional<std::string> range;  // the request's Range header, if any
  std::optional<int> rule;  // index of the rule that applied
  std::string action;  // "forward", "respond", "reset", "reset_response", "stall", "redirect", ...
};

class FaultProxy {
 public:
  struct Options {
    bool second_listener = false;  // a second port, the target of "redirect" rules
    int latency_ms = 0;            // every byte from the client arrives this much later
  };
  // Starts the proxy in front of `upstream_host_port` ("127.0.0.1:PORT") and waits for its port
  // file. Throws std::runtime_error with the proxy's stderr if it is not up within 10 s (bad
  // rules are reported that way too).
  static std::unique_ptr<FaultProxy> start(std::string upstream_host_port, nlohmann::json rules,
                                           Options options);
  static std::unique_ptr<FaultProxy> start(std::string upstream_host_port, nlohmann::json rules) {
    return start(std::move(upstream_host_port), std::move(rules), Options{});
  }
  ~FaultProxy();  // SIGTERM, then waits for it (SIGKILL after 5 s)

  std::string host() const;         // "127.0.0.1:PORT"
  std::string second_host() const;  // the second listener's; throws if there is none
  std::filesystem::path log_file() const { return root_ / "log.jsonl"; }
  std::string log_text() const;
  std::string stderr_text() const;

  // The logged requests in the order their exchanges ended. The proxy logs just after the last
  // response byte went out, so a client may finish first: with `at_least`, waits up to 5 s
  // for that many lines.
  std::vector<ProxiedRequest> requests(std::size_t at_least = 0) const;
  // Logged requests whose method equals `method` and whose target contains `target_part`.
  int count(std::string_view method, std::string_view target_part) const;

 private:
  FaultProxy() = default;
  std::filesystem::path root_;  // rules, log, port file and stderr live here
  std::uint16_t port_ = 0;
  std::uint16_t second_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace layerpush::testing
