// `layerpush copy [options] SRC DST`: copies one image to a registry. SRC is another registry
// (docker://REF), whose blobs stream from its GETs straight into the destination's uploads,
// checked against their digests on the way, or an OCI layout or docker-archive, which is a
// push. Between two repositories of one registry, blobs are mounted instead of sent.
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/error.h"
#include "engine/image_source.h"
#include "engine/platform.h"
#include "engine/registry_source.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/push_flags.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;
constexpr std::string_view kRegistryTransport = "docker://";

struct CopyArgs {
  std::string source;
  std::string destination;
  PushFlags flags;
  RegistryFlags source_registry;
  std::vector<std::string> platforms;
};

std::vector<engine::Platform> parse_platforms(const std::vector<std::string>& texts) {
  std::vector<engine::Platform> platforms;
  for (const auto& text : texts) {
    try {
      platforms.push_back(engine::parse_platform(text));
    } catch (const std::invalid_argument& e) {
      throw Error(ErrorKind::kUsage, std::string("--platform: ") + e.what());
    }
  }
  return platforms;
}

// Reads the source registry's manifests; the blobs are read later, while they are sent.
engine::Image load_registry_source(const CopyArgs& args, const engine::Reference& source,
                                   const engine::Reference& destination,
                                   engine::PushOptions& options) {
  if (args.flags.registry.password_stdin && args.source_registry.password_stdin)
    throw Error(ErrorKind::kUsage,
                "--password-stdin and --src-password-stdin cannot both read standard input");
  engine::RegistryOptions source_options;
  apply_registry_flags(args.source_registry, source.registry, source_options);
  // One registry, two repositories: the destination can mount what the source holds.
  if (source.registry == destination.registry && source.repository != destination.repository &&
      source_options.plain_http == options.plain_http)
    options.mount_from = source.repository;
  try {
    return engine::load_registry_image(source, source_options, parse_platforms(args.platforms));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput) throw;
    throw Error(e.kind(), "reading the source " + source.str() + " failed: " + e.what());
  }
}

int run_copy(const CopyArgs& args) {
  // Both arguments are checked before any traffic.
  if (!args.destination.starts_with(kRegistryTransport))
    throw Error(ErrorKind::kUsage, "destination \"" + args.destination +
                                       "\" must be a registry: docker://HOST/REPO[:TAG]");
  const auto destination = parse_reference_argument(
      "destination", args.destination.substr(kRegistryTransport.size()));
  parse_platforms(args.platforms);
  auto options = to_push_options(args.flags, destination);
  engine::Image image;
  if (args.source.starts_with(kRegistryTransport)) {
    const auto source =
        parse_reference_argument("source", args.source.substr(kRegistryTransport.size()));
    image = load_registry_source(args, source, destination, options);
  } else if (args.source.starts_with("oci:") || args.source.starts_with("docker-archive:")) {
    if (!args.platforms.empty())
      throw Error(ErrorKind::kUsage, "--platform applies to docker:// sources only");
    image = engine::load_source(args.source);
  } else {
    throw Error(ErrorKind::kUsage, "source \"" + args.source +
                                       "\" must be docker://REF, oci:DIR[:TAG] or "
                                       "docker-archive:FILE[:REF]");
  }
  return push_and_report(std::move(image), destination, options, args.flags, "copy");
}
}  // namespace

CommandRunner add_copy_command(CLI::App& app) {
  auto args = std::make_shared<CopyArgs>();
  auto* copy = app.add_subcommand("copy", "Copy an image from a registry, OCI layout or "
                                          "docker-archive to a registry");
  copy->add_option("SRC", args->source,
                   "docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG] or docker-archive:FILE[:REF]")
      ->required();
  copy->add_option("DST", args->destination, "docker://HOST[:PORT]/REPO[:TAG|@DIGEST]")
      ->required();
  copy->add_option("--platform", args->platforms,
                   "Copy only this platform of a multi-platform image: os/arch[/variant] "
                   "(repeatable); the index is rewritten to list only those");
  add_push_flags(*copy, args->flags);
  add_registry_flags(*copy, args->source_registry, "src-");
  return [copy, args] { return copy->parsed() ? run_copy(*args) : -1; };
}

}  // namespace layerpush::cli
