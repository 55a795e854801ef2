// Starting and stopping docker-registry for LocalRegistry. Readiness means two things: our own
// process logged "listening on 127.0.0.1:PORT" (so a 200 cannot come from another test's
// registry that took the port first), and GET /v2/ answers 200.
#include "tests/support/registry.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "tests/support/loopback.h"
#include "tests/support/spawn_util.h"

namespace layerpush::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStartTimeout = std::chrono::seconds(15);
constexpr int kPortAttempts = 5;

std::string random_secret() {
  std::random_device device;
  std::string secret;
  for (int i = 0; i < 32; ++i) secret += "0123456789abcdef"[device() % 16];
  return secret;
}

void write_config(const std::filesystem::path& root, std::uint16_t port,
                  const LocalRegistry::Options& options) {
  std::ofstream config(root / "config.yml");
  // Upload purging is off: it only logs noise in a registry that lives for one test.
  config << "version: 0.1\n"
         << "log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n"
         << "storage:\n  filesystem:\n    rootdirectory: " << (root / "data").string() << "\n"
         << "  delete:\n    enabled: true\n"
         << "  maintenance:\n    uploadpurging:\n      enabled: false\n"
         << "http:\n  addr: 127.0.0.1:" << port << "\n  secret: " << random_secret() << "\n"
         << "  relativeurls: " << (options.relative_urls ? "true" : "false") << "\n";
  if (options.tls)
    config << "  tls:\n    certificate: " << (root / "cert.pem").string()
           << "\n    key: " << (root / "key.pem").string() << "\n";
  if (options.tls && options.require_client_certificate)
    config << "    clientcas:\n      - " << (root / "client-cert.pem").string() << "\n";
  // After the http section: tls above belongs to it, auth is a section of its own.
  if (!options.token_realm.empty())
    config << "auth:\n  token:\n    realm: " << options.token_realm
           << "\n    service: layerpush-test-registry\n    issuer: layerpush-test-issuer"
           << "\n    rootcertbundle: " << options.token_certificate.string() << "\n";
  if (!options.basic_user.empty())
    config << "auth:\n  htpasswd:\n    realm: layerpush-test\n    path: "
           << (root / "htpasswd").string() << "\n";
  if (!config.flush()) throw std::runtime_error("cannot write " + (root / "config.yml").string());
}

// A self-signed P-256 certificate valid for 127.0.0.1 and localhost, for one test's registry.
void make_certificate(const std::filesystem::path& root, const std::string& name,
                      const std::string& subject_alt_names) {
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=layerpush-test -addext subjectAltName=" + subject_alt_names + " -keyout " +
      (root / (name + "key.pem")).string() + " -out " + (root / (name + "cert.pem")).string() +
      " 2>/dev/null";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("openssl could not make a test certificate in " + root.string());
}

std::string log_tail(const std::string& log) {
  constexpr std::size_t kTail = 4000;
  return log.size() <= kTail ? log : "…" + log.substr(log.size() - kTail);
}

}  // namespace

std::unique_ptr<LocalRegistry> LocalRegistry::start(Options options) {
  std::unique_ptr<LocalRegistry> registry(new LocalRegistry());
  std::string root = "/tmp/layerpush-registry-XXXXXX";
  if (!::mkdtemp(root.data())) throw std::runtime_error("mkdtemp failed for " + root);
  registry->root_ = root;
  registry->tls_ = options.tls;
  if (options.tls) make_certificate(registry->root_, "", "IP:127.0.0.1,DNS:localhost");
  if (options.require_client_certificate)
    make_certificate(registry->root_, "client-", "DNS:layerpush-client");
  if (!options.basic_user.empty()) {
    const std::string command = "htpasswd -Bbn '" + options.basic_user + "' '" +
                                options.basic_password + "' > " +
                                (registry->root_ / "htpasswd").string();
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("htpasswd (apache2-utils) could not write a password file");
  }

  const auto deadline = Clock::now() + kStartTimeout;
  for (int attempt = 1;; ++attempt) {
    registry->port_ = free_loopback_port();
    write_config(registry->root_, registry->port_, options);
    SpawnActions actions;
    actions.open(0, "/dev/null", O_RDONLY);
    actions.open(1, (registry->root_ / "registry.log").string(),
                 O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
    actions.dup2(1, 2);
    SpawnAttributes attributes(/*own_process_group=*/false);
    // REGISTRY_* variables would override the config file: keep the caller's out.
    auto env = environment_with({}, "REGISTRY_");
    std::vector<std::string> argv = {"docker-registry", "serve",
                                     (registry->root_ / "config.yml").string()};
    if (int rc = spawn_program(argv, env, actions, attributes, registry->pid_); rc != 0) {
      registry->pid_ = -1;
      throw std::runtime_error("cannot start docker-registry: " + std::string(strerror(rc)));
    }

    const std::string listening = "listening on " + registry->host();
    bool exited = false;
    while (Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(registry->pid_, &status, WNOHANG) == registry->pid_) {
        registry->pid_ = -1;
        exited = true;
        break;
      }
      // A TLS registry answers a plain-HTTP probe with 400 ("client sent an HTTP request to an
      // HTTPS server"), which shows it is up just as well.
      const bool needs_auth = !options.basic_user.empty() || !options.token_realm.empty();
      const int ready_status = options.tls ? 400 : needs_auth ? 401 : 200;
      if (registry->log_text().find(listening) != std::string::npos &&
          http_get_status(registry->port_, "/v2/") == ready_status) {
        // Requests start after our own readiness probes.
        registry->forget_requests();
        return registry;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string log = registry->log_text();
    if (exited && log.find("address already in use") != std::string::npos &&
        attempt < kPortAttempts)
      continue;  // another process took the port between our probe and its bind
    throw std::runtime_error(
        std::string(exited ? "docker-registry exited" : "docker-registry did not answer in 15 s") +
        " on " + registry->host() + "; its log ends:\n" + log_tail(log));
  }
}

LocalRegistry::~LocalRegistry() {
  if (pid_ > 0) stop_and_reap(pid_);
  // A destructor must not throw; a folder left behind in /tmp is harmless.
  std::error_code ignored;
  if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
}

std::string LocalRegistry::host() const { return "127.0.0.1:" + std::to_string(port_); }

}  // namespace layerpush::testing
