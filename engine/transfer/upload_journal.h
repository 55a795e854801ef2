// Upload sessions kept on disk, so a push that was killed part way continues where the registry
// stands instead of sending every byte again. One small JSON file per session (registry,
// repository and blob digest -> Location and acknowledged offset) in a folder, so concurrent
// pushes never rewrite each other's state; written atomically (temporary file, rename).
// The journal only saves work: an entry that cannot be read or written is ignored, and the
// registry is always asked where a session stands before it is trusted. Upload URLs carry no
// credentials. Thread-compatible: used from the network thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hashing/digest.h"

namespace layerpush::engine {

class UploadJournal {
 public:
  // An empty folder turns the journal off.
  explicit UploadJournal(std::filesystem::path folder) : folder_(std::move(folder)) {}

  // $XDG_STATE_HOME/layerpush/uploads, else ~/.local/state/layerpush/uploads; empty without home.
  static std::filesystem::path default_folder();

  struct Entry {
    std::string location;  // absolute URL of the session's newest Location
    std::uint64_t offset = 0;  // bytes the registry acknowledged
  };
  std::optional<Entry> find(const std::string& where, const hashing::Digest& digest) const;
  void save(const std::string& where, const hashing::Digest& digest, const Entry& entry) const;
  void forget(const std::string& where, const hashing::Digest& digest) const;

 private:
  std::filesystem::path file_for(const std::string& where, const hashing::Digest& digest) const;
  std::filesystem::path folder_;
};

}  // namespace layerpush::engine
