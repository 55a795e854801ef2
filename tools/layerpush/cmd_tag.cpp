// `layerpush tag [options] REF NEWTAG`: adds a tag to an image already in a registry by putting
// its manifest again under NEWTAG. No blob is read or sent; an existing tag that points at
// another image is refused unless --force.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/registry/tag.h"
#include "engine/util/error.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/push_output.h"
#include "tools/layerpush/registry_flags.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;
using engine::TagAction;

struct TagArgs {
  std::string source;
  std::string new_tag;
  RegistryFlags registry;
  bool force = false;
  bool json = false;
  bool quiet = false;
};

const char* action_name(TagAction action) {
  switch (action) {
    case TagAction::kAdded:
      return "added";
    case TagAction::kMoved:
      return "moved";
    case TagAction::kUnchanged:
      return "unchanged";
  }
  return "?";
}

void print_report(const TagArgs& args, const engine::TagReport& report) {
  if (args.quiet) {
    std::printf("%s\n", report.manifest_digest.c_str());
    return;
  }
  if (args.json) {
    nlohmann::ordered_json doc = {{"reference", report.reference},
                                  {"source", report.source},
                                  {"manifest_digest", report.manifest_digest},
                                  {"manifest_size", report.manifest_size},
                                  {"media_type", report.media_type},
                                  {"action", action_name(report.action)}};
    if (report.action == TagAction::kMoved) doc["previous_digest"] = report.previous_digest;
    doc["requests"] = report.requests;
    doc["seconds"] = report.seconds;
    std::printf("%s\n", doc.dump().c_str());
    return;
  }
  print_digest_line(args.new_tag, report.manifest_digest, report.manifest_size);
  if (report.action == TagAction::kUnchanged)
    std::fprintf(stderr, "tag %s already points at %s; nothing changed\n", args.new_tag.c_str(),
                 report.manifest_digest.c_str());
  else if (report.action == TagAction::kMoved)
    std::fprintf(stderr, "moved tag %s from %s\n", args.new_tag.c_str(),
                 report.previous_digest.c_str());
}

int run_tag(const TagArgs& args) {
  const auto source = parse_reference_argument("reference", args.source);
  engine::TagOptions options;
  options.force = args.force;
  apply_registry_flags(args.registry, source.registry, options);
  engine::TagReport report;
  try {
    report = engine::tag_image(source, args.new_tag, options);
  } catch (const Error& e) {
    // These already say all there is to say, without "tagging … failed".
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput ||
        e.kind() == ErrorKind::kTagTaken)
      throw;
    throw Error(e.kind(),
                "tagging " + source.str() + " as " + args.new_tag + " failed: " + e.what());
  }
  print_report(args, report);
  return 0;
}
}  // namespace

CommandRunner add_tag_command(CLI::App& app) {
  auto args = std::make_shared<TagArgs>();
  auto* tag =
      app.add_subcommand("tag", "Add a tag to an image already in a registry (no blob is sent)");
  tag->add_option("REF", args->source, "HOST[:PORT]/REPO:TAG or HOST[:PORT]/REPO@sha256:…")
      ->required();
  tag->add_option("NEWTAG", args->new_tag, "The tag to add, in the same repository")->required();
  add_registry_flags(*tag, args->registry);
  tag->add_flag("--force", args->force, "Move NEWTAG when it points at another image");
  tag->add_flag("--json", args->json, "Print one JSON summary on stdout");
  tag->add_flag("-q,--quiet", args->quiet, "Print only the manifest digest");
  return [tag, args] { return tag->parsed() ? run_tag(*args) : -1; };
}

}  // namespace layerpush::cli
