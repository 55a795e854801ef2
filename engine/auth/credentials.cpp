#include "engine/auth/credentials.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/auth/credential_helper.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"
#include "engine/util/json_fields.h"

namespace layerpush::engine {
using nlohmann::json;

std::optional<std::string> docker_config_path(const std::optional<std::string>& authfile) {
  if (authfile) return *authfile;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    return std::string(dir) + "/config.json";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.docker/config.json";
  return std::nullopt;
}

std::string docker_config_key(const std::string& registry) {
  return registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
}

namespace {

// "https://registry.example.com/v1/" -> "registry.example.com"
std::string host_of_key(std::string key) {
  if (auto scheme = key.find("://"); scheme != std::string::npos) key = key.substr(scheme + 3);
  if (auto slash = key.find('/'); slash != std::string::npos) key = key.substr(0, slash);
  return key;
}

std::string decode_base64(const std::string& text, const std::string& path) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) throw Error(ErrorKind::kInput, "an auth entry in " + path + " is not valid base64");
  out.resize(static_cast<std::size_t>(n));
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++padding;
  out.resize(out.size() - std::min(padding, out.size()));
  return out;
}

Credentials from_entry(const json& entry, const std::string& path) {
  Credentials c;
  c.username = string_at(entry, "username");
  c.password = string_at(entry, "password");
  c.identity_token = string_at(entry, "identitytoken");
  c.registry_token = string_at(entry, "registrytoken");
  if (const std::string auth = string_at(entry, "auth"); !auth.empty()) {
    const std::string pair = decode_base64(auth, path);
    const auto colon = pair.find(':');
    if (colon == std::string::npos)
      throw Error(ErrorKind::kInput, "an auth entry in " + path + " is not base64 of user:password");
    c.username = pair.substr(0, colon);
    c.password = pair.substr(colon + 1);
  }
  return c;
}
}  // namespace

std::optional<Credentials> load_credentials(const std::string& registry,
                                            const std::optional<std::string>& authfile) {
  const auto path = docker_config_path(authfile);
  if (!path) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec)) {
    if (authfile) throw Error(ErrorKind::kInput, "auth file " + *path + " does not exist");
    return std::nullopt;
  }
  const json config = json::parse(read_small_file(*path), nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) throw Error(ErrorKind::kInput, *path + " is not a JSON object");
  const std::string wanted = docker_config_key(registry);
  // As docker: a helper named for this host first, then the default store, then `auths`.
  if (const std::string helper = credential_helper_for(config, registry); !helper.empty())
    return credentials_from_helper(helper, wanted);
  auto auths = config.find("auths");
  if (auths == config.end() || !auths->is_object()) return std::nullopt;
  if (auto exact = auths->find(wanted); exact != auths->end() && exact->is_object())
    return from_entry(*exact, *path);
  const std::string wanted_host = host_of_key(wanted);
  for (const auto& [key, entry] : auths->items())
    if (entry.is_object() && host_of_key(key) == wanted_host) return from_entry(entry, *path);
  return std::nullopt;
}

std::string basic_token(const Credentials& credentials) {
  const std::string pair = credentials.username + ":" + credentials.password;
  std::string out(4 * ((pair.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(pair.data()),
                                static_cast<int>(pair.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace layerpush::engine
