// Running a short-lived program the way docker runs its credential helpers: text on its standard
// input, its standard output collected, its standard error thrown away (a helper may print what
// it was given, and that can be a secret), and nothing but `argv` and our own environment passed
// to it. Blocks the calling thread until the program ends; safe to call from several threads at
// once (the pipes are close-on-exec, so no other child inherits them).
#pragma once

#include <string>
#include <vector>

namespace layerpush::engine {

struct ChildRun {
  int spawn_error = 0;  // an errno value when the program could not be started (then nothing ran)
  int status = -1;      // as waitpid reports it
  std::string out;      // everything it wrote to standard output
  bool exited_zero() const;
};

// Runs argv[0], searched in PATH, writing `input` to its standard input and then closing it.
// A program that exits without reading its input is not an error here (and does not raise
// SIGPIPE in this process); its exit status says what happened.
ChildRun run_child(const std::vector<std::string>& argv, const std::string& input);

}  // namespace layerpush::engine
