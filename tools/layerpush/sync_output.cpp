#include "tools/layerpush/sync_output.h"

#include <nlohmann/json.hpp>

#include "tools/layerpush/push_output.h"

namespace layerpush::cli {
namespace {
const char* action_name(engine::BlobAction action) {
  switch (action) {
    case engine::BlobAction::kUploaded: return "uploaded";
    case engine::BlobAction::kMounted: return "mounted";
    case engine::BlobAction::kExists: break;
  }
  return "exists";
}

const char* action_name(engine::ImageAction action) {
  switch (action) {
    case engine::ImageAction::kCopied: return "copied";
    case engine::ImageAction::kSkipped: return "skipped";
    case engine::ImageAction::kPlanned: return "planned";
    case engine::ImageAction::kRefused: return "refused";
    case engine::ImageAction::kFailed: break;
  }
  return "failed";
}

void print_json(const nlohmann::ordered_json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);  // a monitor tailing the output sees each line as it happens
}
}  // namespace

void SyncOutput::notice(const std::string& sentence) {
  if (mode_ != SyncOutputMode::kQuiet) std::fprintf(stderr, "layerpush: %s\n", sentence.c_str());
}

void SyncOutput::blob_done(const engine::SyncBlobReport& report) {
  const auto& blob = report.blob;
  if (mode_ == SyncOutputMode::kJson) {
    print_json({{"type", "blob"}, {"repository", report.repository}, {"digest", blob.digest},
                {"bytes", blob.size}, {"action", action_name(blob.action)},
                {"seconds", blob.seconds}, {"retries", blob.retries},
                {"dry_run", report.dry_run}});
    return;
  }
  // The plan of a dry run is its blobs; a real run shows images only.
  if (mode_ != SyncOutputMode::kLines || !dry_run_ || blob.action == engine::BlobAction::kExists)
    return;
  const char* verb = blob.action == engine::BlobAction::kUploaded ? "upload" : "mount";
  std::printf("would %s %s (%s) to %s\n", verb, blob.digest.c_str(), human_bytes(blob.size).c_str(),
              report.repository.c_str());
}

void SyncOutput::image_done(const engine::SyncImageReport& report) {
  if (report.action == engine::ImageAction::kFailed || report.action == engine::ImageAction::kRefused)
    not_done_.push_back(report.source + " (" + action_name(report.action) + ")");
  if (mode_ == SyncOutputMode::kJson) {
    nlohmann::ordered_json line{{"type", "image"},       {"source", report.source},
                                {"destination", report.destination}, {"digest", report.digest},
                                {"action", action_name(report.action)}, {"seconds", report.seconds}};
    if (!report.error.empty()) line["error"] = report.error;
    print_json(line);
    return;
  }
  if (mode_ == SyncOutputMode::kQuiet) return;
  switch (report.action) {
    case engine::ImageAction::kFailed:
    case engine::ImageAction::kRefused:
      std::fprintf(stderr, "%s %s -> %s: %s\n", action_name(report.action), report.source.c_str(),
                   report.destination.c_str(), report.error.c_str());
      return;
    case engine::ImageAction::kPlanned:
      std::printf("would copy %s -> %s (%s)\n", report.source.c_str(), report.destination.c_str(),
                  report.digest.c_str());
      return;
    default:
      std::fprintf(stderr, "%s %s -> %s\n", action_name(report.action), report.source.c_str(),
                   report.destination.c_str());
  }
}

void SyncOutput::finish(const engine::SyncSummary& s) {
  if (mode_ == SyncOutputMode::kJson) {
    print_json({{"type", "summary"},
                {"images", s.images},
                {"copied", s.copied},
                {"skipped", s.skipped},
                {"planned", s.planned},
                {"refused", s.refused},
                {"failed", s.failed},
                {"blobs_uploaded", s.blobs_uploaded},
                {"blobs_mounted", s.blobs_mounted},
                {"blobs_existing", s.blobs_existing},
                {"bytes_uploaded", s.bytes_uploaded},
                {"requests", s.requests},
                {"retries", s.retries},
                {"seconds", s.seconds},
                {"state_file", s.state_file}});
  } else if (mode_ == SyncOutputMode::kLines) {
    if (dry_run_)
      std::printf("plan: %zu images, %zu to copy, %zu unchanged; %zu blobs to upload (%s), %zu to "
                  "mount, %zu already there\n",
                  s.images, s.planned, s.skipped, s.blobs_uploaded,
                  human_bytes(s.bytes_uploaded).c_str(), s.blobs_mounted, s.blobs_existing);
    else
      std::printf("synced %zu images: %zu copied, %zu unchanged, %zu refused, %zu failed; %zu blobs "
                  "uploaded (%s), %zu mounted, %zu already there; %.2fs\n",
                  s.images, s.copied, s.skipped, s.refused, s.failed, s.blobs_uploaded,
                  human_bytes(s.bytes_uploaded).c_str(), s.blobs_mounted, s.blobs_existing,
                  s.seconds);
  }
  std::fflush(stdout);
  if (s.ok()) return;
  std::string names;
  for (const auto& name : not_done_) names += (names.empty() ? "" : ", ") + name;
  std::fprintf(stderr, "layerpush: sync incomplete: %zu of %zu images not copied: %s%s\n",
               s.failed + s.refused, s.images, names.c_str(),
               s.state_file.empty() ? "" : ("; a re-run resumes from " + s.state_file).c_str());
}

}  // namespace layerpush::cli
