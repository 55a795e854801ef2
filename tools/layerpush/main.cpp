// layerpush: pushes container images to OCI/Docker registries. main() only sets up the
// subcommands and turns errors into exit statuses: 0 done, 1 the push failed, 2 bad usage or
// input. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "engine/util/error.h"
#include "tools/layerpush/commands.h"

int main(int argc, char** argv) {
  using layerpush::engine::Error;
  CLI::App app{"layerpush: pushes container images to registries, fast"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "layerpush 0.1.0");
  const std::vector<layerpush::cli::CommandRunner> commands = {
      layerpush::cli::add_push_command(app), layerpush::cli::add_copy_command(app),
      layerpush::cli::add_tag_command(app),  layerpush::cli::add_sync_command(app),
      layerpush::cli::add_login_command(app), layerpush::cli::add_logout_command(app),
      layerpush::cli::add_bench_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "layerpush: " << e.what() << "; see layerpush --help\n";
    return 2;
  }
  try {
    for (const auto& run : commands)
      if (int status = run(); status >= 0) return status;
    return 2;
  } catch (const Error& e) {
    std::cerr << "layerpush: " << e.what() << "\n";
    return layerpush::engine::exit_status_for(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "layerpush: internal error: " << e.what() << "\n";
    return 1;
  }
}
