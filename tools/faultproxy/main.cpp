// layerpush-faultproxy: an HTTP/1.1 proxy between layerpush and a test registry that breaks
// requests on purpose, as a per-test rules file says (tools/faultproxy/rules.h).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "tools/faultproxy/server.h"

int main(int argc, char** argv) {
  layerpush::faultproxy::Options options;
  CLI::App app{"Fault-injecting HTTP/1.1 proxy in front of a test registry."};
  app.add_option("--upstream", options.upstream, "registry HOST:PORT (plain HTTP)")->required();
  app.add_option("--listen", options.listen, "HOST:PORT to listen on; port 0 picks a free one");
  app.add_flag("--second-listener", options.second_listener,
               "also listen on a second free port (listener 1, the redirect target)");
  app.add_option("--rules", options.rules_file, "JSON array of rules")->required();
  app.add_option("--log", options.log_file, "JSON-lines request log (appended)")->required();
  app.add_option("--port-file", options.port_file, "gets the listening port(s) once ready")
      ->required();
  app.add_option("--latency-ms", options.latency_ms,
                 "delay every byte from the client this long, as a network would")
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    layerpush::faultproxy::run_proxy(options);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "layerpush-faultproxy: " << e.what() << std::endl;
    return 2;
  }
}
