// The errors that end a push, typed by what the caller should do about them. Recoverable
// conditions (a blob the registry already has, a stale pooled connection) are handled where they
// happen and never become an Error. tools/layerpush/main.cpp is the one place that turns an Error
// into an exit status and a message.
#pragma once

#include <stdexcept>
#include <string>

namespace layerpush::engine {

enum class ErrorKind {
  kUsage,      // bad flags or references: exit 2
  kInput,      // a source that is missing or malformed: exit 2
  kCorrupt,    // blob bytes that do not match their digest or size: exit 1
  kRegistry,   // the registry refused a request: exit 1
  kTransport,  // connect, TLS, timeout or a broken connection: exit 1
  kLocalRead,  // a source file that could be opened but not read to the end: exit 1
  kCancelled,  // stopped because another blob of the same push failed
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

inline int exit_status_for(ErrorKind kind) {
  return kind == ErrorKind::kUsage || kind == ErrorKind::kInput ? 2 : 1;
}

}  // namespace layerpush::engine
