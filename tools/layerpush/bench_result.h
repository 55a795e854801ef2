// What `layerpush bench` measures: one push (a run) and a setting's runs summed up (jobs and
// chunk size; every repetition). Throughput is the blob bytes uploaded over the pushes' wall
// time, in decimal MB/s; latencies are per blob, over every run of the setting. Plain data and
// pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/transfer/push.h"
#include "engine/util/percentiles.h"

namespace layerpush::cli {

struct RunResult {
  int jobs = 0;
  std::uint64_t chunk_size = 0;
  std::string destination;  // where it went, "HOST/REPO:TAG"
  std::string manifest_digest;
  double seconds = 0;
  std::uint64_t bytes_uploaded = 0;
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  double cpu_seconds = 0;
  std::vector<engine::BlobReport> blobs;  // the blobs whose latencies count
};

struct SettingResult {
  int jobs = 0;
  std::uint64_t chunk_size = 0;
  int runs = 0;
  int blobs = 0;        // blob reports the latencies are taken over
  int blobs_found = 0;  // of those, ones HEAD found already there (sent nothing)
  std::uint64_t bytes = 0;
  double seconds = 0;
  double throughput_mb_per_s = 0;
  engine::Percentiles head_ms, upload_ms, commit_ms;
  double cpu_seconds = 0;  // summed over the runs
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
};

// The runs must share one setting; at least one.
SettingResult summarize(const std::vector<RunResult>& runs);

}  // namespace layerpush::cli
