#include "engine/copy/oci_layout_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <thread>

#include "engine/image/blob_recipe.h"
#include "engine/image/layer_compression.h"
#include "engine/image/oci_blob_file.h"
#include "engine/image/oci_index_file.h"
#include "engine/util/error.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The folder, blobs/sha256 and oci-layout, each made only when missing.
void prepare_layout(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(ErrorKind::kInput, "destination " + dir + " exists and is not a folder");
  fs::create_directories(dir + "/blobs/sha256", ec);
  if (ec)
    throw Error(ErrorKind::kLocalRead, "creating " + dir + "/blobs/sha256 failed: " + ec.message());
  const std::string marker = dir + "/oci-layout";
  if (fs::exists(marker, ec)) return;
  // Renamed into place so that a layout never has a half-written oci-layout file.
  const std::string temp = marker + ".tmp-" + std::to_string(::getpid());
  std::ofstream(temp, std::ios::binary | std::ios::trunc) << R"({"imageLayoutVersion":"1.0.0"})";
  fs::rename(temp, marker, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw Error(ErrorKind::kLocalRead, "writing " + marker + " failed: " + ec.message());
  }
}

void sync_folder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the renames are done; only their durability is at stake
  ::fsync(fd);
  ::close(fd);
}

// Largest first: the big blobs bound the copy's length, so they start while every lane is free.
std::vector<std::size_t> write_order(const Image& image) {
  std::vector<std::size_t> order(image.blobs.size());
  std::iota(order.begin(), order.end(), 0);
  auto weight = [&](std::size_t i) {
    return image.blobs[i].size.value_or(image.blobs[i].recipe.stored_length());
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weight(a) > weight(b); });
  return order;
}

// A blob's bytes from its source, encoded as the recipe says. Every piece first asks `stop`, so
// a failure elsewhere ends the other lanes' blobs soon.
BlobFill fill_for(const ImageBlob& blob, io::Backend backend, const std::atomic<bool>& stop) {
  return [&blob, backend, &stop](const BlobSink& sink) -> std::optional<ProducedBlob> {
    auto piece = [&](std::span<const std::byte> bytes) { return !stop && sink(bytes); };
    const auto& recipe = blob.recipe;
    try {
      return produce_blob(recipe, {.backend = backend, .max_size = blob.size.value_or(UINT64_MAX)},
                          piece);
    } catch (const std::system_error& e) {
      throw Error(ErrorKind::kLocalRead,
                  "reading " + recipe.source->describe() + " failed: " + e.what());
    }
  };
}

// store_blob, tried again from the start in a fresh temporary file after a failure marked
// Recovery::kRetry (a transient registry read); one that download_blob has already retried as
// far as it could comes marked kNone and ends the copy.
std::optional<StoredBlob> store_with_retries(const std::string& blobs_dir, const ImageBlob& blob,
                                             const BlobFill& fill, const RetrySettings& retry,
                                             const std::atomic<bool>& stop) {
  thread_local std::mt19937 random{std::random_device{}()};
  for (int attempt = 1;; ++attempt) {
    try {
      return store_blob(blobs_dir, blob, fill);
    } catch (const Error& e) {
      if (e.recovery() != Recovery::kRetry || attempt > retry.max_retries || stop) throw;
      const auto delay = retry_delay(retry, attempt, e.retry_after(),
                                     std::uniform_real_distribution<double>(0, 1)(random));
      if (delay > retry.max_retry_after) throw;
      std::this_thread::sleep_for(delay);
    }
  }
}

