#include "tools/layerpush/bench_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/util/error.h"
#include "tools/layerpush/bench_output.h"

namespace layerpush::cli {
namespace {

constexpr double kWidth = 640, kHeight = 300;  // one chart
constexpr double kLeft = 70, kRight = 150, kTop = 40, kBottom = 50;
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// A round upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `v`.
double nice_ceiling(double v) {
  if (v <= 0) return 1;
  const double power = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= v) return m * power;
  return 10 * power;
}

using Value = double (*)(const SettingResult&);

struct Series {
  std::string name;
  std::string color;
  bool dashed = false;
  std::vector<const SettingResult*> points;
  Value value;
  std::string attribute;  // data-* attribute that carries the value on each point
};

// One chart at vertical offset `top`: axes, ticks, a polyline and circles per series.
void chart(std::ostringstream& svg, double top, const std::string& title, const std::string& unit,
           const std::vector<Series>& series) {
  int min_jobs = 1 << 30, max_jobs = 0;
  double max_y = 0;
  for (const auto& s : series)
    for (const auto* p : s.points) {
      min_jobs = std::min(min_jobs, p->jobs);
      max_jobs = std::max(max_jobs, p->jobs);
      max_y = std::max(max_y, s.value(*p));
    }
  const double y_top = nice_ceiling(max_y * 1.05);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](int jobs) {
    if (max_jobs == min_jobs) return kLeft + plot_w / 2;
    return kLeft + plot_w * (jobs - min_jobs) / double(max_jobs - min_jobs);
  };
  auto y_of = [&](double v) { return top + kTop + plot_h * (1 - v / y_top); };
  svg << "<g class=\"chart\">\n<text x=\"" << kLeft << "\" y=\"" << top + 24
      << "\" font-size=\"15\" font-weight=\"bold\">" << escape(title) << "</text>\n";
  svg << "<line x1=\"" << kLeft << "\" y1=\"" << y_of(0) << "\" x2=\"" << kLeft + plot_w
      << "\" y2=\"" << y_of(0) << "\" stroke=\"#000\"/>\n<line x1=\"" << kLeft << "\" y1=\""
      << y_of(0) << "\" x2=\"" << kLeft << "\" y2=\"" << y_of(y_top) << "\" stroke=\"#000\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = y_top * i / 4;
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << y_of(v) << "\" x2=\"" << kLeft + plot_w
        << "\" y2=\"" << y_of(v) << "\" stroke=\"#ddd\"/><text x=\"" << kLeft - 6 << "\" y=\""
        << y_of(v) + 4 << "\" font-size=\"11\" text-anchor=\"end\">" << number(v) << "</text>\n";
  }
  std::map<int, bool> ticks;
  for (const auto& s : series)
    for (const auto* p : s.points) ticks[p->jobs] = true;
  for (const auto& [jobs, unused] : ticks)
    svg << "<text x=\"" << x_of(jobs) << "\" y=\"" << y_of(0) + 16
        << "\" font-size=\"11\" text-anchor=\"middle\">" << jobs << "</text>\n";
  svg << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << top + kHeight - 10
      << "\" font-size=\"12\" text-anchor=\"middle\">jobs (blobs in flight)</text>\n"
      << "<text x=\"16\" y=\"" << top + kTop + plot_h / 2 << "\" font-size=\"12\" "
      << "text-anchor=\"middle\" transform=\"rotate(-90 16 " << top + kTop + plot_h / 2 << ")\">"
      << escape(unit) << "</text>\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const auto value = s.value;
    const auto& attribute = s.attribute;
    const std::string dash = s.dashed ? " stroke-dasharray=\"6 4\"" : "";
    svg << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\"" << dash
        << " points=\"";
    for (const auto* p : s.points) svg << x_of(p->jobs) << "," << y_of(value(*p)) << " ";
    svg << "\"/>\n";
    for (const auto* p : s.points)
      svg << "<circle cx=\"" << x_of(p->jobs) << "\" cy=\"" << y_of(value(*p))
          << "\" r=\"4\" fill=\"" << s.color << "\" data-jobs=\"" << p->jobs
          << "\" data-chunk-size=\"" << p->chunk_size << "\" " << attribute << "=\""
          << number(value(*p)) << "\"><title>" << escape(s.name) << ", jobs " << p->jobs << ": "
          << number(value(*p)) << " " << escape(unit) << "</title></circle>\n";
    const double ly = top + kTop + 10 + 18 * static_cast<double>(i);
    svg << "<line x1=\"" << kWidth - kRight + 15 << "\" y1=\"" << ly << "\" x2=\""
        << kWidth - kRight + 40 << "\" y2=\"" << ly << "\" stroke=\"" << s.color
        << "\" stroke-width=\"2\"" << dash << "/><text x=\"" << kWidth - kRight + 45 << "\" y=\""
        << ly + 4 << "\" font-size=\"11\">" << escape(s.name) << "</text>\n";
  }
  svg << "</g>\n";
}

