// The errors that end a push, typed by what the caller should do about them. Recoverable
// conditions (a blob the registry already has, a stale pooled connection) are handled where they
// happen and never become an Error. tools/layerpush/main.cpp is the one place that turns an Error
// into an exit status and a message.
#pragma once

#include <chrono>
#include <optional>
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
  kCredentialHelper,  // a docker-credential-* program that could not be run or failed: exit 1
  kTagTaken,   // a tag already points at another manifest and was left alone: exit 1
  kCancelled,  // stopped because another blob of the same push failed
};

// What may still save the request that failed. Decided where the failure is understood (the
// HTTP status, the transport), acted on by whoever can repeat the request.
enum class Recovery {
  kNone,            // repeating cannot help (a refusal, a corrupt blob, an untrusted certificate)
  kRetry,           // transient: try again after a backoff (or the server's Retry-After)
  kSmallerBody,     // the request body was too large for the registry or a proxy in front of it
  kReauthenticate,  // the token ran out part way: fetch a new one, then try again
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : Error(kind, message, kind == ErrorKind::kTransport ? Recovery::kRetry : Recovery::kNone) {}
  Error(ErrorKind kind, const std::string& message, Recovery recovery,
        std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(message), kind_(kind), recovery_(recovery), retry_after_(retry_after) {}
  ErrorKind kind() const { return kind_; }
  Recovery recovery() const { return recovery_; }
  // The server's own Retry-After, when it sent one.
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }

 private:
  ErrorKind kind_;
  Recovery recovery_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

inline int exit_status_for(ErrorKind kind) {
  return kind == ErrorKind::kUsage || kind == ErrorKind::kInput ? 2 : 1;
}

}  // namespace layerpush::engine
