#include "engine/sync/sync_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/engine/sync/sync_config_files.h"

namespace layerpush::engine {
namespace {

class SyncConfigLoad : public SyncConfigFiles {};

// The example in engine/sync/sync_config.h's header comment, read from there so the two cannot
// drift apart: the lines after "A full example" up to "Rules:", without their "//   " margin.
std::string header_example() {
  std::ifstream header(LAYERPUSH_SOURCE_DIR "/engine/sync/sync_config.h");
  std::string line;
  std::string yaml;
  bool inside = false;
  while (std::getline(header, line)) {
    if (line.starts_with("// Rules:")) break;
    if (inside) yaml += (line.size() > 5 ? line.substr(5) : std::string()) + "\n";
    if (line.find("A full example") != std::string::npos) inside = true;
  }
  return yaml;
}

TEST_F(SyncConfigLoad, TheHeaderExampleParsesToItsStructure) {
  const auto yaml = header_example();
  ASSERT_NE(yaml.find("images:"), std::string::npos) << "no example found in the header";
  const auto config = load(yaml);

  ASSERT_EQ(config.registries.size(), 2u);
  RegistrySettings quay;
  quay.authfile = "/etc/layerpush/quay.json";
  quay.ca_file = "/etc/ssl/quay-ca.pem";
  EXPECT_EQ(config.registries.at("quay.io"), quay);
  RegistrySettings mirror;
  mirror.plain_http = true;
  mirror.cert_file = "/etc/layerpush/client.pem";
  mirror.key_file = "/etc/layerpush/client.key";
  EXPECT_EQ(config.registries.at("mirror.internal:5000"), mirror);

  EXPECT_EQ(config.target, "mirror.internal:5000/mirror");
  EXPECT_EQ(config.rewrite,
            (std::vector<RewriteRule>{{"docker.io/library", "mirror.internal:5000/hub"}}));

  ASSERT_EQ(config.images.size(), 3u);
  const auto& etcd = config.images[0];
  EXPECT_EQ(etcd.source.str(), "quay.io/coreos/etcd");
  EXPECT_FALSE(etcd.source.tag);
  EXPECT_EQ(etcd.rule, TagRule::kListed);
  EXPECT_EQ(etcd.tags, (std::vector<std::string>{"v3.5.0", "v3.5.1"}));
  EXPECT_TRUE(etcd.platforms.empty());
  EXPECT_FALSE(etcd.target);

  const auto& nginx = config.images[1];
  EXPECT_EQ(nginx.source.registry, "docker.io");
  EXPECT_EQ(nginx.source.repository, "library/nginx");
  EXPECT_EQ(nginx.rule, TagRule::kRegex);
  EXPECT_EQ(nginx.tag_regex, "^1\\.25\\.");
  EXPECT_TRUE(std::regex_search("1.25.3-alpine", nginx.tag_pattern));
  EXPECT_FALSE(std::regex_search("1.250.0", nginx.tag_pattern));
  EXPECT_EQ(nginx.platforms,
            (std::vector<Platform>{{"linux", "amd64", ""}, {"linux", "arm64", "v8"}}));

  const auto& tool = config.images[2];
  EXPECT_EQ(tool.source.str(), "ghcr.io/org/tool");
  EXPECT_EQ(tool.rule, TagRule::kAll);
  EXPECT_TRUE(tool.tags.empty());
  EXPECT_EQ(tool.target, "mirror.internal:5000/tools/tool");
}

TEST_F(SyncConfigLoad, NamesAreNormalized) {
  const auto config = load(R"(
registries:
  index.docker.io: {tls-verify: false}
target: localhost:5000/
rewrite:
  - {from: index.docker.io/library, to: "localhost:5000"}
images:
  - {source: nginx, tags: [latest]}
  - {source: index.docker.io/team/app, tags: ["1.10"], target: localhost:5000/app}
)");
  ASSERT_EQ(config.registries.count("docker.io"), 1u);
  EXPECT_FALSE(config.registries.at("docker.io").tls_verify);
  EXPECT_EQ(config.target, "localhost:5000");
  EXPECT_EQ(config.rewrite, (std::vector<RewriteRule>{{"docker.io/library", "localhost:5000"}}));
  EXPECT_EQ(config.images[0].source.str(), "docker.io/library/nginx");
  EXPECT_EQ(config.images[1].source.str(), "docker.io/team/app");
  // YAML would read 1.10 as a number; a tag keeps its text.
  EXPECT_EQ(config.images[1].tags, std::vector<std::string>{"1.10"});
}

TEST_F(SyncConfigLoad, OnlyImagesIsRequiredAndDefaultsHold) {
  const auto config = load("images:\n  - source: quay.io/a/b\n    tags: [v1]\n");
  EXPECT_TRUE(config.registries.empty());
  EXPECT_FALSE(config.target);
  EXPECT_TRUE(config.rewrite.empty());
  const auto settings = config.registry("quay.io");  // not listed: the defaults
  EXPECT_EQ(settings, RegistrySettings{});
  EXPECT_TRUE(settings.tls_verify);
  EXPECT_FALSE(settings.plain_http);
  EXPECT_FALSE(settings.authfile);
}

TEST_F(SyncConfigLoad, RelativeFilesAreTakenFromTheConfigFolder) {
  const auto config = load(R"(
registries:
  quay.io: {authfile: auth/quay.json, ca-file: ca.pem, cert-file: c.pem, key-file: /k/c.key}
images: [{source: quay.io/a/b, all-tags: true}]
)");
  const auto folder = dir_.path().string();
  const auto& quay = config.registries.at("quay.io");
  EXPECT_EQ(quay.authfile, folder + "/auth/quay.json");
  EXPECT_EQ(quay.ca_file, folder + "/ca.pem");
  EXPECT_EQ(quay.cert_file, folder + "/c.pem");
  EXPECT_EQ(quay.key_file, "/k/c.key");
}

TEST_F(SyncConfigLoad, AllTagsFalseDoesNotCountAsARule) {
  const auto config = load("images: [{source: quay.io/a/b, tags: [v1], all-tags: false}]\n");
  EXPECT_EQ(config.images[0].rule, TagRule::kListed);
}

TEST_F(SyncConfigLoad, BooleansTakeYamlSpellings) {
  const auto config = load(R"(
registries:
  a.example: {tls-verify: no, plain-http: yes}
  b.example: {tls-verify: False, plain-http: false}
images: [{source: quay.io/a/b, all-tags: true}]
)");
  EXPECT_FALSE(config.registries.at("a.example").tls_verify);
  EXPECT_EQ(config.registries.at("a.example").plain_http, true);
  EXPECT_FALSE(config.registries.at("b.example").tls_verify);
  EXPECT_EQ(config.registries.at("b.example").plain_http, false);
}

}  // namespace
}  // namespace layerpush::engine
