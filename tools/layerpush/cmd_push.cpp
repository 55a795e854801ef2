// `layerpush push [options] SOURCE DEST`: pushes one image from an OCI layout or a docker-archive
// to a registry.
#include <cstdio>
#include <iostream>
#include <memory>

#include "engine/byte_size.h"
#include "engine/error.h"
#include "engine/image_source.h"
#include "engine/push.h"
#include "engine/reference.h"
#include "tools/layerpush/commands.h"
#include "tools/layerpush/connection_flags.h"
#include "tools/layerpush/password_input.h"
#include "tools/layerpush/push_output.h"

namespace layerpush::cli {
namespace {
using engine::Error;
using engine::ErrorKind;

struct PushArgs {
  std::string source;
  std::string destination;
  int jobs = 5;
  std::string chunk_size = "0";
  std::string max_request_size = "0";
  int retries = engine::RetrySettings{}.max_retries;
  int timeout_s = static_cast<int>(engine::Timeouts{}.io.count());
  ConnectionFlags connection;
  std::string io;
  std::string authfile;
  std::string username;
  bool password_stdin = false;
  bool json = false;
  bool quiet = false;
};

engine::PushOptions to_options(const PushArgs& args, const engine::Reference& destination) {
  engine::PushOptions options;
  if (args.jobs < 1 || args.jobs > 256)
    throw Error(ErrorKind::kUsage, "--jobs is " + std::to_string(args.jobs) + "; it must be 1 to 256");
  options.jobs = args.jobs;
  auto chunk = engine::parse_byte_size(args.chunk_size);
  if (!chunk)
    throw Error(ErrorKind::kUsage, "--chunk-size \"" + args.chunk_size +
                                       "\" is not a size such as 0, 8M or 16777216");
  options.chunk_size = *chunk;
  auto max_request = engine::parse_byte_size(args.max_request_size);
  if (!max_request)
    throw Error(ErrorKind::kUsage, "--max-request-size \"" + args.max_request_size +
                                       "\" is not a size such as 0, 4M or 4194304");
  options.max_request_size = *max_request;
  if (args.retries < 0 || args.retries > 100)
    throw Error(ErrorKind::kUsage, "--retries is " + std::to_string(args.retries) + "; it must be 0 to 100");
  options.retry.max_retries = args.retries;
  if (args.timeout_s < 1 || args.timeout_s > 3600)
    throw Error(ErrorKind::kUsage, "--timeout is " + std::to_string(args.timeout_s) + "; it must be 1 to 3600 seconds");
  options.timeouts.io = std::chrono::seconds(args.timeout_s);
  options.timeouts.connect = std::min(options.timeouts.connect, options.timeouts.io);
  options.plain_http = use_plain_http(args.connection, destination.registry);
  options.tls = tls_settings(args.connection, destination.registry);
  if (!args.io.empty()) {
    options.io_backend = io::parse_backend(args.io);
    if (!options.io_backend)
      throw Error(ErrorKind::kUsage, "--io is \"" + args.io + "\"; it must be io_uring or pread");
  }
  if (!args.authfile.empty()) options.authfile = args.authfile;
  if (args.password_stdin && args.username.empty())
    throw Error(ErrorKind::kUsage, "--password-stdin needs --username");
  if (!args.username.empty()) {
    if (!args.password_stdin)
      throw Error(ErrorKind::kUsage, "--username needs --password-stdin (a password on the "
                                     "command line would show in the process list)");
    options.credentials = engine::Credentials{args.username, read_password_line(std::cin), "", ""};
  }
  return options;
}

int run_push(const PushArgs& args) {
  engine::Reference destination;
  try {
    destination = engine::parse_reference(args.destination);
  } catch (const engine::ReferenceError& e) {
    throw Error(ErrorKind::kUsage, "destination \"" + args.destination + "\" is invalid: " + e.what());
  }
  const auto options = to_options(args, destination);
  if (!options.tls.verify)
    std::fprintf(stderr, "layerpush: warning: TLS certificates are not verified for %s\n",
                 destination.registry.c_str());
  engine::Image image = engine::load_source(args.source);
  const OutputMode mode =
      args.quiet ? OutputMode::kQuiet : args.json ? OutputMode::kJson : OutputMode::kProgress;
  PushOutput output(mode, image, stderr);
  engine::PushReport report;
  try {
    report = engine::push_image(std::move(image), destination, options, &output);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kInput) throw;
    throw Error(e.kind(), "push of " + destination.str() + " failed: " + e.what());
  }
  output.finish(report, destination.manifest_reference());
  return 0;
}
}  // namespace

CommandRunner add_push_command(CLI::App& app) {
  auto args = std::make_shared<PushArgs>();
  auto* push = app.add_subcommand("push", "Push an image from an OCI layout or docker-archive");
  push->add_option("SOURCE", args->source,
                   "oci:DIR[:TAG|@DIGEST], docker-archive:FILE[:REF], or a path")
      ->required();
  push->add_option("DEST", args->destination, "HOST[:PORT]/REPO[:TAG|@DIGEST]")->required();
  push->add_option("-j,--jobs", args->jobs, "Blobs in flight at once")->capture_default_str();
  push->add_option("--chunk-size", args->chunk_size,
                   "0 sends each blob in one request; else PATCH chunks of this size (e.g. 8M)")
      ->capture_default_str();
  push->add_option("--max-request-size", args->max_request_size,
                   "Largest request body; bigger blobs go in chunks of this size (0: no limit)")
      ->capture_default_str();
  push->add_option("--retries", args->retries,
                   "Times one request or chunk is tried again after a transient failure")
      ->capture_default_str();
  push->add_option("--timeout", args->timeout_s,
                   "Seconds a connection may make no progress before the request is retried")
      ->capture_default_str();
  add_connection_flags(*push, args->connection);
  push->add_option("--io", args->io, "Force the file reader: io_uring or pread (or LAYERPUSH_IO)");
  push->add_option("--authfile", args->authfile,
                   "Docker config file with credentials (default $DOCKER_CONFIG/config.json, "
                   "then ~/.docker/config.json)");
  push->add_option("--username", args->username, "User name for the registry (with --password-stdin)");
  push->add_flag("--password-stdin", args->password_stdin, "Read the password from standard input");
  add_refused_password_option(*push);
  push->add_flag("--json", args->json, "Print one JSON summary on stdout");
  push->add_flag("-q,--quiet", args->quiet, "Print only the manifest digest");
  return [push, args] { return push->parsed() ? run_push(*args) : -1; };
}

}  // namespace layerpush::cli
