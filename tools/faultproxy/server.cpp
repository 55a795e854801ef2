#include "tools/faultproxy/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tools/faultproxy/listener.h"
#include "tools/server_core/listener.h"

namespace layerpush::faultproxy {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

tcp::endpoint resolve(asio::io_context& ioc, const std::string& host_port, const char* what) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument(std::string(what) + " must be HOST:PORT, not " + host_port);
  tcp::resolver resolver(ioc);
  // Start-up only, before any connection exists: a blocking resolve is fine here.
  const auto results = resolver.resolve(host_port.substr(0, colon), host_port.substr(colon + 1));
  return results.begin()->endpoint();
}

std::vector<Rule> read_rules(const std::string& path, int listeners) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read rules file " + path);
  auto rules = parse_rules(nlohmann::json::parse(in));
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (const auto* r = std::get_if<Redirect>(&rules[i].action); r && r->to_listener >= listeners)
      throw std::invalid_argument("rule " + std::to_string(i) +
                                  ": redirect to listener 1 needs --second-listener");
  return rules;
}

// Written whole under another name, then renamed: a test waiting for the file never reads half.
void write_port_file(const std::string& path, const std::vector<std::string>& ports) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (std::size_t i = 0; i < ports.size(); ++i) out << (i ? " " : "") << ports[i];
    out << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

void run_proxy(const Options& options) {
  server_core::ignore_sigpipe();
  asio::io_context ioc(1);
  const int listeners = options.second_listener ? 2 : 1;
  Proxy proxy{resolve(ioc, options.upstream, "--upstream"),
              options.upstream,
              {},
              std::chrono::milliseconds(options.latency_ms),
              RuleBook(read_rules(options.rules_file, listeners)),
              RequestLog(options.log_file)};

  const tcp::endpoint listen = resolve(ioc, options.listen, "--listen");
  std::vector<tcp::acceptor> acceptors;
  acceptors.reserve(2);  // the accept loops hold references: no reallocation after this
  acceptors.push_back(server_core::open_listener(ioc, listen));
  if (options.second_listener)
    acceptors.push_back(server_core::open_listener(ioc, tcp::endpoint(listen.address(), 0)));
  std::vector<std::string> ports;
  for (const auto& acceptor : acceptors) {
    const auto local = acceptor.local_endpoint();
    ports.push_back(std::to_string(local.port()));
    proxy.listener_hosts.push_back(local.address().to_string() + ":" + ports.back());
  }

  for (int i = 0; i < listeners; ++i)
    asio::co_spawn(ioc, accept_connections(acceptors[static_cast<std::size_t>(i)], proxy, i),
                   [&ioc](std::exception_ptr failure) {
                     if (!failure) return;
                     server_core::report_failure("layerpush-faultproxy", "listener", failure);
                     ioc.stop();
                   });
  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  signals.async_wait([&ioc](const boost::system::error_code&, int) { ioc.stop(); });
  write_port_file(options.port_file, ports);
  ioc.run();
}

}  // namespace layerpush::faultproxy
