#include "tools/layerpush/password_input.h"

namespace layerpush::cli {

void add_refused_password_option(CLI::App& command) {
  // Option callbacks run while the command line is parsed, before required options are checked,
  // so this sentence is the one the user sees; main() reports CLI11's errors with exit status 2.
  command
      .add_option("-p,--password",
                  [](const CLI::results_t&) -> bool {
                    throw CLI::ValidationError(
                        "--password: a password on the command line shows in the process list; "
                        "pass it on standard input with --password-stdin");
                  })
      ->group("");  // hidden from --help
}

std::string read_password_line(std::istream& in) {
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace layerpush::cli
