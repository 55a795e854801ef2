#include "engine/registry/login.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/auth/credential_helper.h"
#include "engine/registry/registry_client.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"

namespace layerpush::engine {
namespace {
using nlohmann::ordered_json;

ordered_json read_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return ordered_json::object();
  auto doc = ordered_json::parse(read_small_file(path), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) throw Error(ErrorKind::kInput, path + " is not a JSON object");
  return doc;
}

// Whole file to a temporary sibling, 0600 from the start, fsync, rename: a reader sees the old
// file or the new one, and nobody else can read the secret in between.
void write_config(const std::string& path, const ordered_json& doc) {
  const auto folder = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  const std::string temporary = path + ".layerpush-tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorKind::kInput, "cannot write " + temporary);
  const std::string text = doc.dump(1, '\t') + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw Error(ErrorKind::kInput, "cannot write " + path);
  }
}
}  // namespace

void verify_login(const std::string& registry, const Credentials& credentials, bool plain_http,
                  const TlsSettings& tls) {
  boost::asio::io_context ioc(1);
  ConnectionPool pool(tls, Timeouts{});
  RegistryClient client(registry_base(registry, plain_http), /*repository=*/"", pool);
  std::exception_ptr failure;
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        const std::optional<Credentials> given = credentials;
        co_await client.authenticate(given);
      },
      [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
}

std::string save_login(const std::string& path, const std::string& registry,
                       const Credentials& credentials) {
  auto doc = read_config(path);
  const std::string key = docker_config_key(registry);
  const std::string helper = credential_helper_for(doc, registry);
  // As docker: the helper first, so a failing helper leaves the file as it was. With a helper
  // the entry stays, empty, and any secret it held before is dropped.
  if (!helper.empty()) store_in_helper(helper, key, credentials);
  if (!doc.contains("auths") || !doc["auths"].is_object()) doc["auths"] = ordered_json::object();
  doc["auths"][key] =
      helper.empty() ? ordered_json{{"auth", basic_token(credentials)}} : ordered_json::object();
  write_config(path, doc);
  return helper.empty() ? "" : "docker-credential-" + helper;
}

bool remove_login(const std::string& path, const std::string& registry) {
  auto doc = read_config(path);
  const std::string key = docker_config_key(registry);
  const std::string helper = credential_helper_for(doc, registry);
  // Asked even without an `auths` entry, as docker has done since 2020 (docker/cli#2583): the
  // helper may hold credentials stored through another config file.
  const bool erased = !helper.empty() && erase_from_helper(helper, key);
  if (!doc.contains("auths") || !doc["auths"].is_object() || doc["auths"].erase(key) == 0)
    return erased;
  write_config(path, doc);
  return true;
}

}  // namespace layerpush::engine
