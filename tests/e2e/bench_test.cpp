// `layerpush bench`: one JSON row per setting with ordered latency percentiles, an SVG report
// holding the data points, fresh blobs for every push (the real registry's HEADs all answer 404
// and its log shows every upload), test manifests deleted where the registry allows it (a
// refusal said once), and bad flags refused with exit 2 and one sentence.
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

class BenchTest : public PushTest {
 protected:
  // Runs bench with --json; returns its rows (fails the test if it failed).
  std::vector<nlohmann::json> bench_rows(std::vector<std::string> args) {
    args.insert(args.begin(), {"bench", "--json"});
    last_ = layerpush(args, {}, 120);
    EXPECT_EQ(last_.exit_code, 0) << last_.err;
    std::vector<nlohmann::json> rows;
    std::istringstream lines(last_.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    return rows;
  }

  static void expect_sane(const nlohmann::json& row, int blobs) {
    EXPECT_EQ(row["type"], "setting") << row;
    EXPECT_GT(row["throughput_mb_per_s"].get<double>(), 0) << row;
    EXPECT_EQ(row["blobs"], blobs) << row;
    EXPECT_EQ(row["blobs_found"], 0) << "every push sends fresh blobs: " << row;
    EXPECT_EQ(row["retries"], 0) << row;
    EXPECT_GE(row["cpu_seconds"].get<double>(), 0) << row;
    for (const std::string phase : {"head", "upload", "commit"}) {
      const double p50 = row[phase + "_p50_ms"], p95 = row[phase + "_p95_ms"],
                   p99 = row[phase + "_p99_ms"];
      EXPECT_GT(p50, 0) << phase << ": " << row;
      EXPECT_LE(p50, p95) << phase << ": " << row;
      EXPECT_LE(p95, p99) << phase << ": " << row;
    }
  }

  std::string read_file(const std::string& path) const {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  CommandResult last_;
};

TEST_F(BenchTest, SinkRowsPerSettingAndSvgReport) {
  const auto rows = bench_rows(
      {"--blobs", "2", "--blob-size", "256K", "--jobs", "1,2", "--report", dir("bench.svg")});
  ASSERT_EQ(rows.size(), 2u) << last_.out;
  EXPECT_EQ(rows[0]["jobs"], 1);
  EXPECT_EQ(rows[1]["jobs"], 2);
  for (const auto& row : rows) {
    expect_sane(row, 2);
    EXPECT_EQ(row["chunk_size"], 0);
    EXPECT_EQ(row["bytes"].get<std::uint64_t>() >= 2u * 262144u, true) << row;
    // GET /v2/ and, in one pipelined batch, a HEAD of the manifest and a question per blob
    // (two layers and the config): a mount POST that opens the session of each lane's first
    // blob, a HEAD for the others; a POST for each other blob, a PUT for each blob; the manifest.
    const int jobs = row["jobs"];
    EXPECT_EQ(row["requests"], 1 + 1 + 3 + (3 - jobs) + 3 + 1) << row;
  }
  EXPECT_EQ(registry_->requests().size(), 0u) << "the sink, not the fixture's registry";

  const std::string svg = read_file(dir("bench.svg"));
  EXPECT_EQ(count(svg, "<svg"), 1) << svg;
  EXPECT_EQ(count(svg, "</svg>"), 1);
  EXPECT_EQ(count(svg, "data-mb-per-s="), 2) << svg;
  // Each row is a point of the throughput chart, carrying its value (to 4 digits).
  for (const auto& row : rows) {
    const std::regex point("data-jobs=\"" + std::to_string(row["jobs"].get<int>()) +
                           "\" data-chunk-size=\"0\" data-mb-per-s=\"([0-9.e+]+)\"");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(svg, match, point)) << row << "\n" << svg;
    const double charted = std::stod(match[1]);
    const double measured = row["throughput_mb_per_s"];
    EXPECT_NEAR(charted, measured, measured * 0.001 + 0.01) << row;
  }
}

TEST_F(BenchTest, ChunkSizesAreSweptAndTableIsTheDefault) {
  const auto rows = bench_rows({"--blobs", "2", "--blob-size", "256K", "--jobs", "2",
                                "--chunk-size", "0,64K", "--repeat", "2"});
  ASSERT_EQ(rows.size(), 2u) << last_.out;
  EXPECT_EQ(rows[0]["chunk_size"], 0);
  EXPECT_EQ(rows[1]["chunk_size"], 65536);
  for (const auto& row : rows) {
    expect_sane(row, 4);  // two layers, two pushes
    EXPECT_EQ(row["runs"], 2);
  }
  // Per push: 10 requests in one piece each (as in SinkRowsPerSettingAndSvgReport, two lanes);
  // in 64K chunks each layer takes 4 PATCHes and the final PUT instead of one PUT (the config,
  // below 64K, one PATCH and the PUT).
  EXPECT_EQ(rows[0]["requests"], 2 * 10);
  EXPECT_EQ(rows[1]["requests"], 2 * (10 + 2 * 4 + 1));

  auto table = layerpush({"bench", "--blobs", "1", "--blob-size", "64K", "--jobs", "1,3"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("MB/s"), std::string::npos) << table.out;
  EXPECT_EQ(count(table.out, "\n"), 3) << "a header and two rows:\n" << table.out;
}

TEST_F(BenchTest, RealRegistrySeesFreshUploadsAndDeletesTestManifests) {
  const auto rows = bench_rows({"--blobs", "2", "--blob-size", "256K", "--jobs", "1,2", "--repeat",
                                "2", "--target", dest("bench/x")});
  ASSERT_EQ(rows.size(), 2u) << last_.out;
  EXPECT_EQ(rows[0]["jobs"], 1);
  EXPECT_EQ(rows[1]["jobs"], 2);
  for (const auto& row : rows) expect_sane(row, 4);
  // Four pushes of three blobs, each new to the registry: every question about a blob answered
  // "not here" (a HEAD's 404, or a lane's first blob's mount POST opening its session with a
  // 202), every blob uploaded.
  int questions = 0;
  for (const auto& r : registry_->requests()) {
    if (r.method == "HEAD" && r.uri.find("/v2/bench/x/blobs/") == 0) {
      ++questions;
      EXPECT_EQ(r.status, 404) << r.uri;
    }
    if (r.method == "POST" && r.uri.find("/v2/bench/x/blobs/uploads/?mount=") == 0) {
      ++questions;
      EXPECT_EQ(r.status, 202) << r.uri;
    }
  }
  EXPECT_EQ(questions, 12) << registry_->log_text();
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/bench/x/blobs/uploads/"), 12);
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/bench/x/manifests/bench-"), 4);
  // The fixture's registry allows DELETE: every test manifest is gone afterwards.
  int deletes = 0;
  for (const auto& r : registry_->requests())
    if (r.method == "DELETE" && r.uri.find("/v2/bench/x/manifests/sha256:") == 0) {
      ++deletes;
      EXPECT_EQ(r.status, 202) << r.uri;
    }
  EXPECT_EQ(deletes, 4) << registry_->log_text();
  EXPECT_NE(last_.err.find("deleted 4 test manifest(s)"), std::string::npos) << last_.err;
}

// A registry that refuses DELETE (405 UNSUPPORTED, distribution's default) is asked once and
// that is said once; the benchmark still succeeds.
class BenchProxyTest : public ProxyPushTest {};

TEST_F(BenchProxyTest, RefusedDeleteIsSaidOnce) {
  start_proxy(nlohmann::json::array(
      {{{"method", "DELETE"},
        {"path", "/manifests/"},
        {"respond",
         {{"status", 405},
          {"body", R"({"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]})"}}}}}));
  auto r = layerpush({"bench", "--json", "--blobs", "1", "--blob-size", "64K", "--jobs", "1,2",
                      "--target", via("bench/y")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  settle_proxy_log();
  EXPECT_EQ(proxy_->count("DELETE", "/manifests/"), 1);
  EXPECT_EQ(registry_->count_requests("DELETE", "/manifests/"), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/bench/y/manifests/bench-"), 2);
  EXPECT_EQ(count(r.err, "does not allow deleting"), 1) << r.err;
}

TEST_F(BenchTest, ImageFromDisk) {
  make_image({"--format", "oci", "--out", dir("oci"), "--layers", "3", "--layer-size", "128K",
              "--name", "e2e/app:v1"});
  const auto rows = bench_rows({"--image", "oci:" + dir("oci") + ":v1", "--jobs", "1,2"});
  ASSERT_EQ(rows.size(), 2u) << last_.out;
  for (const auto& row : rows) {
    expect_sane(row, 4);  // the config and three layers: all count for an image
    EXPECT_GE(row["bytes"].get<std::uint64_t>(), 3u * 131072u) << row;
  }
}

TEST_F(BenchTest, BadFlagsAreRefusedInOneSentence) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--jobs", "0,2"}, "--jobs \"0,2\""},
      {{"--jobs", "1,,2"}, "--jobs \"1,,2\""},
      {{"--jobs", "2,2"}, "--jobs \"2,2\""},
      {{"--chunk-size", "0,lots"}, "--chunk-size \"0,lots\""},
      {{"--blob-size", "0"}, "--blob-size \"0\""},
      {{"--blobs", "0"}, "--blobs is 0"},
      {{"--repeat", "0"}, "--repeat is 0"},
      {{"--report", dir("chart.png")}, "must end in .svg or .html"},
      {{"--blobs", "many"}, "--blobs"},
      {{"--target", "bench/x@sha256:" + std::string(64, 'a')}, "--target"},
  };
  for (const auto& [flags, message] : cases) {
    // Against the fixture's registry, whose log then shows that nothing was sent.
    std::vector<std::string> args = {"bench"};
    if (flags[0] != "--target") args.insert(args.end(), {"--target", dest("bench/x")});
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = layerpush(args);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(count(r.err, "\n"), 1) << "one sentence: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(registry_->requests().size(), 0u) << "no traffic for bad flags";
}

}  // namespace
}  // namespace layerpush::testing
