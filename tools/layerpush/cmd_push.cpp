// `layerpush push [options] SOURCE DEST`: pushes one image from an OCI layout or a docker-archive
// to a registry.
#include <memory>

#include "engine/image/image_source.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/push_flags.h"

namespace layerpush::cli {
namespace {

struct PushArgs {
  std::string source;
  std::string destination;
  PushFlags flags;
};

int run_push(const PushArgs& args) {
  const auto destination = parse_reference_argument("destination", args.destination);
  const auto options = to_push_options(args.flags, destination);
  engine::Image image = engine::load_source(args.source);
  return push_and_report(std::move(image), destination, options, args.flags, "push");
}
}  // namespace

CommandRunner add_push_command(CLI::App& app) {
  auto args = std::make_shared<PushArgs>();
  auto* push = app.add_subcommand("push", "Push an image from an OCI layout or docker-archive");
  push->add_option("SOURCE", args->source,
                   "oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF], or a path")
      ->required();
  push->add_option("DEST", args->destination, "HOST[:PORT]/REPO[:TAG|@DIGEST]")->required();
  add_push_flags(*push, args->flags);
  return [push, args] { return push->parsed() ? run_push(*args) : -1; };
}

}  // namespace layerpush::cli