// An OCI image manifest for an image whose manifest is made here (a docker-archive's): skopeo
// and other readers of OCI layouts take only OCI manifest types from index.json, so Docker types
// are mapped to OCI's as skopeo does when it writes a layout. The blobs' bytes stay the same.
std::string build_oci_manifest(const Image& image) {
  auto descriptor = [](const ImageBlob& blob) {
    return nlohmann::ordered_json{{"mediaType", oci_media_type(blob.media_type)},
                                  {"digest", blob.digest->str()},
                                  {"size", *blob.size}};
  };
  nlohmann::ordered_json manifest{{"schemaVersion", 2}, {"mediaType", media_type::kOciManifest}};
  manifest["config"] = descriptor(image.blobs.at(0));
  manifest["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 1; i < image.blobs.size(); ++i)
    manifest["layers"].push_back(descriptor(image.blobs[i]));
  return manifest.dump();
}

// Runs every blob on `jobs` threads; the first failure stops the rest and is rethrown.
class BlobLanes {
 public:
  BlobLanes(Image& image, const std::string& blobs_dir, const LayoutWriteOptions& options,
            io::Backend backend, LayoutObserver* observer, LayoutReport& report)
      : image_(image),
        blobs_dir_(blobs_dir),
        options_(options),
        backend_(backend),
        observer_(observer),
        report_(report),
        order_(write_order(image)) {}

  void run() {
    const auto lanes =
        std::min<std::size_t>(static_cast<std::size_t>(options_.jobs), order_.size());
    {
      std::vector<std::jthread> threads;
      for (std::size_t i = 0; i < lanes; ++i) threads.emplace_back([this] { lane(); });
    }
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  void lane() {
    for (std::size_t next = next_++; next < order_.size() && !stop_; next = next_++) {
      try {
        write_blob(order_[next]);
      } catch (...) {
        const std::lock_guard lock(mutex_);
        if (!failure_) failure_ = std::current_exception();
        stop_ = true;
      }
    }
  }

  void write_blob(std::size_t i) {
    const auto start = Clock::now();
    auto& blob = image_.blobs[i];
    std::optional<StoredBlob> stored;
    if (blob.digest && blob.size && blob_file_present(blobs_dir_, *blob.digest, *blob.size))
      stored = StoredBlob{*blob.digest, *blob.size, false};
    else
      stored = store_with_retries(blobs_dir_, blob, fill_for(blob, backend_, stop_), options_.retry,
                                  stop_);
    if (!stored) return;           // stopped by another lane's failure
    blob.digest = stored->digest;  // found only now for a layer compressed on the fly
    blob.size = stored->size;
    const std::lock_guard lock(mutex_);
    auto& out = report_.blobs[i];
    out = {blob.role, stored->digest.str(), stored->size, stored->written, seconds_since(start)};
    if (stored->written) report_.bytes_written += stored->size;
    if (observer_) observer_->blob_done(i, out);
  }

  Image& image_;
  const std::string& blobs_dir_;
  const LayoutWriteOptions& options_;
  const io::Backend backend_;
  LayoutObserver* observer_;
  LayoutReport& report_;
  const std::vector<std::size_t> order_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::exception_ptr failure_;  // guarded by mutex_
};
}  // namespace

LayoutReport copy_into_oci_layout(Image image, const std::string& dir,
                                  const LayoutWriteOptions& options, LayoutObserver* observer) {
  if (options.jobs < 1) throw Error(ErrorKind::kUsage, "--jobs must be at least 1");
  const auto start = Clock::now();
  LayoutReport report;
  report.destination = "oci:" + dir + (options.tag ? ":" + *options.tag : "");
  apply_compression(image, options.compression);
  prepare_layout(dir);
  // A malformed index.json, or a tag --no-clobber keeps, is refused before any blob is written.
  const auto index = read_index_file(dir);
  if (image.manifest_bytes && options.tag)
    index_with(
        index,
        {image.manifest_media_type, hashing::sha256_of(*image.manifest_bytes), 0, options.tag},
        options.no_clobber, report.destination);

  std::string notice;
  const io::Backend backend = io::choose_backend(options.io_backend, &notice);
  if (!notice.empty() && observer) observer->notice(notice);
  report.io_backend = std::string(io::backend_name(backend));
  report.blobs.resize(image.blobs.size());
  const std::string blobs_dir = dir + "/blobs/sha256";
  BlobLanes(image, blobs_dir, options, backend, observer, report).run();

  // Children first, then the manifest: each names only what is already in place.
  for (const auto& child : image.children) store_bytes(blobs_dir, child.digest, child.bytes);
  if (!image.manifest_bytes) {
    image.manifest_bytes = build_oci_manifest(image);
    image.manifest_media_type = media_type::kOciManifest;
  }
  const auto digest = hashing::sha256_of(*image.manifest_bytes);
  store_bytes(blobs_dir, digest, *image.manifest_bytes);
  sync_folder(blobs_dir);
  add_to_index_file(dir,
                    {image.manifest_media_type, digest, image.manifest_bytes->size(), options.tag},
                    options.no_clobber);
  report.manifest_digest = digest.str();
  report.manifest_size = image.manifest_bytes->size();
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace layerpush::engine
