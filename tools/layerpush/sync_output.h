// What `layerpush sync` shows: a line per image as it ends (and per blob with --dry-run, which is
// the plan) and a summary; or with --json, JSON lines on stdout, one per blob and per image and
// a final summary, for mirror jobs to monitor and for throughput to be measured:
//   {"type":"blob","repository":"host/repo","digest":"sha256:…","bytes":N,
//    "action":"uploaded|exists|mounted","seconds":S,"retries":R,"dry_run":false}
//   {"type":"image","source":"host/repo:tag","destination":"host/repo:tag","digest":"sha256:…",
//    "action":"copied|skipped|planned|refused|failed","seconds":S[,"error":"…"]}
//   {"type":"summary","images":N,"copied":…,"skipped":…,"planned":…,"refused":…,"failed":…,
//    "blobs_uploaded":…,"blobs_mounted":…,"blobs_existing":…,"bytes_uploaded":…,
//    "requests":…,"retries":…,"seconds":S,"state_file":"…"}
// Lives on the thread that runs the sync.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/sync/sync.h"

namespace layerpush::cli {

enum class SyncOutputMode { kLines, kJson, kQuiet };

class SyncOutput : public engine::SyncObserver {
 public:
  SyncOutput(SyncOutputMode mode, bool dry_run) : mode_(mode), dry_run_(dry_run) {}

  void notice(const std::string& sentence) override;
  void blob_done(const engine::SyncBlobReport& report) override;
  void image_done(const engine::SyncImageReport& report) override;

  // The summary; for a run with failures, also one sentence on stderr naming them.
  void finish(const engine::SyncSummary& summary);

 private:
  SyncOutputMode mode_;
  bool dry_run_;
  std::vector<std::string> not_done_;  // "SRC (failed)" for the closing sentence
};

}  // namespace layerpush::cli
