// Accepting client connections on one of the fault proxy's listening sockets (server_core's
// accept loop): each connection gets its own ProxySession coroutine, behind a delay line with
// --latency-ms, on the acceptor's executor (one thread for all).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tools/faultproxy/proxy.h"

namespace layerpush::faultproxy {

// Runs until the acceptor is closed or the io_context stops.
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                Proxy& proxy, int listener);

}  // namespace layerpush::faultproxy
