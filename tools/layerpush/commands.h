// The subcommands of the layerpush program. Each add_*_command registers its options on the app
// and returns the function that runs it once the command line has been parsed (it returns the
// exit status, and throws engine::Error for main() to report).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace layerpush::cli {

// A runner returns -1 when its subcommand was not the one on the command line.
using CommandRunner = std::function<int()>;

CommandRunner add_push_command(CLI::App& app);
CommandRunner add_copy_command(CLI::App& app);
CommandRunner add_tag_command(CLI::App& app);
CommandRunner add_sync_command(CLI::App& app);
CommandRunner add_login_command(CLI::App& app);
CommandRunner add_logout_command(CLI::App& app);
CommandRunner add_bench_command(CLI::App& app);

}  // namespace layerpush::cli
