// Registry credentials as docker keeps them in its config file ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json, or a file given with --authfile): `credHelpers[host]`, else `credsStore`
// (both run docker-credential-NAME), else the `auths` entries, matched by exact key, then by host
// name with any scheme and path stripped; Docker Hub's key is "https://index.docker.io/v1/".
// Secrets live only in these values: never log them.
#pragma once

#include <optional>
#include <string>

namespace layerpush::engine {

struct Credentials {
  std::string username;
  std::string password;        // or the secret half of `auth`
  std::string identity_token{};  // a refresh token, when the entry has one
  std::string registry_token{};  // a Bearer token to send as it is (docker's `registrytoken`)
};

// The credentials for `registry` ("docker.io", "localhost:5000"), or nullopt for anonymous
// access. Throws engine::Error(kInput) naming the file (never its contents) when it is not valid.
std::optional<Credentials> load_credentials(const std::string& registry,
                                            const std::optional<std::string>& authfile);

// The docker config file in use: `authfile` if given, else $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json; nullopt when there is no home folder to find it in.
std::optional<std::string> docker_config_path(const std::optional<std::string>& authfile);

// The key docker files a registry's credentials under ("https://index.docker.io/v1/" for Hub).
std::string docker_config_key(const std::string& registry);

// "user:password" in base64, as the Basic scheme and docker's `auth` field write it.
std::string basic_token(const Credentials& credentials);

}  // namespace layerpush::engine
