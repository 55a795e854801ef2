// How push and login take a password: one line on standard input (--password-stdin), or typed
// at the terminal by login. Never from the command line, where every user of the machine could
// read it in the process list: --password and -p exist only to be refused, before anything
// else runs, with a sentence that does not repeat the value given.
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <string>

namespace layerpush::cli {

// Registers a hidden -p/--password on `command` whose any use ends parsing with exit status 2.
void add_refused_password_option(CLI::App& command);

// One line of `in` without its line ending, as `docker login --password-stdin` reads it.
std::string read_password_line(std::istream& in);

}  // namespace layerpush::cli
