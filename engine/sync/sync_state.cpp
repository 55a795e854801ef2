#include "engine/sync/sync_state.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/transfer/upload_journal.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {
constexpr std::string_view kHeader = "layerpush-sync 1 ";

std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string shard_text(Shard shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}
}  // namespace

std::filesystem::path SyncState::default_path(const std::string& config_path, Shard shard) {
  const auto uploads = UploadJournal::default_folder();
  if (uploads.empty()) return {};
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(config_path, ec);
  const std::string name = (ec ? std::filesystem::path(config_path) : absolute).string() + " " +
                           shard_text(shard);
  return uploads.parent_path() / "sync" / (hex64(XXH3_64bits(name.data(), name.size())) + ".state");
}

std::string SyncState::run_key(const std::string& config_path, Shard shard) {
  std::ifstream in(config_path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  const std::string text = contents.str() + "\n" + shard_text(shard);
  return hex64(XXH3_64bits(text.data(), text.size()));
}

SyncState::SyncState(std::filesystem::path path, const std::string& run_key)
    : path_(std::move(path)) {
  if (path_.empty()) return;
  const std::string header = std::string(kHeader) + run_key;
  bool ours = false;
  if (std::ifstream in(path_); in) {
    std::string line;
    ours = std::getline(in, line) && line == header && !in.eof();
    while (ours && std::getline(in, line)) {
      if (in.eof()) break;  // no '\n': the record a kill cut short
      std::istringstream fields(line);
      std::string kind, name, digest;
      if (!(fields >> kind >> name >> digest)) continue;
      if (kind == "blob") blobs_.insert(name + "@" + digest);
      if (kind == "image") images_[name] = digest;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (ours ? 0 : O_TRUNC);
  fd_ = ::open(path_.c_str(), flags, 0600);
  if (fd_ < 0)
    throw Error(ErrorKind::kLocalRead, "cannot write the sync checkpoint " + path_.string() +
                                           ": " + std::strerror(errno));
  if (!ours) append(header);
}

SyncState::~SyncState() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyncState::has_blob(const std::string& repository, const std::string& digest) const {
  return blobs_.contains(repository + "@" + digest);
}

std::optional<std::string> SyncState::image(const std::string& destination) const {
  const auto it = images_.find(destination);
  if (it == images_.end()) return std::nullopt;
  return it->second;
}

void SyncState::record_blob(const std::string& repository, const std::string& digest) {
  if (fd_ < 0 || !blobs_.insert(repository + "@" + digest).second) return;
  append("blob " + repository + " " + digest);
}

void SyncState::record_image(const std::string& destination, const std::string& digest) {
  if (fd_ < 0) return;
  images_[destination] = digest;
  append("image " + destination + " " + digest);
}

void SyncState::remove() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void SyncState::append(const std::string& line) {
  // One write per record: O_APPEND keeps it whole against a kill (the page cache has it once
  // write() returns); a failed write only costs a re-check on the next run.
  const std::string record = line + "\n";
  [[maybe_unused]] const auto written = ::write(fd_, record.data(), record.size());
}

}  // namespace layerpush::engine
