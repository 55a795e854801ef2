// What every connection of the fault proxy shares: where the registry is, the listeners'
// addresses, the rules with their counters, and the request log. Owned by main(); sessions hold
// a reference. Not thread-safe, and need not be: all sessions run on one io_context thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tools/faultproxy/request_log.h"
#include "tools/faultproxy/rules.h"

namespace layerpush::faultproxy {

// Per read or write on either side: a peer silent for this long is taken as gone.
constexpr auto kIoTimeout = std::chrono::minutes(5);

struct Proxy {
  boost::asio::ip::tcp::endpoint upstream;
  std::string upstream_host;                // "127.0.0.1:PORT", as Location headers carry it
  std::vector<std::string> listener_hosts;  // "127.0.0.1:PORT" of listener 0 and 1
  std::chrono::milliseconds latency{0};     // every byte from the client arrives this much later
  RuleBook rules;
  RequestLog log;
  int connections = 0;  // accepted so far; numbers them in the log
};

}  // namespace layerpush::faultproxy
