// The digest cache seen from outside: a re-push of an unchanged docker-archive reads no layer
// (strace counts the bytes the process reads from files), a changed or copied archive and
// --no-cache read everything again, and a damaged cache file is rebuilt, never trusted. Also the
// compressed layer kept in a temporary file between its digest pass and its upload, and the
// fallback when no temporary file can be made.
#include <fstream>
#include <regex>
#include <thread>

#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class DigestCacheTest : public PushTest {
 protected:
  void SetUp() override {
    PushTest::SetUp();
    make_image({"--format", "docker-archive", "--out", archive_, "--layers", "3", "--layer-size",
                "2M", "--content", "text", "--name", "e2e/cached:1"});
    // A file changed in the last 100 ms is not cached yet (engine/transfer/digest_cache.h).
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }

  std::filesystem::path cache_file() const { return dir("cache") + "/layerpush/digests"; }

  nlohmann::json push(const std::string& archive, const std::string& tag,
                      std::vector<std::string> extra = {}, std::vector<std::string> env = {}) {
    std::vector<std::string> args = {"docker-archive:" + archive, dest("e2e/cached:" + tag)};
    args.insert(args.end(), extra.begin(), extra.end());
    return push_json(args, env);
  }

  // Which of the summary's layers (blobs after the config) had their digest from the cache.
  static std::vector<bool> cached_layers(const nlohmann::json& summary) {
    std::vector<bool> cached;
    for (std::size_t i = 1; i < summary["blobs"].size(); ++i)
      cached.push_back(summary["blobs"][i]["digest_cached"].get<bool>());
    return cached;
  }

  // Runs a push with the pread reader under strace and returns the bytes it read with pread64
  // (layers, tar headers, the spill file; sockets are read with other calls).
  std::uint64_t pread_bytes_of_push(const std::string& tag, nlohmann::json* summary) {
    const std::string log = dir("strace-" + tag + ".log");
    auto r = run_command({"strace", "-f", "-qq", "-e", "trace=pread64", "-e", "signal=none", "-o",
                          log, built_program("layerpush").string(), "push", "--json", "--io",
                          "pread", "docker-archive:" + archive_, dest("e2e/cached:" + tag)},
                         std::nullopt,
                         {"XDG_STATE_HOME=" + dir("state"), "XDG_CACHE_HOME=" + dir("cache")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    *summary = summary_of(r.out);
    std::ifstream in(log);
    const std::regex returned(R"(= (\d+)$)");
    std::uint64_t total = 0;
    std::smatch m;
    for (std::string line; std::getline(in, line);)
      if (line.find("pread64") != std::string::npos && std::regex_search(line, m, returned))
        total += std::stoull(m[1]);
    return total;
  }

  const std::string archive_ = dir("saved.tar");
};

TEST_F(DigestCacheTest, RePushOfAnUnchangedArchiveReadsNoLayer) {
  nlohmann::json first, second;
  const auto cold = pread_bytes_of_push("1", &first);
  EXPECT_EQ(cached_layers(first), std::vector<bool>(3, false));
  EXPECT_GE(cold, 3u * (2u << 20)) << "every layer read at least once";
  registry_->forget_requests();
  const auto warm = pread_bytes_of_push("2", &second);
  EXPECT_EQ(cached_layers(second), std::vector<bool>(3, true));
  EXPECT_LT(warm, 64u * 1024) << "only tar headers, manifest.json and the config";
  EXPECT_EQ(second["manifest_digest"], first["manifest_digest"]);
  EXPECT_EQ(second["bytes_uploaded"], 0);
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
}

TEST_F(DigestCacheTest, ACopiedArchiveOrNoCacheIsReadAgain) {
  const auto first = push(archive_, "1");
  const std::string copy = dir("copy.tar");
  std::filesystem::copy_file(archive_, copy);
  const auto from_copy = push(copy, "2");
  EXPECT_EQ(cached_layers(from_copy), std::vector<bool>(3, false)) << "another file, another key";
  EXPECT_EQ(from_copy["manifest_digest"], first["manifest_digest"]) << "same bytes, same digests";

  const auto before = std::filesystem::last_write_time(cache_file());
  const auto uncached = push(archive_, "3", {"--no-cache"});
  EXPECT_EQ(cached_layers(uncached), std::vector<bool>(3, false));
  EXPECT_EQ(uncached["manifest_digest"], first["manifest_digest"]);
  EXPECT_EQ(std::filesystem::last_write_time(cache_file()), before) << "--no-cache writes nothing";
  EXPECT_EQ(cached_layers(push(archive_, "4")), std::vector<bool>(3, true));
}

TEST_F(DigestCacheTest, ADamagedCacheIsRebuiltNotTrusted) {
  const auto first = push(archive_, "1");
  {
    // One byte of the second record's sent digest: its checksum no longer matches.
    std::fstream f(cache_file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16 + 96 + 20);
    f.put('\x01');
  }
  const auto after_damage = push(archive_, "2");
  EXPECT_EQ(cached_layers(after_damage), std::vector<bool>(3, false));
  EXPECT_EQ(after_damage["manifest_digest"], first["manifest_digest"]);
  EXPECT_EQ(std::filesystem::file_size(cache_file()), 16u + 3 * 96) << "rebuilt with the 3 layers";
  EXPECT_EQ(cached_layers(push(archive_, "3")), std::vector<bool>(3, true));
}

TEST_F(DigestCacheTest, WithoutATemporaryFolderLayersAreCompressedAgainForTheUpload) {
  const auto summary = push(archive_, "1", {"--no-cache"}, {"TMPDIR=" + dir("no-such-folder")});
  EXPECT_EQ(summary["blobs"].size(), 4u);
  const auto normal = push(archive_, "2", {"--no-cache"});
  EXPECT_EQ(summary["manifest_digest"], normal["manifest_digest"]);
  auto blobs = copy_back("e2e/cached:1");  // skopeo checks every blob's digest as it reads it
  for (const auto& blob : summary["blobs"])
    EXPECT_TRUE(blobs.count(blob["digest"].get<std::string>())) << blob["digest"];
}

}  // namespace
}  // namespace layerpush::testing
