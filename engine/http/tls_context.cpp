#include "engine/http/tls_context.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace ssl = boost::asio::ssl;

void add_docker_certs_d(TlsSettings& settings, const std::string& registry) {
  const char* root = std::getenv("LAYERPUSH_CERTS_D");
  const std::filesystem::path folder =
      std::filesystem::path(root && *root ? root : "/etc/docker/certs.d") / registry;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return;
  std::vector<std::string> cas;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.path().extension() == ".crt") cas.push_back(entry.path().string());
  std::sort(cas.begin(), cas.end());
  settings.ca_files.insert(settings.ca_files.end(), cas.begin(), cas.end());
  if (settings.cert_file.empty() && std::filesystem::exists(folder / "client.cert", ec) &&
      std::filesystem::exists(folder / "client.key", ec)) {
    settings.cert_file = (folder / "client.cert").string();
    settings.key_file = (folder / "client.key").string();
  }
}

std::unique_ptr<ssl::context> make_tls_context(const TlsSettings& settings) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  auto load = [](const std::string& what, const std::string& file, auto&& action) {
    boost::system::error_code ec;
    action(ec);
    if (ec) throw Error(ErrorKind::kInput, "cannot load " + what + " " + file + ": " + ec.message());
  };
  if (settings.verify) {
    context->set_default_verify_paths();
    for (const auto& ca : settings.ca_files)
      load("CA file", ca, [&](auto& ec) { context->load_verify_file(ca, ec); });
    context->set_verify_mode(ssl::verify_peer);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  if (!settings.cert_file.empty()) {
    load("client certificate", settings.cert_file,
         [&](auto& ec) { context->use_certificate_chain_file(settings.cert_file, ec); });
    load("client key", settings.key_file,
         [&](auto& ec) { context->use_private_key_file(settings.key_file, ssl::context::pem, ec); });
  }
  return context;
}

ssl::context& SharedTlsContext::get() {
  std::lock_guard lock(mutex_);
  if (!context_) context_ = make_tls_context(settings_);
  return *context_;
}

}  // namespace layerpush::engine
