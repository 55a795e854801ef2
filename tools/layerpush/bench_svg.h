// The --report file of `layerpush bench`: self-contained SVG (or HTML holding the same SVG and a
// table), hand-written, no scripts. One SVG with two charts against --jobs, one line per chunk
// size: throughput (MB/s), and upload latency (p50 solid, p99 dashed). Every point is a
// <circle> carrying its values as data-* attributes and a <title> tooltip.
#pragma once

#include <string>
#include <vector>

#include "tools/layerpush/bench_result.h"

namespace layerpush::cli {

std::string report_svg(const std::vector<SettingResult>& settings, const std::string& subject);

// An HTML page with the SVG above and the results as a table.
std::string report_html(const std::vector<SettingResult>& settings, const std::string& subject);

// Writes report_svg or report_html as `path` ends in .svg or .html. Throws engine::Error
// (kLocalRead) when it cannot be written.
void write_report(const std::string& path, const std::vector<SettingResult>& settings,
                  const std::string& subject);

}  // namespace layerpush::cli
