// Helpers for the sync config tests: write YAML text to a file in a temporary folder, load it,
// and catch the one-sentence refusal. Each test gets its own folder.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "engine/sync/sync_config.h"
#include "engine/util/error.h"
#include "tests/support/process.h"

namespace layerpush::engine {

class SyncConfigFiles : public ::testing::Test {
 protected:
  // The path of a new file `name` holding `yaml`.
  std::string write(const std::string& yaml, const std::string& name = "sync.yaml") {
    const auto path = (dir_.path() / name).string();
    std::ofstream(path) << yaml;
    return path;
  }
  SyncConfig load(const std::string& yaml) { return load_sync_config(write(yaml)); }
  // The message of the Error loading `yaml` throws, after "sync config PATH: ", checking that
  // it is an input error (exit 2); or "(accepted)".
  std::string error_of(const std::string& yaml) {
    const auto path = write(yaml);
    try {
      load_sync_config(path);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      const std::string message = e.what();
      const std::string prefix = "sync config " + path + ": ";
      EXPECT_EQ(message.substr(0, prefix.size()), prefix);
      return message.substr(prefix.size());
    }
    return "(accepted)";
  }
  testing::TempDir dir_{"layerpush-sync-config"};
};

}  // namespace layerpush::engine
