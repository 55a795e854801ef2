#include "tools/layerpush/bench_result.h"

namespace layerpush::cli {

SettingResult summarize(const std::vector<RunResult>& runs) {
  SettingResult s;
  s.jobs = runs.at(0).jobs;
  s.chunk_size = runs.at(0).chunk_size;
  std::vector<double> head, upload, commit;
  for (const auto& run : runs) {
    ++s.runs;
    s.bytes += run.bytes_uploaded;
    s.seconds += run.seconds;
    s.cpu_seconds += run.cpu_seconds;
    s.requests += run.requests;
    s.retries += run.retries;
    for (const auto& blob : run.blobs) {
      ++s.blobs;
      head.push_back(blob.head_seconds * 1e3);
      if (blob.action != engine::BlobAction::kUploaded) {
        ++s.blobs_found;
        continue;  // no upload or commit to time
      }
      upload.push_back(blob.upload_seconds * 1e3);
      commit.push_back(blob.commit_seconds * 1e3);
    }
  }
  s.throughput_mb_per_s = s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0;
  s.head_ms = engine::percentiles(head);
  s.upload_ms = engine::percentiles(upload);
  s.commit_ms = engine::percentiles(commit);
  return s;
}

}  // namespace layerpush::cli
