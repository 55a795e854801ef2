// layerpush-mkimage: writes synthetic, reproducible container images for tests and benchmarks,
// as an OCI layout or a `docker save` archive, and prints a JSON report of the digests.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>

#include "tools/mkimage/writers.h"

namespace {

using layerpush::mkimage::Options;

// Parses the command line into `options`; CLI11 exits for --help and for errors.
int parse(int argc, char** argv, Options& options) {
  CLI::App app{"Writes a synthetic container image for testing layerpush."};
  std::string format, size = "1M", content = "random", name = "test/image:latest";
  app.add_option("--format", format, "oci or docker-archive")
      ->required()
      ->check(CLI::IsMember({"oci", "docker-archive"}));
  app.add_option("--out", options.out,
                 "OCI layout folder (its index.json is replaced) or archive file")
      ->required();
  app.add_option("--layers", options.layers, "number of layers")->check(CLI::Range(1, 10000));
  app.add_option("--layer-size", size, "bytes per layer; K, M, G suffixes are binary units");
  app.add_option("--seed", options.seed, "content seed");
  app.add_option("--base-seed", options.base_seed,
                 "content seed of layer 0 only, so images with other --seed share it");
  app.add_option("--content", content, "random or text")->check(CLI::IsMember({"random", "text"}));
  app.add_option("--name", name, "NAME:TAG of the image");
  app.add_option("--images", options.images, "docker-archive: images sharing layer 0")
      ->check(CLI::Range(1, 10000));
  app.add_flag("--gzip-layers", options.gzip_layers, "oci: store layers gzip-compressed");
  app.add_option("--platforms", options.platforms,
                 "oci: os/arch[/variant] list; one image each under one index, sharing layer 0")
      ->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  options.format = format == "oci" ? Options::Format::kOci : Options::Format::kDockerArchive;
  options.content = *layerpush::mkimage::parse_content_kind(content);
  layerpush::mkimage::split_name(name, options.repo, options.tag);
  auto bytes = layerpush::mkimage::parse_size(size);
  std::string problem;
  if (!bytes) problem = "--layer-size: not a size: " + size;
  if (options.images > 1 && options.format == Options::Format::kOci)
    problem = "--images is for docker-archive only";
  if (!options.platforms.empty() && options.format == Options::Format::kDockerArchive)
    problem = "--platforms is for oci only";
  for (const auto& p : options.platforms)
    if (std::count(p.begin(), p.end(), '/') < 1 || std::count(p.begin(), p.end(), '/') > 2)
      problem = "--platforms: \"" + p + "\" is not os/arch[/variant]";
  if (options.gzip_layers && options.format == Options::Format::kDockerArchive)
    problem = "--gzip-layers is for oci only (docker save stores layers uncompressed)";
  if (!problem.empty()) {
    std::cerr << "layerpush-mkimage: " << problem << "\n";
    return 2;
  }
  options.layer_size = *bytes;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (int code = parse(argc, argv, options); code >= 0) return code;
  try {
    std::cout << (options.format == Options::Format::kOci
                      ? layerpush::mkimage::write_oci_layout(options)
                      : layerpush::mkimage::write_docker_archive(options))
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "layerpush-mkimage: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
