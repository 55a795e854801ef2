#include "tests/support/mkimage.h"

#include <stdexcept>

#include "tests/support/process.h"

namespace layerpush::testing {

std::string run_mkimage(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {built_program("layerpush-mkimage").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = run_command(argv);
  if (r.exit_code != 0)
    throw std::runtime_error("layerpush-mkimage failed (exit " + std::to_string(r.exit_code) +
                             "; build the layerpush-mkimage target first): " + r.err);
  return r.out;
}

}  // namespace layerpush::testing
