#include "engine/transfer/upload_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hashing/sha256.h"

namespace layerpush::engine {

std::filesystem::path UploadJournal::default_folder() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::filesystem::path(state) / "layerpush" / "uploads";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "state" / "layerpush" / "uploads";
  return {};
}

std::filesystem::path UploadJournal::file_for(const std::string& where,
                                              const hashing::Digest& digest) const {
  // Named by a hash of the key: registry and repository names may hold characters a file name
  // cannot, and the name stays short.
  const auto key = hashing::sha256_of(where + "@" + digest.str());
  return folder_ / (std::string(key.hex().substr(0, 32)) + ".json");
}

std::optional<UploadJournal::Entry> UploadJournal::find(const std::string& where,
                                                        const hashing::Digest& digest) const {
  if (folder_.empty()) return std::nullopt;
  std::ifstream in(file_for(where, digest));
  if (!in) return std::nullopt;
  const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  // A file for another key (a hash collision) or a damaged one is not ours to trust.
  if (!doc.is_object() || doc.value("where", "") != where || doc.value("digest", "") != digest.str() ||
      !doc.contains("location") || !doc["location"].is_string() || !doc.contains("offset") ||
      !doc["offset"].is_number_unsigned())
    return std::nullopt;
  return Entry{doc["location"].get<std::string>(), doc["offset"].get<std::uint64_t>()};
}

void UploadJournal::save(const std::string& where, const hashing::Digest& digest,
                         const Entry& entry) const {
  if (folder_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  const auto path = file_for(where, digest);
  const auto temporary = path.string() + ".tmp";
  const std::string text = nlohmann::json{{"where", where},
                                          {"digest", digest.str()},
                                          {"location", entry.location},
                                          {"offset", entry.offset}}
                               .dump();
  // Not fsync'ed: after a crash of the machine the registry is asked anyway, and a lost entry
  // only costs sending the blob again.
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path.c_str()) != 0) ::unlink(temporary.c_str());
}

void UploadJournal::forget(const std::string& where, const hashing::Digest& digest) const {
  if (folder_.empty()) return;
  std::error_code ignored;  // already gone is fine
  std::filesystem::remove(file_for(where, digest), ignored);
}

}  // namespace layerpush::engine
