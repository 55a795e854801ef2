// layerpush-sink: the sink registry (tools/sink/sink_server.h) as a program. Prints the bound
// HOST:PORT on one line once listening, serves until SIGTERM or SIGINT, then prints its
// counters as one JSON line. With --log, every request is also logged as a JSON line.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/sink/sink_server.h"

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int threads = 1;
  std::string log_file;
  CLI::App app{"Sink registry: accepts pushes, verifies every blob's digest, keeps no data."};
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one");
  app.add_option("--threads", threads, "threads serving connections (hashing scales with them)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--log", log_file, "JSON-lines request log (appended); off by default");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw std::invalid_argument("--listen must be HOST:PORT, not " + listen);
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");

    // Blocked before the server's threads exist, so they inherit the mask and only sigwait
    // below sees the signals.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    layerpush::sink::SinkServer server;
    if (!log_file.empty()) server.log_requests_to(log_file);
    server.start(host, static_cast<std::uint16_t>(port), threads);
    std::cout << server.address() << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
    const auto c = server.counters();
    const nlohmann::ordered_json summary = {{"requests", c.requests},
                                            {"blobs", c.blobs},
                                            {"bytes_received", c.bytes_received},
                                            {"digest_failures", c.digest_failures},
                                            {"manifests", c.manifests}};
    std::cout << summary.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "layerpush-sink: " << e.what() << std::endl;
    return 2;
  }
}
