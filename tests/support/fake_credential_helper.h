// Stand-ins for docker's credential helpers (docker-credential-NAME get/store/erase), written as
// small /bin/sh scripts into a folder that a test puts first on PATH. Each call writes its own
// files; safe from any thread.
#pragma once

#include <filesystem>
#include <string>

namespace layerpush::testing {

// A helper that keeps what `store` gives it as STORE/<server>.json (helper_store_file), answers
// `get` with it, deletes it on `erase`, and answers "credentials not found in native keychain"
// (exit 1) when it has nothing for the server. Every call appends "ACTION SERVER" to
// STORE/calls.log, its arguments to STORE/argv.log and its environment to STORE/env.log, so a
// test can look for a secret where there should be none.
void write_file_backed_helper(const std::filesystem::path& bin, const std::string& name,
                              const std::filesystem::path& store);

// A careless helper that fails every action after printing all it was given (the secret, for
// `store`) on standard output and standard error.
void write_failing_helper(const std::filesystem::path& bin, const std::string& name);

// Where write_file_backed_helper's helper keeps `server`'s credentials.
std::filesystem::path helper_store_file(const std::filesystem::path& store, std::string server);

// "PATH=BIN:…" (this process's PATH after `bin`), for run_command's extra environment.
std::string path_with_first(const std::filesystem::path& bin);

}  // namespace layerpush::testing
