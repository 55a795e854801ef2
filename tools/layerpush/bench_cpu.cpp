#include "tools/layerpush/bench_cpu.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace layerpush::cli {
namespace {

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// utime + stime of one thread; 0 once it is gone.
double thread_cpu_seconds(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::set<pid_t> thread_ids() {
  std::set<pid_t> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec))
    ids.insert(static_cast<pid_t>(std::stol(entry.path().filename().string())));
  return ids;
}

double ClientCpu::seconds() const {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double total = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  for (pid_t tid : excluded_) total -= thread_cpu_seconds(tid);
  return total;
}

}  // namespace layerpush::cli
