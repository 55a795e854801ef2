// LocalRegistry's failure paths, driven by a fake docker-registry placed first in PATH.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/process.h"
#include "tests/support/registry.h"

namespace layerpush::testing {
namespace {

// Puts an executable `docker-registry` with `script` as its body first in PATH while alive.
class FakeRegistry {
 public:
  explicit FakeRegistry(const std::string& script) : old_path_(::getenv("PATH")) {
    auto program = dir_.path() / "docker-registry";
    std::ofstream(program) << "#!/bin/sh\n" << script;
    ::chmod(program.c_str(), 0755);
    ::setenv("PATH", (dir_.path().string() + ":" + old_path_).c_str(), 1);
  }
  ~FakeRegistry() { ::setenv("PATH", old_path_.c_str(), 1); }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::string old_path_;
};

TEST(LocalRegistryFailureTest, ARegistryThatExitsFailsTheStartWithItsLog) {
  FakeRegistry fake("echo 'level=fatal msg=\"configuration broken\"'\nexit 1\n");
  try {
    LocalRegistry::start();
    ADD_FAILURE() << "start() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("docker-registry exited"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("configuration broken"), std::string::npos) << e.what();
  }
}

TEST(LocalRegistryFailureTest, APortTakenMeanwhileIsRetriedWithAnother) {
  // The first run reports the bind failure docker-registry prints; later runs are the real one.
  FakeRegistry fake(
      "if [ ! -e \"$(dirname \"$0\")/ran\" ]; then touch \"$(dirname \"$0\")/ran\"\n"
      "  echo 'level=fatal msg=\"listen tcp 127.0.0.1:1: bind: address already in use\"'\n"
      "  exit 1\nfi\nexec /usr/bin/docker-registry \"$@\"\n");
  auto registry = LocalRegistry::start();
  EXPECT_TRUE(std::filesystem::exists(fake.dir() / "ran"));
  auto r = run_command({"curl", "-s", "http://" + registry->host() + "/v2/"});
  EXPECT_EQ(r.out, "{}");
}

}  // namespace
}  // namespace layerpush::testing
