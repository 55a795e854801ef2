// Shared set-up for `layerpush sync` tests: two real registries (source_fixture.h), an "estate"
// of images in the source (repositories of several tags, all sharing one base layer, as images
// built FROM one base do), sync configs written to the test's folder, and the run's JSON lines.
#pragma once

#include <fstream>
#include <map>

#include "tests/e2e/source_fixture.h"
#include "tests/support/curl.h"

namespace layerpush::testing {

class SyncTest : public SourceRegistryTest {
 protected:
  struct Estate {
    std::vector<std::string> repositories;  // "estate/app0", ...
    std::vector<std::string> references;    // "estate/app0:v1", ... every tag
    std::string base_layer;                 // the digest every image shares
    std::set<std::string> blobs;            // every distinct blob digest
  };

  // `repositories` repositories, each with tags v1 and v2 (two images) and latest (= v2); each
  // image has a config and 3 layers of 32 KiB, layer 0 the same everywhere.
  Estate make_estate(int repositories) {
    Estate estate;
    for (int r = 0; r < repositories; ++r) {
      const std::string repository = "estate/app" + std::to_string(r);
      estate.repositories.push_back(repository);
      for (int v = 1; v <= 2; ++v) {
        const std::string tag = "v" + std::to_string(v);
        auto image = source_image({"--layers", "3", "--layer-size", "32K", "--seed",
                                   std::to_string(100 + 10 * r + v), "--base-seed", "7", "--name",
                                   repository + ":" + tag},
                                  repository + ":" + tag);
        estate.references.push_back(repository + ":" + tag);
        estate.base_layer = image["layers"][0]["digest"];
        for (const auto& layer : image["layers"]) estate.blobs.insert(layer["digest"]);
        estate.blobs.insert(image["config_digest"].get<std::string>());
      }
      auto tagged = layerpush({"tag", src(repository + ":v2"), "latest"});
      EXPECT_EQ(tagged.exit_code, 0) << tagged.err;
      estate.references.push_back(repository + ":latest");
    }
    return estate;
  }

  // Writes `yaml` as the test's sync config; returns its path.
  std::string write_config(const std::string& yaml, const std::string& name = "sync.yaml") {
    const std::string path = dir(name);
    std::ofstream(path) << yaml;
    return path;
  }

  // "target: DEST/mirror" and one all-tags entry per repository.
  std::string estate_config(const Estate& estate, const std::string& destination_host) {
    std::string yaml = "target: " + destination_host + "/mirror\nimages:\n";
    for (const auto& repository : estate.repositories)
      yaml += "  - source: " + src(repository) + "\n    all-tags: true\n";
    return write_config(yaml);
  }

  CommandResult sync(std::vector<std::string> args, int timeout_s = 300) const {
    args.insert(args.begin(), "sync");
    return layerpush(args, {}, timeout_s);
  }

  // The JSON lines of a --json run, by "type".
  static std::map<std::string, std::vector<nlohmann::json>> lines_of(const std::string& out) {
    std::map<std::string, std::vector<nlohmann::json>> by_type;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) {
        auto doc = nlohmann::json::parse(line);
        by_type[doc["type"]].push_back(doc);
      }
    return by_type;
  }

  // The digest a registry reports for host/repo:tag (Docker-Content-Digest of a HEAD), "" if none.
  static std::string digest_at(const std::string& host, const std::string& repo_and_tag) {
    const auto colon = repo_and_tag.rfind(':');
    const auto reply = curl({"-I", "-H",
                             "Accept: application/vnd.oci.image.manifest.v1+json, "
                             "application/vnd.oci.image.index.v1+json",
                             "http://" + host + "/v2/" + repo_and_tag.substr(0, colon) +
                                 "/manifests/" + repo_and_tag.substr(colon + 1)});
    return reply.status == 200 ? reply.header("docker-content-digest") : "";
  }

  // Every reference of the estate has the same manifest digest in the mirror as in the source.
  void expect_mirrored(const Estate& estate) const {
    for (const auto& reference : estate.references) {
      const auto source = digest_at(source_->host(), reference);
      ASSERT_FALSE(source.empty()) << reference;
      EXPECT_EQ(digest_at(registry_->host(), "mirror/" + reference), source) << reference;
    }
  }
};

}  // namespace layerpush::testing
