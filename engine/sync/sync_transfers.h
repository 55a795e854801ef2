// Step 3 of `layerpush sync` (engine/sync/sync.h) as data: which blob transfers the images to copy
// need, deduplicated across all of them. Each distinct blob of a destination registry has one
// upload task, in the first repository (in plan order) that needs it, and one mount task
// (?mount=&from= that repository) for every other repository of that registry that needs it;
// mounts wait for their upload. Uploads start largest first: the big blobs bound the run's
// length, so they should start while every lane is free. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace layerpush::engine {

// One image to copy, as the transfer plan needs it.
struct ImageToCopy {
  const Image* image;
  std::string registry;     // destination host, "host:port"
  std::string repository;   // destination repository path, "team/app"
  std::string source_host;  // where its blobs are read
};

struct TransferTask {
  std::size_t blob = 0;        // index in TransferPlan::blobs
  std::size_t image_repository = 0;  // one image of `images` stands for the repository
  bool upload = true;          // HEAD, then upload; else HEAD, then mount from the blob's home
  std::vector<std::size_t> images;    // the images (indexes of the input) that wait for it
  std::vector<std::size_t> mounts;    // tasks that may start once this upload is done
};

struct ScheduledBlob {
  const ImageBlob* blob;     // from the first image that has it: where its bytes are read
  std::string registry;      // destination host
  std::string home;          // the repository path it is uploaded to, and mounted from
  std::string source_host;
};

struct TransferPlan {
  std::vector<ScheduledBlob> blobs;
  std::vector<TransferTask> tasks;
  std::vector<std::size_t> uploads;      // upload tasks, largest blob first (ties: plan order)
  std::vector<std::size_t> tasks_per_image;  // how many tasks each input image waits for
};

TransferPlan plan_transfers(const std::vector<ImageToCopy>& images);

}  // namespace layerpush::engine
