// The server core that the sink and the fault proxy share (tools/server_core): the JSON-lines
// request log, the listener with its accept loop on one thread or on strands, reading a request
// header (its limit, Expect: 100-continue) and the graceful close.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tools/server_core/client_connection.h"
#include "tools/server_core/listener.h"
#include "tools/server_core/request_log.h"

namespace layerpush::testing {

// A record for the log template, in its own namespace as a program's LogEntry is.
struct CoreLogEntry {
  std::string target;
  int status = 0;
};
nlohmann::ordered_json log_line(const CoreLogEntry& entry) {
  return {{"target", entry.target}, {"status", entry.status}};
}

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ServerCoreTest, RequestLogAppendsCompleteLinesInFieldOrder) {
  TempDir dir;
  const auto path = dir.path() / "log.jsonl";
  {
    std::ofstream(path) << "{\"earlier\":true}\n";
    server_core::RequestLog<CoreLogEntry> log(path.string());
    log.write({"/v2/", 200});
    // Read while the log is open: each line is on disk as soon as it is written.
    EXPECT_EQ(lines_of(path).size(), 2u);
    log.write({"/v2/\xff", 404});  // not UTF-8: replaced, never thrown
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"earlier\":true}");
  EXPECT_EQ(lines[1], "{\"target\":\"/v2/\",\"status\":200}");
  EXPECT_EQ(lines[2], "{\"target\":\"/v2/\xEF\xBF\xBD\",\"status\":404}");
}

TEST(ServerCoreTest, RequestLogThatCannotBeOpenedThrows) {
  TempDir dir;
  const auto path = (dir.path() / "missing" / "log.jsonl").string();
  try {
    server_core::RequestLog<CoreLogEntry> log(path);
    FAIL() << "opened " << path;
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot open log " + path + ": ", 0), 0u) << e.what();
  }
}

// Answers each request with 200 and its Expect: 100-continue as a header, until the client
// closes or sends a header over the limit (then 431), then closes gracefully.
asio::awaitable<void> answer(tcp::socket socket, std::atomic<int>& served) {
  ++served;
  boost::beast::tcp_stream stream(std::move(socket));
  boost::beast::flat_buffer buffer;
  buffer.reserve(server_core::kReadBufferSize);
  for (;;) {
    server_core::RequestParser parser;
    boost::beast::error_code ec;
    co_await server_core::async_read_request_header(stream, buffer, parser,
                                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec && ec != http::error::header_limit) break;
    http::response<http::string_body> reply{
        ec ? http::status::request_header_fields_too_large : http::status::ok, 11};
    reply.set("X-Expects-Continue", server_core::expects_continue(parser) ? "yes" : "no");
    reply.keep_alive(!ec);
    reply.prepare_payload();
    co_await http::async_write(stream, reply, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !reply.keep_alive()) break;
  }
  std::vector<char> scratch(4096);
  co_await server_core::close_gracefully(stream, asio::buffer(scratch));
}

// Sends `request` on a new connection to `port` and returns everything the server sent until
// it closed.
std::string talk_to(std::uint16_t port, const std::string& request) {
  asio::io_context context;
  tcp::socket socket(context);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  socket.shutdown(tcp::socket::shutdown_send);
  std::string got;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(got), ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  return got;
}

TEST(ServerCoreTest, ListenerServesConnectionsOnStrandsUntilClosed) {
  server_core::ignore_sigpipe();
  asio::io_context context;
  tcp::acceptor acceptor =
      server_core::open_listener(context, {asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = acceptor.local_endpoint().port();
  ASSERT_NE(port, 0);
  std::atomic<int> served{0};
  asio::co_spawn(context,
                 server_core::accept_connections(
                     acceptor, server_core::ConnectionExecutor::kOwnStrand,
                     [&served](tcp::socket socket) { return answer(std::move(socket), served); },
                     "server-core-test"),
                 asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&context] { context.run(); });

  // Two requests on one connection, the second with a body it waits to send.
  const std::string two = talk_to(port,
                                  "GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "PUT /v2/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                  "Expect: 100-continue\r\nConnection: close\r\n\r\n");
  EXPECT_NE(two.find("X-Expects-Continue: no"), std::string::npos) << two;
  EXPECT_NE(two.find("X-Expects-Continue: yes"), std::string::npos) << two;
  // A header over the 64 KiB limit is refused.
  const std::string big = talk_to(
      port, "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 431", 0), 0u) << big.substr(0, 100);
  EXPECT_EQ(served.load(), 2);

  asio::post(acceptor.get_executor(), [&acceptor] { acceptor.close(); });  // the loop ends
  for (auto& thread : threads) thread.join();  // nothing left to do: run() returns
}

}  // namespace
}  // namespace layerpush::testing