// One series per chunk size, points in increasing jobs.
std::vector<Series> by_chunk(const std::vector<SettingResult>& settings, const std::string& suffix,
                             bool dashed, Value value, const std::string& attribute) {
  std::map<std::uint64_t, std::vector<const SettingResult*>> groups;
  for (const auto& s : settings) groups[s.chunk_size].push_back(&s);
  std::vector<Series> series;
  for (auto& [chunk, points] : groups) {
    std::sort(points.begin(), points.end(), [](auto* a, auto* b) { return a->jobs < b->jobs; });
    const std::string name = chunk == 0 ? "one request" : "chunks " + size_text(chunk);
    series.push_back({name + suffix, kColors[series.size() % std::size(kColors)], dashed, points,
                      value, attribute});
  }
  return series;
}

}  // namespace

std::string report_svg(const std::vector<SettingResult>& settings, const std::string& subject) {
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\""
      << 2 * kHeight + 30
      << "\" font-family=\"sans-serif\">\n<title>layerpush bench: " << escape(subject)
      << "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      << "<text x=\"10\" y=\"18\" font-size=\"12\" fill=\"#555\">" << escape(subject)
      << "</text>\n";
  chart(svg, 20, "Throughput against jobs", "MB/s",
        by_chunk(
            settings, "", false, [](const SettingResult& s) { return s.throughput_mb_per_s; },
            "data-mb-per-s"));
  // p50 and p99 of one chunk size share a colour; the p99 line is dashed.
  auto latency = by_chunk(
      settings, " p50", false, [](const SettingResult& s) { return s.upload_ms.p50; },
      "data-upload-p50-ms");
  for (auto& s : by_chunk(
           settings, " p99", true, [](const SettingResult& s) { return s.upload_ms.p99; },
           "data-upload-p99-ms"))
    latency.push_back(std::move(s));
  chart(svg, 20 + kHeight, "Upload latency per blob against jobs", "ms", latency);
  svg << "</svg>\n";
  return svg.str();
}

std::string report_html(const std::vector<SettingResult>& settings, const std::string& subject) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>layerpush bench</title>"
       << "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}</style>"
       << "</head><body>\n<h1>layerpush bench</h1>\n<p>" << escape(subject) << "</p>\n"
       << report_svg(settings, subject) << "<table>\n<tr><th>jobs</th><th>chunk</th><th>MB/s</th>"
       << "<th>HEAD ms p50/p95/p99</th><th>upload ms p50/p95/p99</th>"
       << "<th>commit ms p50/p95/p99</th><th>CPU s</th><th>requests</th><th>retries</th></tr>\n";
  auto triple = [](const engine::Percentiles& p) {
    return number(p.p50) + " / " + number(p.p95) + " / " + number(p.p99);
  };
  for (const auto& s : settings)
    html << "<tr><td>" << s.jobs << "</td><td>" << size_text(s.chunk_size) << "</td><td>"
         << number(s.throughput_mb_per_s) << "</td><td>" << triple(s.head_ms) << "</td><td>"
         << triple(s.upload_ms) << "</td><td>" << triple(s.commit_ms) << "</td><td>"
         << number(s.cpu_seconds) << "</td><td>" << s.requests << "</td><td>" << s.retries
         << "</td></tr>\n";
  html << "</table>\n</body></html>\n";
  return html.str();
}

void write_report(const std::string& path, const std::vector<SettingResult>& settings,
                  const std::string& subject) {
  const std::string text =
      path.ends_with(".html") ? report_html(settings, subject) : report_svg(settings, subject);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw engine::Error(engine::ErrorKind::kLocalRead, "cannot write the report " + path);
}

}  // namespace layerpush::cli
