// --retries and --timeout, as every command that talks to registries takes them (push, copy,
// tag through registry_flags.h; sync directly), registered and checked in one place.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/http/http_connection.h"
#include "engine/registry/retry_policy.h"

namespace layerpush::cli {

struct RetryFlags {
  int retries = engine::RetrySettings{}.max_retries;
  int timeout_s = static_cast<int>(engine::Timeouts{}.io.count());
  std::string prefix;  // as registered, so a bad value is named as typed: --src-retries
};

// With a `prefix` ("src-"): --src-retries, --src-timeout.
void add_retry_flags(CLI::App& command, RetryFlags& flags, const std::string& prefix = "");

// Throws engine::Error(kUsage) for a value out of range.
void apply_retry_flags(const RetryFlags& flags, engine::RetrySettings& retry,
                       engine::Timeouts& timeouts);

}  // namespace layerpush::cli
