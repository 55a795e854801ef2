// Listening for HTTP clients, as the sink and the fault proxy do: the listening socket, the
// accept loop that gives each connection its own coroutine, and the report of a coroutine that
// ended by an exception. The loop runs on its acceptor's executor and, like the acceptor, must
// not be used from two threads at once; connections run wherever ConnectionExecutor says.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <functional>
#include <string_view>

namespace layerpush::server_core {

// Asio sends with MSG_NOSIGNAL, but a write to a client that reset must never kill the server:
// SIGPIPE is ignored process-wide. Call before serving.
void ignore_sigpipe();

// A socket listening on `endpoint` (port 0: a free one, which local_endpoint() then tells), with
// SO_REUSEADDR and the system's largest backlog. Throws boost::system::system_error.
boost::asio::ip::tcp::acceptor open_listener(boost::asio::io_context& context,
                                             const boost::asio::ip::tcp::endpoint& endpoint);

// Where each accepted connection's coroutine runs.
enum class ConnectionExecutor {
  kAcceptors,  // the acceptor's executor: enough when one thread runs the io_context
  kOwnStrand,  // a strand of its own: with several threads its operations never overlap
};

// Serves one accepted connection (TCP_NODELAY set) until it ends. Called on the accept loop's
// thread; the coroutine it returns is spawned on the connection's executor.
using ServeConnection =
    std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket socket)>;

// Accepts connections on `acceptor`, whose executor belongs to an io_context, until the acceptor
// is closed or the io_context stops, and spawns `serve(socket)` for each. A failed accept (out of
// descriptors, say) is reported on stderr as "PROGRAM: accept: WHY" and retried after a pause; a
// connection whose coroutine throws, as "PROGRAM: connection failed: WHAT". `program` must
// outlive the loop (a string literal).
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                ConnectionExecutor where, ServeConnection serve,
                                                std::string_view program);

// For co_spawn's completion: if `failure` holds a std::exception, prints
// "PROGRAM: WHAT failed: MESSAGE" on stderr. Safe from any thread (one line per call).
void report_failure(std::string_view program, std::string_view what, std::exception_ptr failure);

}  // namespace layerpush::server_core
