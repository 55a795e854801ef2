// Starting and stopping layerpush-faultproxy for FaultProxy, as registry.cpp does for
// docker-registry. Ready means: the port file exists (the proxy writes it whole, by rename,
// once its listeners are open).
#include "tests/support/fault_proxy.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/spawn_util.h"

namespace layerpush::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kLogWait = std::chrono::seconds(5);

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int> optional_int(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<int>();
}

std::vector<ProxiedRequest> parse_log(const std::string& text) {
  std::vector<ProxiedRequest> requests;
  std::istringstream lines(text);
  std::string line;
  // A last line without its newline is still being written: leave it for the next call.
  while (std::getline(lines, line) && !lines.eof()) {
    const auto j = nlohmann::json::parse(line);
    ProxiedRequest r;
    r.listener = j.at("listener");
    r.connection = j.at("connection");
    r.pipelined = j.at("pipelined");
    r.method = j.at("method");
    r.target = j.at("target");
    r.status = optional_int(j.at("status"));
    r.authorization = j.at("authorization");
    if (!j.at("content_length").is_null())
      r.content_length = j["content_length"].get<std::uint64_t>();
    r.body_bytes = j.at("body_bytes");
    r.response_bytes = j.at("response_bytes");
    if (!j.at("range").is_null()) r.range = j["range"].get<std::string>();
    r.rule = optional_int(j.at("rule"));
    r.action = j.at("action");
    requests.push_back(std::move(r));
  }
  return requests;
}

}  // namespace

std::unique_ptr<FaultProxy> FaultProxy::start(std::string upstream_host_port, nlohmann::json rules,
                                              Options options) {
  std::unique_ptr<FaultProxy> proxy(new FaultProxy());
  std::string root = "/tmp/layerpush-faultproxy-XXXXXX";
  if (!::mkdtemp(root.data())) throw std::runtime_error("mkdtemp failed for " + root);
  proxy->root_ = root;
  std::ofstream(proxy->root_ / "rules.json") << rules.dump(2) << "\n";

  const auto port_file = proxy->root_ / "port";
  std::vector<std::string> argv = {built_program("layerpush-faultproxy").string(),
                                   "--upstream",
                                   upstream_host_port,
                                   "--rules",
                                   (proxy->root_ / "rules.json").string(),
                                   "--log",
                                   proxy->log_file().string(),
                                   "--port-file",
                                   port_file.string(),
                                   "--latency-ms",
                                   std::to_string(options.latency_ms)};
  if (options.second_listener) argv.push_back("--second-listener");
  SpawnActions actions;
  actions.open(0, "/dev/null", O_RDONLY);
  actions.open(1, (proxy->root_ / "stderr.log").string(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  actions.dup2(1, 2);
  SpawnAttributes attributes(/*own_process_group=*/false);
  if (int rc = spawn_program(argv, environment_with({}), actions, attributes, proxy->pid_); rc) {
    proxy->pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] +
                             " (build the layerpush-faultproxy target): " + strerror(rc));
  }

  const auto deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(proxy->pid_, &status, WNOHANG) == proxy->pid_) {
      proxy->pid_ = -1;
      throw std::runtime_error("layerpush-faultproxy exited at start: " + proxy->stderr_text());
    }
    if (std::filesystem::exists(port_file)) {
      std::istringstream ports(read_file(port_file));
      int first = 0, second = 0;
      ports >> first >> second;
      proxy->port_ = static_cast<std::uint16_t>(first);
      proxy->second_port_ = static_cast<std::uint16_t>(second);
      return proxy;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("layerpush-faultproxy did not start in 10 s: " + proxy->stderr_text());
}

FaultProxy::~FaultProxy() {
  if (pid_ > 0) stop_and_reap(pid_);
  // A destructor must not throw; a folder left behind in /tmp is harmless.
  std::error_code ignored;
  if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
}

std::string FaultProxy::host() const { return "127.0.0.1:" + std::to_string(port_); }

std::string FaultProxy::second_host() const {
  if (second_port_ == 0) throw std::logic_error("FaultProxy started without second_listener");
  return "127.0.0.1:" + std::to_string(second_port_);
}

std::string FaultProxy::log_text() const { return read_file(log_file()); }
std::string FaultProxy::stderr_text() const { return read_file(root_ / "stderr.log"); }

std::vector<ProxiedRequest> FaultProxy::requests(std::size_t at_least) const {
  const auto deadline = Clock::now() + kLogWait;
  for (;;) {
    auto requests = parse_log(log_text());
    if (requests.size() >= at_least || Clock::now() >= deadline) return requests;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int FaultProxy::count(std::string_view method, std::string_view target_part) const {
  int n = 0;
  for (const auto& r : requests())
    if (r.method == method && r.target.find(target_part) != std::string::npos) ++n;
  return n;
}

}  // namespace layerpush::testing
