// --latency-ms the way a network adds it: every byte the client sends reaches the proxy's
// session that much later, at the rate it was sent. Requests sent back to back (pipelined) arrive
// back to back, a body streams behind its header, and the answers go back at once; a client
// that waits for each answer pays the delay once per request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>

namespace layerpush::faultproxy {

// Puts a delay line between `client` and the returned socket, which the session then uses as
// its client: a loopback connection whose far end two coroutines feed, the client's bytes after
// `latency`, the session's straight back. A close or a reset on either side is passed on, a
// client's after the bytes it sent before it.
boost::asio::awaitable<boost::asio::ip::tcp::socket> delay_line(boost::asio::ip::tcp::socket client,
                                                                std::chrono::milliseconds latency);

}  // namespace layerpush::faultproxy
