// choose_backend: LAYERPUSH_IO is read once and the kernel probed once per process; the answers
// are kept under one mutex, which also makes the fallback notice a once-per-process sentence.
#include <liburing.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>

#include "io/backends.h"
#include "io/range_reader.h"

namespace layerpush::io {
namespace {

struct ChoiceState {
  std::mutex mutex;
  bool env_read = false;              // guarded by mutex
  std::optional<Backend> env_choice;  // guarded by mutex; LAYERPUSH_IO once read
  std::optional<int> probe_errno;     // guarded by mutex; set by the one probe
  bool notice_given = false;          // guarded by mutex
};

ChoiceState& choice_state() {
  static ChoiceState state;
  return state;
}

// The most common reason for EPERM on a kernel that has io_uring, worth naming in the notice.
std::string disabled_sysctl() {
  std::ifstream in("/proc/sys/kernel/io_uring_disabled");
  int value = 0;
  if (in >> value && value != 0) {
    return "; sysctl kernel.io_uring_disabled is " + std::to_string(value);
  }
  return "";
}

std::string fallback_notice(int error) {
  std::string why = std::strerror(error);
  if (error == EPERM) why += disabled_sysctl();
  return "io_uring is unavailable (" + why + "); reading files with pread instead";
}

}  // namespace

namespace detail {

std::optional<Backend> backend_from_env_value(const char* value) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  if (auto backend = parse_backend(value)) return backend;
  throw std::invalid_argument(std::string("LAYERPUSH_IO is \"") + value +
                              "\"; it must be \"io_uring\" or \"pread\"");
}

int probe_io_uring() {
  io_uring ring;
  // No optional setup flags: the probe asks only what every reader will ask.
  if (int ret = io_uring_queue_init(2, &ring, 0); ret < 0) return -ret;
  int error = 0;
  // IORING_OP_READ arrived in 5.6; older rings would fail on the first read instead.
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr || !io_uring_opcode_supported(probe, IORING_OP_READ)) error = EOPNOTSUPP;
  if (probe != nullptr) io_uring_free_probe(probe);
  io_uring_queue_exit(&ring);
  return error;
}

}  // namespace detail

Backend choose_backend(std::optional<Backend> forced, std::string* notice) {
  ChoiceState& state = choice_state();
  std::lock_guard lock(state.mutex);
  if (!forced && !state.env_read) {
    // Throws before env_read is set, so every later call reports the bad value too.
    state.env_choice = detail::backend_from_env_value(std::getenv("LAYERPUSH_IO"));
    state.env_read = true;
  }
  const Backend wanted = forced ? *forced : state.env_choice.value_or(Backend::kIoUring);
  if (wanted == Backend::kPread) return Backend::kPread;
  if (!state.probe_errno) state.probe_errno = detail::probe_io_uring();
  if (*state.probe_errno == 0) return Backend::kIoUring;
  if (notice != nullptr && !state.notice_given) {
    *notice = fallback_notice(*state.probe_errno);
    state.notice_given = true;
  }
  return Backend::kPread;
}

}  // namespace layerpush::io
