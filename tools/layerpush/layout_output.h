// What `layerpush copy SRC oci:DIR[:TAG]` shows: a plain line per blob as it is written or found
// in place (stderr), then "DIR:TAG: digest: sha256:… size: N" as push ends; with --json JSON
// lines instead, as push's (a line per blob, action written or exists, then the summary); with
// -q only the manifest digest. Called from the copy's worker
// threads one call at a time (engine::LayoutObserver).
#pragma once

#include <cstdio>
#include <string>

#include "engine/copy/oci_layout_writer.h"
#include "tools/layerpush/push_output.h"

namespace layerpush::cli {

class LayoutOutput : public engine::LayoutObserver {
 public:
  LayoutOutput(OutputMode mode, std::FILE* err) : mode_(mode), err_(err) {}

  void notice(const std::string& sentence) override;
  void blob_done(std::size_t index, const engine::LayoutBlobReport& report) override;

  // `shown` is "DIR:TAG", or "DIR" for an untagged copy.
  void finish(const engine::LayoutReport& report, const std::string& shown) const;

 private:
  OutputMode mode_;
  std::FILE* err_;
};

}  // namespace layerpush::cli
