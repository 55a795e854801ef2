// Every refusal of load_sync_config, with its exact message after "sync config PATH: ".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/sync/sync_config.h"
#include "engine/util/error.h"
#include "tests/engine/sync/sync_config_files.h"

namespace layerpush::engine {
namespace {

// An images list that is valid, to append after the part a test is about.
const std::string kImages = "images: [{source: quay.io/a/b, tags: [v1]}]\n";

class SyncConfigErrors : public SyncConfigFiles {
 protected:
  struct Refusal {
    std::string yaml;  // kImages is appended
    std::string message;
  };
  void expect_refusals(const std::vector<Refusal>& refusals) {
    for (const auto& refusal : refusals)
      EXPECT_EQ(error_of(refusal.yaml + kImages), refusal.message) << refusal.yaml;
  }
};

TEST_F(SyncConfigErrors, FileLevel) {
  const auto missing = (dir_.path() / "none.yaml").string();
  try {
    load_sync_config(missing);
    FAIL() << "a missing file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_EQ(std::string(e.what()), "sync config " + missing + " cannot be read");
  }
  try {
    load_sync_config(dir_.path().string());
    FAIL() << "a folder was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "sync config " + dir_.path().string() +
                                         " is a folder, not a file");
  }
  EXPECT_EQ(error_of(""), "is empty; it needs at least an images list");
  EXPECT_EQ(error_of("# nothing\n"), "is empty; it needs at least an images list");
  EXPECT_EQ(error_of("images: [\n"), "line 2, column 1: end of sequence flow not found");
  EXPECT_EQ(error_of(kImages + "---\n" + kImages), "holds 2 YAML documents; a sync config is one");
  EXPECT_EQ(error_of("- a\n"), "must be a mapping of keys to values, not a list");
}

TEST_F(SyncConfigErrors, TopLevelKeys) {
  EXPECT_EQ(error_of("image: []\n"),
            "unknown key \"image\"; the keys here are registries, target, rewrite and images");
  EXPECT_EQ(error_of(kImages + kImages), "has the key \"images\" twice");
  EXPECT_EQ(error_of("target: quay.io/x\n"),
            "has no images list; name at least one image to copy");
  EXPECT_EQ(error_of("images: []\n"), "images: is an empty list");
  EXPECT_EQ(error_of("images: {a: 1}\n"), "images: must be a list, not a mapping");
  EXPECT_EQ(error_of("images:\n"), "images: must be a list, not empty");
}

TEST_F(SyncConfigErrors, Registries) {
  expect_refusals({
      {"registries: [quay.io]\n",
       "registries: must be a mapping of keys to values, not a list"},
      {"registries: {quay: {}}\n",
       "registries.quay: registry host \"quay\" is not a host name: a host has a '.' or "
       "':' or is localhost"},
      {"registries: {quay.io/x: {}}\n",
       "registries[\"quay.io/x\"]: registry host \"quay.io/x\" has a '/'; it is "
       "host[:port] alone, as in mirror.internal:5000"},
      {"registries: {\"quay.io:x\": {}}\n",
       "registries[\"quay.io:x\"]: registry host \"quay.io:x\" is invalid: the port after "
       "':' must be digits"},
      {"registries: {docker.io: {}, index.docker.io: {}}\n",
       "registries[\"index.docker.io\"]: names the registry \"docker.io\", which is listed "
       "already"},
      {"registries: {quay.io: {tls-verfy: false}}\n",
       "registries[\"quay.io\"]: unknown key \"tls-verfy\"; the keys here are authfile, "
       "tls-verify, plain-http, ca-file, cert-file and key-file"},
      {"registries: {quay.io: {tls-verify: maybe}}\n",
       "registries[\"quay.io\"].tls-verify: must be true or false, not \"maybe\""},
      {"registries: {quay.io: {plain-http: [true]}}\n",
       "registries[\"quay.io\"].plain-http: must be true or false, not a list"},
      {"registries: {quay.io: {authfile: ''}}\n",
       "registries[\"quay.io\"].authfile: is empty"},
      {"registries: {quay.io: {ca-file: {a: b}}}\n",
       "registries[\"quay.io\"].ca-file: must be a string, not a mapping"},
      {"registries: {quay.io: {cert-file: c.pem}}\n",
       "registries[\"quay.io\"]: cert-file and key-file go together: a client certificate "
       "needs its key"},
      {"registries: {quay.io: {key-file: c.key}}\n",
       "registries[\"quay.io\"]: cert-file and key-file go together: a client certificate "
       "needs its key"},
  });
}

TEST_F(SyncConfigErrors, TargetAndRewrite) {
  EXPECT_EQ(error_of("target: mirror/x\n" + kImages),
            "target: name prefix \"mirror/x\" must start with a registry host (a name with '.' "
            "or ':', or localhost), as in docker.io/library/");
  EXPECT_EQ(error_of("target: quay.io//x\n" + kImages),
            "target: name prefix \"quay.io//x\" has an empty component; each '/' must stand "
            "between two components");
  EXPECT_EQ(error_of("target: quay.io/Team\n" + kImages),
            "target: repository path component \"Team\" has uppercase letters; repository "
            "names must be lowercase");
  EXPECT_EQ(error_of("target: [quay.io]\n" + kImages), "target: must be a string, not a list");
  EXPECT_EQ(error_of("rewrite: {from: a}\n" + kImages),
            "rewrite: must be a list, not a mapping");
  EXPECT_EQ(error_of("rewrite: [{from: quay.io/a}]\n" + kImages), "rewrite[0]: has no to");
  EXPECT_EQ(error_of("rewrite: [{to: quay.io/a}]\n" + kImages), "rewrite[0]: has no from");
  EXPECT_EQ(error_of("rewrite: [{from: quay.io/a, to: quay.io/b, too: x}]\n" + kImages),
            "rewrite[0]: unknown key \"too\"; the keys here are from and to");
  EXPECT_EQ(error_of("rewrite: [{from: quay.io/a, to: quay.io/b}, {from: library/, to: q.io}]\n" +
                     kImages),
            "rewrite[1].from: name prefix \"library/\" must start with a registry host (a name "
            "with '.' or ':', or localhost), as in docker.io/library/");
}

TEST_F(SyncConfigErrors, ImageSourceAndTarget) {
  EXPECT_EQ(error_of("images: [quay.io/a/b]\n"),
            "images[0]: must be a mapping of keys to values, not \"quay.io/a/b\"");
  EXPECT_EQ(error_of("images: [{tags: [v1]}]\n"), "images[0]: has no source");
  EXPECT_EQ(error_of(kImages.substr(0, kImages.size() - 2) + ", {source: q.io/a, tag: [v1]}]\n"),
            "images[1]: unknown key \"tag\"; the keys here are source, tags, tag-regex, "
            "all-tags, platforms and target");
  EXPECT_EQ(error_of("images: [{source: quay.io/coreos/etcd:v3.5.0, all-tags: true}]\n"),
            "images[0].source: \"quay.io/coreos/etcd:v3.5.0\" has the tag \"v3.5.0\"; give the "
            "repository name alone");
  EXPECT_EQ(error_of("images: [{source: 'quay.io/a/b@sha256:" + std::string(64, 'a') +
                     "', all-tags: true}]\n"),
            "images[0].source: \"quay.io/a/b@sha256:" + std::string(64, 'a') +
                "\" has a digest; give the repository name alone");
  EXPECT_EQ(error_of("images: [{source: quay.io/A/b, all-tags: true}]\n"),
            "images[0].source: repository path component \"A\" has uppercase letters; "
            "repository names must be lowercase");
  EXPECT_EQ(error_of("images: [{source: quay.io/a/b, all-tags: true, target: q.io/x:v1}]\n"),
            "images[0].target: \"q.io/x:v1\" has the tag \"v1\"; give the repository name alone");
}

TEST_F(SyncConfigErrors, ExactlyOneTagRule) {
  const auto rule_error = [&](const std::string& fields) {
    return error_of("images: [{source: quay.io/a/b" + fields + "}]\n");
  };
  EXPECT_EQ(rule_error(""),
            "images[0]: needs exactly one of tags, tag-regex and all-tags: true; it has none");
  EXPECT_EQ(rule_error(", all-tags: false"),
            "images[0]: needs exactly one of tags, tag-regex and all-tags: true; it has none");
  EXPECT_EQ(rule_error(", tags: [v1], tag-regex: x"),
            "images[0]: needs exactly one of tags, tag-regex and all-tags: true; it has tags "
            "and tag-regex");
  EXPECT_EQ(rule_error(", tags: [v1], tag-regex: x, all-tags: true"),
            "images[0]: needs exactly one of tags, tag-regex and all-tags: true; it has tags, "
            "tag-regex and all-tags: true");
  EXPECT_EQ(rule_error(", all-tags: all"),
            "images[0].all-tags: must be true or false, not \"all\"");
}

TEST_F(SyncConfigErrors, TagsRegexAndPlatforms) {
  const auto image_error = [&](const std::string& fields) {
    return error_of("images: [{source: quay.io/a/b, " + fields + "}]\n");
  };
  EXPECT_EQ(image_error("tags: []"), "images[0].tags: is an empty list");
  EXPECT_EQ(image_error("tags: v1"), "images[0].tags: must be a list, not \"v1\"");
  EXPECT_EQ(image_error("tags: [v1, '-v2']"),
            "images[0].tags[1]: tag \"-v2\" must start with a letter, digit or underscore");
  EXPECT_EQ(image_error("tags: ['v 1']"),
            "images[0].tags[0]: tag \"v 1\" has the character ' '; tags are letters, digits, "
            "'_', '.' and '-'");
  EXPECT_EQ(image_error("tags: [" + std::string(129, 'a') + "]"),
            "images[0].tags[0]: tag is 129 characters; the limit is 128");
  EXPECT_EQ(image_error("tags: [v1, v2, v1]"), "images[0].tags[2]: tag \"v1\" is listed twice");
  EXPECT_EQ(image_error("tags: [~]"), "images[0].tags[0]: must be a string, not empty");
  EXPECT_EQ(image_error("tag-regex: '^1\\.(25'"),
            "images[0].tag-regex: \"^1\\.(25\" is not an ECMAScript regular expression: "
            "Mismatched '(' and ')' in regular expression");
  EXPECT_EQ(image_error("all-tags: true, platforms: []"), "images[0].platforms: is an empty list");
  EXPECT_EQ(image_error("all-tags: true, platforms: [linux]"),
            "images[0].platforms[0]: platform \"linux\" is not of the form os/arch or "
            "os/arch/variant, as in linux/arm64/v8");
  EXPECT_EQ(image_error("all-tags: true, platforms: [linux/amd64, Linux/arm64]"),
            "images[0].platforms[1]: platform \"Linux/arm64\" has the character 'L'; platforms "
            "are lowercase letters, digits, '_', '.' and '-'");
}

}  // namespace
}  // namespace layerpush::engine
