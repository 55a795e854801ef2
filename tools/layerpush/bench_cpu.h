// CPU time of the client alone for `layerpush bench`. The embedded sink registry runs in the
// same process, so getrusage(RUSAGE_SELF) (every thread, the push's finished workers included)
// would count the sink's hashing too: its threads, the ones that appeared while it started, are
// read from /proc/self/task/TID/stat and subtracted. Linux only; clock-tick resolution (10 ms).
#pragma once

#include <sys/types.h>

#include <set>

namespace layerpush::cli {

// The ids of the process's threads now.
std::set<pid_t> thread_ids();

class ClientCpu {
 public:
  // `excluded`: the threads whose time is not the client's (the sink's); may be empty.
  explicit ClientCpu(std::set<pid_t> excluded = {}) : excluded_(std::move(excluded)) {}
  // User plus system seconds used so far by the process minus the excluded threads.
  double seconds() const;

 private:
  std::set<pid_t> excluded_;
};

}  // namespace layerpush::cli
