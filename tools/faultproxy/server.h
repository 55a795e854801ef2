// Running the fault proxy: resolve the registry, read the rules, open the listeners, announce
// their ports in the port file, and serve on this thread until SIGTERM or SIGINT.
#pragma once

#include <string>

namespace layerpush::faultproxy {

struct Options {
  std::string upstream;  // registry HOST:PORT, plain HTTP
  std::string listen = "127.0.0.1:0";
  bool second_listener = false;  // a second port to the same registry, the redirect target
  std::string rules_file;        // JSON array of rules (rules.h)
  std::string log_file;          // JSON lines, one per request (request_log.h)
  std::string port_file;         // gets "PORT\n" or "PORT SECOND_PORT\n" once listening
  int latency_ms = 0;            // every byte from the client arrives this much later
};

// Returns when stopped by a signal; throws std::exception on bad options or start-up failure.
void run_proxy(const Options& options);

}  // namespace layerpush::faultproxy
