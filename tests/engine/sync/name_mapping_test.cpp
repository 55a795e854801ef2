#include "engine/sync/name_mapping.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/image/repository_name.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

ImageEntry entry_for(const std::string& source) {
  ImageEntry entry;
  entry.source = parse_repository_name(source);
  return entry;
}

// Where `source` goes under `config`, its entry having no target of its own.
std::string destination(const SyncConfig& config, const std::string& source) {
  const auto entry = entry_for(source);
  return destination_repository(config, entry, entry.source);
}

std::string error_of(const SyncConfig& config, const std::string& source) {
  try {
    return "(mapped to " + destination(config, source) + ")";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    return e.what();
  }
}

TEST(NameMapping, EntryTargetWinsOverRewriteAndTarget) {
  SyncConfig config;
  config.target = "mirror.internal:5000/mirror";
  config.rewrite = {{"ghcr.io/org", "mirror.internal:5000/org"}};
  auto entry = entry_for("ghcr.io/org/tool");
  entry.target = "mirror.internal:5000/tools/tool";
  EXPECT_EQ(destination_repository(config, entry, entry.source), "mirror.internal:5000/tools/tool");
}

TEST(NameMapping, FirstMatchingRewriteWinsOverTarget) {
  SyncConfig config;
  config.target = "mirror.internal:5000/mirror";
  config.rewrite = {{"docker.io/library", "mirror.internal:5000/hub"},
                    {"docker.io", "mirror.internal:5000/dockerhub"}};
  EXPECT_EQ(destination(config, "nginx"), "mirror.internal:5000/hub/nginx");
  EXPECT_EQ(destination(config, "docker.io/bitnami/redis"),
            "mirror.internal:5000/dockerhub/bitnami/redis");
  EXPECT_EQ(destination(config, "quay.io/coreos/etcd"),
            "mirror.internal:5000/mirror/coreos/etcd");
}

TEST(NameMapping, GlobalTargetAppendsTheRepositoryPath) {
  SyncConfig config;
  config.target = "mirror.internal:5000";
  EXPECT_EQ(destination(config, "ubuntu"), "mirror.internal:5000/library/ubuntu");
  config.target = "localhost:5000/a/b";
  EXPECT_EQ(destination(config, "ghcr.io/org/tool"), "localhost:5000/a/b/org/tool");
}

TEST(NameMapping, PrefixMatchesOnlyAtASlashOrAsTheWholeName) {
  EXPECT_EQ(rewrite_name("docker.io/library/nginx", "docker.io/library", "m.io/hub"),
            "m.io/hub/nginx");
  EXPECT_EQ(rewrite_name("docker.io/library/nginx", "docker.io/library/nginx", "m.io/web"),
            "m.io/web");
  EXPECT_EQ(rewrite_name("docker.io/library-x/nginx", "docker.io/library", "m.io/hub"), "");
  EXPECT_EQ(rewrite_name("docker.io/library/nginx2", "docker.io/library/nginx", "m.io/w"), "");
  EXPECT_EQ(rewrite_name("docker.io/library", "docker.io/library/nginx", "m.io/w"), "");
  EXPECT_EQ(rewrite_name("quay.io:5000/a", "quay.io", "m.io"), "");  // a port is not a '/'
  EXPECT_EQ(rewrite_name("quay.io/a/b", "quay.io", "m.io:5000"), "m.io:5000/a/b");
}

TEST(NameMapping, AWholeNameMappedToAHostAloneIsRefused) {
  SyncConfig config;
  config.rewrite = {{"quay.io/a/b", "m.io"}};
  EXPECT_EQ(error_of(config, "quay.io/a/b"),
            "the destination m.io of quay.io/a/b (rewrite[0]) is a registry host alone; it needs "
            "a repository path");
}

TEST(NameMapping, NothingAppliesIsAnError) {
  SyncConfig config;
  config.rewrite = {{"docker.io/library", "m.io/hub"}};
  EXPECT_EQ(error_of(config, "quay.io/coreos/etcd"),
            "no destination for quay.io/coreos/etcd: its entry has no target, no rewrite rule "
            "matches it and the config has no global target");
}

TEST(NameMapping, TooLongResultIsRefused) {
  SyncConfig config;
  config.target = "m.io/" + std::string(200, 'a');
  EXPECT_EQ(error_of(config, "quay.io/" + std::string(60, 'b')),
            "the destination m.io/" + std::string(200, 'a') + "/" + std::string(60, 'b') +
                " of quay.io/" + std::string(60, 'b') +
                " (target) is not a repository name: repository name is 261 characters; the "
                "limit is 255");
}

TEST(NameMapping, NamePrefixesAreNormalized) {
  EXPECT_EQ(parse_name_prefix("docker.io/library/"), "docker.io/library");
  EXPECT_EQ(parse_name_prefix("index.docker.io/library"), "docker.io/library");
  EXPECT_EQ(parse_name_prefix("index.docker.io"), "docker.io");
  EXPECT_EQ(parse_name_prefix("localhost:5000/"), "localhost:5000");
  EXPECT_EQ(parse_name_prefix("[::1]:5000/a"), "[::1]:5000/a");
  EXPECT_EQ(parse_name_prefix("quay.io/a"), "quay.io/a");  // one letter is a prefix, not a name
  EXPECT_THROW(parse_name_prefix("library/"), ReferenceError);
  EXPECT_THROW(parse_name_prefix("quay.io/a//"), ReferenceError);
  EXPECT_THROW(parse_name_prefix("quay.io//a"), ReferenceError);
  EXPECT_THROW(parse_name_prefix(""), ReferenceError);
  EXPECT_EQ(parse_registry_host("index.docker.io"), "docker.io");
  EXPECT_EQ(parse_registry_host("localhost"), "localhost");
}

TEST(NameMapping, RepositoryNamesKeepNoTag) {
  const auto ref = parse_repository_name("nginx");
  EXPECT_EQ(ref.str(), "docker.io/library/nginx");
  EXPECT_FALSE(ref.tag);
  EXPECT_THROW(parse_repository_name("nginx:latest"), ReferenceError);
  EXPECT_EQ(parse_repository_name("localhost:5000/ab").str(), "localhost:5000/ab");
  EXPECT_THROW(parse_repository_name("quay.io/a/b@sha256:0"), ReferenceError);
}

}  // namespace
}  // namespace layerpush::engine
