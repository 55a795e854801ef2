// `layerpush copy [options] SRC DST`: copies one image to a registry or into an OCI layout. SRC
// is another registry (docker://REF), whose blobs stream from its GETs straight into the
// destination, checked against their digests on the way, or an OCI layout or docker-archive.
// To a registry it is a push; between two repositories of one registry, blobs are mounted
// instead of sent. To oci:DIR[:TAG] the blobs are written into the layout's folder.
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "engine/copy/oci_layout_writer.h"
#include "engine/image/image_source.h"
#include "engine/image/oci_reference.h"
#include "engine/image/platform.h"
#include "engine/registry/registry_source.h"
#include "engine/util/error.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/layout_output.h"
#include "tools/layerpush/push_flags.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;
constexpr std::string_view kRegistryTransport = "docker://";
constexpr std::string_view kLayoutTransport = "oci:";
// Options of a registry destination, refused when DST is a folder rather than ignored.
constexpr const char* kRegistryOnlyFlags[] = {
    "--chunk-size", "--max-request-size", "--retries",        "--timeout",
    "--authfile",   "--username",         "--password-stdin", "--plain-http",
    "--tls-verify", "--ca-file",          "--cert-file",      "--key-file"};

struct CopyArgs {
  std::string source;
  std::string destination;
  PushFlags flags;
  RegistryFlags source_registry;
  std::vector<std::string> platforms;
  std::vector<std::string> given_registry_flags;  // those of kRegistryOnlyFlags on the command line
};

// What SRC names; for docker:// sources, where it was read from.
struct CopySource {
  engine::Image image;
  std::optional<engine::Reference> registry;
  engine::RegistryOptions options;
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
                                   const engine::RegistryOptions& source_options) {
  try {
    return engine::load_registry_image(source, source_options, parse_platforms(args.platforms));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput) throw;
    throw Error(e.kind(), "reading the source " + source.str() + " failed: " + e.what());
  }
}

CopySource load_copy_source(const CopyArgs& args) {
  CopySource out;
  if (args.source.starts_with(kRegistryTransport)) {
    if (args.flags.registry.password_stdin && args.source_registry.password_stdin)
      throw Error(ErrorKind::kUsage,
                  "--password-stdin and --src-password-stdin cannot both read standard input");
    out.registry =
        parse_reference_argument("source", args.source.substr(kRegistryTransport.size()));
    apply_registry_flags(args.source_registry, out.registry->registry, out.options);
    out.image = load_registry_source(args, *out.registry, out.options);
  } else if (args.source.starts_with("oci:") || args.source.starts_with("docker-archive:")) {
    if (!args.platforms.empty())
      throw Error(ErrorKind::kUsage, "--platform applies to docker:// sources only");
    out.image = engine::load_source(args.source);
  } else {
    throw Error(ErrorKind::kUsage, "source \"" + args.source +
                                       "\" must be docker://REF, oci:DIR[:TAG] or "
                                       "docker-archive:FILE[:REF]");
  }
  return out;
}

int copy_to_registry(const CopyArgs& args) {
  const auto destination =
      parse_reference_argument("destination", args.destination.substr(kRegistryTransport.size()));
  parse_platforms(args.platforms);
  auto options = to_push_options(args.flags, destination);
  auto source = load_copy_source(args);
  // One registry, two repositories: the destination can mount what the source holds.
  if (source.registry && source.registry->registry == destination.registry &&
      source.registry->repository != destination.repository &&
      source.options.plain_http == options.plain_http)
    options.mount_from = source.registry->repository;
  return push_and_report(std::move(source.image), destination, options, args.flags, "copy");
}

// Without a TAG the manifest goes into the index untagged, as skopeo leaves it, whatever the
// source's tag: a folder shared by several copies then never has a tag moved by surprise.
int copy_to_layout(const CopyArgs& args) {
  if (!args.given_registry_flags.empty())
    throw Error(ErrorKind::kUsage, args.given_registry_flags.front() +
                                       " applies to a registry destination, not to " +
                                       args.destination);
  const auto [dir, tag] =
      engine::split_oci_reference(args.destination.substr(kLayoutTransport.size()));
  if (dir.empty() || (tag && (tag->empty() || tag->starts_with("sha256:"))))
    throw Error(ErrorKind::kUsage, "destination \"" + args.destination +
                                       "\" must be oci:DIR or oci:DIR:TAG (a tag, not a digest)");
  parse_platforms(args.platforms);
  engine::LayoutWriteOptions options;
  options.jobs = checked_jobs(args.flags.jobs);
  options.tag = tag;
  options.no_clobber = args.flags.no_clobber;
  options.io_backend = checked_io(args.flags.io);
  options.compression = compression_settings(args.flags);
  auto source = load_copy_source(args);
  options.retry = source.options.retry;  // for blobs read from a registry
  LayoutOutput output(output_mode(args.flags), stderr);
  engine::LayoutReport report;
  try {
    report = engine::copy_into_oci_layout(std::move(source.image), dir, options, &output);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput ||
        e.kind() == ErrorKind::kTagTaken)
      throw;
    throw Error(e.kind(), "copy to " + args.destination + " failed: " + e.what());
  }
  output.finish(report, dir + (tag ? ":" + *tag : ""));
  return 0;
}

int run_copy(const CopyArgs& args) {
  // Both arguments are checked before any traffic.
  if (args.destination.starts_with(kRegistryTransport)) return copy_to_registry(args);
  if (args.destination.starts_with(kLayoutTransport)) return copy_to_layout(args);
  throw Error(ErrorKind::kUsage, "destination \"" + args.destination +
                                     "\" must be docker://HOST/REPO[:TAG] or oci:DIR[:TAG]");
}
}  // namespace

CommandRunner add_copy_command(CLI::App& app) {
  auto args = std::make_shared<CopyArgs>();
  auto* copy = app.add_subcommand("copy",
                                  "Copy an image from a registry, OCI layout or "
                                  "docker-archive to a registry or an OCI layout");
  copy->add_option("SRC", args->source,
                   "docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:TAG] or docker-archive:FILE[:REF]")
      ->required();
  copy->add_option("DST", args->destination,
                   "docker://HOST[:PORT]/REPO[:TAG|@DIGEST], or oci:DIR[:TAG] (made if missing; "
                   "without TAG the image is added untagged, as skopeo does, whatever the "
                   "source's tag; an older image of TAG is replaced unless --no-clobber)")
      ->required();
  copy->add_option("--platform", args->platforms,
                   "Copy only this platform of a multi-platform image: os/arch[/variant] "
                   "(repeatable); the index is rewritten to list only those");
  add_push_flags(*copy, args->flags);
  add_registry_flags(*copy, args->source_registry, "src-");
  return [copy, args] {
    if (!copy->parsed()) return -1;
    for (const char* name : kRegistryOnlyFlags)
      if (copy->count(name) > 0) args->given_registry_flags.push_back(name);
    return run_copy(*args);
  };
}

}  // namespace layerpush::cli
