// The upload journal: sessions saved, found, replaced and forgotten per registry, repository and
// digest; damaged or foreign entries are never trusted; no folder means no journal.
#include "engine/transfer/upload_journal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "hashing/sha256.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

const hashing::Digest kBlob = hashing::sha256_of("blob");
const hashing::Digest kOther = hashing::sha256_of("other");

TEST(UploadJournalTest, SavesFindsReplacesAndForgets) {
  testing::TempDir dir;
  UploadJournal journal(dir.path() / "uploads");
  EXPECT_FALSE(journal.find("r:5000/a", kBlob));
  journal.save("r:5000/a", kBlob, {"http://r:5000/v2/a/blobs/uploads/1?_state=x", 0});
  journal.save("r:5000/a", kBlob, {"http://r:5000/v2/a/blobs/uploads/1?_state=y", 4096});
  auto entry = journal.find("r:5000/a", kBlob);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->location, "http://r:5000/v2/a/blobs/uploads/1?_state=y");
  EXPECT_EQ(entry->offset, 4096u);
  // Keyed by repository and digest both.
  EXPECT_FALSE(journal.find("r:5000/b", kBlob));
  EXPECT_FALSE(journal.find("r:5000/a", kOther));
  // Private to the user: upload URLs are not secrets, but they are nobody else's business.
  struct stat st{};
  ASSERT_EQ(::stat((dir.path() / "uploads").c_str(), &st), 0);
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() / "uploads")) {
    ASSERT_EQ(::stat(f.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f.path();
    ++files;
  }
  EXPECT_EQ(files, 1);
  journal.forget("r:5000/a", kBlob);
  EXPECT_FALSE(journal.find("r:5000/a", kBlob));
  journal.forget("r:5000/a", kBlob);  // twice is fine
}

TEST(UploadJournalTest, DamagedEntriesAreIgnored) {
  testing::TempDir dir;
  UploadJournal journal(dir.path());
  journal.save("r/a", kBlob, {"http://r/u", 10});
  std::filesystem::path file;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) file = f.path();
  for (const std::string text : {"", "{", "[]", R"({"where":"r/a","digest":"x","location":"http://r/u","offset":10})",
                                 R"({"where":"r/b","location":"http://r/u","offset":10})",
                                 R"({"where":"r/a","location":5,"offset":10})",
                                 R"({"where":"r/a","location":"http://r/u","offset":-1})"}) {
    std::ofstream(file, std::ios::trunc) << text;
    EXPECT_FALSE(journal.find("r/a", kBlob)) << text;
  }
}

TEST(UploadJournalTest, AnEmptyFolderTurnsItOff) {
  UploadJournal journal{std::filesystem::path()};
  journal.save("r/a", kBlob, {"http://r/u", 10});
  EXPECT_FALSE(journal.find("r/a", kBlob));
}

TEST(UploadJournalTest, DefaultFolderFollowsXdgStateHome) {
  const char* saved = std::getenv("XDG_STATE_HOME");
  const std::string restore = saved ? saved : "";
  ::setenv("XDG_STATE_HOME", "/state", 1);
  EXPECT_EQ(UploadJournal::default_folder(), "/state/layerpush/uploads");
  ::unsetenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  if (home) {
    EXPECT_EQ(UploadJournal::default_folder(),
              std::filesystem::path(home) / ".local/state/layerpush/uploads");
  }
  if (saved) ::setenv("XDG_STATE_HOME", restore.c_str(), 1);
}

}  // namespace
}  // namespace layerpush::engine
