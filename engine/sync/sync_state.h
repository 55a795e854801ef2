// The checkpoint of one `layerpush sync` run: which blobs are in which destination repository
// and which images are done, appended as they happen, so a run that was killed and is started
// again (same config, same shard) goes on from there instead of checking everything again.
// A run that ends with nothing failed removes the file: the next run starts fresh and finds
// unchanged images by their HEAD. Blobs part way through an upload are the upload journal's
// (engine/transfer/upload_journal.h), not this file's.
//
// The file is plain text, one record per line, each written with one append (a SIGKILL loses at
// most the record being written, and a torn last line is ignored on reading):
//   layerpush-sync 1 RUN_KEY
//   blob HOST/REPO sha256:…
//   image HOST/REPO:TAG sha256:…
// A file with another first line (another config or shard, another version) is started over.
// Used from the network thread only.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "engine/sync/shard.h"

namespace layerpush::engine {

class SyncState {
 public:
  // $XDG_STATE_HOME/layerpush/sync/NAME.state (else ~/.local/state/...), NAME from the config
  // file's absolute path and the shard, so runs of different configs or shards never share one.
  // Empty without a home folder.
  static std::filesystem::path default_path(const std::string& config_path, Shard shard);
  // What makes two runs "the same": the config file's contents and the shard.
  static std::string run_key(const std::string& config_path, Shard shard);

  // Reads what an earlier run with this key recorded, then opens the file for appending.
  // An empty path turns checkpoints off. Throws engine::Error(kLocalRead) when the file cannot
  // be created (a checkpoint asked for and not kept would mislead).
  SyncState(std::filesystem::path path, const std::string& run_key);
  ~SyncState();
  SyncState(const SyncState&) = delete;
  SyncState& operator=(const SyncState&) = delete;

  bool has_blob(const std::string& repository, const std::string& digest) const;
  // The manifest digest an earlier run put under `destination` ("host/repo:tag").
  std::optional<std::string> image(const std::string& destination) const;
  std::size_t recorded() const { return blobs_.size() + images_.size(); }

  void record_blob(const std::string& repository, const std::string& digest);
  void record_image(const std::string& destination, const std::string& digest);
  // The run is complete: the file goes.
  void remove();
  const std::filesystem::path& path() const { return path_; }

 private:
  void append(const std::string& line);
  std::filesystem::path path_;
  int fd_ = -1;
  std::set<std::string> blobs_;                // "HOST/REPO@sha256:…"
  std::map<std::string, std::string> images_;  // destination -> digest
};

}  // namespace layerpush::engine
