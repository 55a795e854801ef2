#include "engine/sync/sync_transfers.h"

#include <algorithm>
#include <map>
#include <utility>

namespace layerpush::engine {

TransferPlan plan_transfers(const std::vector<ImageToCopy>& images) {
  TransferPlan plan;
  plan.tasks_per_image.assign(images.size(), 0);
  std::map<std::pair<std::string, std::string>, std::size_t> blob_of;  // (registry, digest)
  std::map<std::pair<std::size_t, std::string>, std::size_t> task_of;  // (blob, repository)
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& target = images[i];
    for (const auto& blob : target.image->blobs) {
      const auto key = std::make_pair(target.registry, blob.digest->str());
      auto [found, new_blob] = blob_of.emplace(key, plan.blobs.size());
      if (new_blob)
        plan.blobs.push_back({&blob, target.registry, target.repository, target.source_host});
      const std::size_t b = found->second;
      auto [task, new_task] = task_of.emplace(std::make_pair(b, target.repository), plan.tasks.size());
      if (new_task) {
        TransferTask created;
        created.blob = b;
        created.image_repository = i;
        created.upload = new_blob;
        plan.tasks.push_back(std::move(created));
        if (!new_blob) plan.tasks[task_of.at({b, plan.blobs[b].home})].mounts.push_back(task->second);
      }
      auto& waiting = plan.tasks[task->second].images;
      // An image lists a blob once per manifest that uses it (an index's children share layers).
      if (waiting.empty() || waiting.back() != i) {
        waiting.push_back(i);
        ++plan.tasks_per_image[i];
      }
    }
  }
  for (std::size_t t = 0; t < plan.tasks.size(); ++t)
    if (plan.tasks[t].upload) plan.uploads.push_back(t);
  std::stable_sort(plan.uploads.begin(), plan.uploads.end(), [&](std::size_t a, std::size_t b) {
    return *plan.blobs[plan.tasks[a].blob].blob->size > *plan.blobs[plan.tasks[b].blob].blob->size;
  });
  return plan;
}

}  // namespace layerpush::engine
