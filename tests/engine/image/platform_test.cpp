#include "engine/image/platform.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace layerpush::engine {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_platform(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Platform, ParsesTwoAndThreeParts) {
  EXPECT_EQ(parse_platform("linux/amd64"), (Platform{"linux", "amd64", ""}));
  EXPECT_EQ(parse_platform("linux/arm64/v8"), (Platform{"linux", "arm64", "v8"}));
  EXPECT_EQ(parse_platform("windows/amd64"), (Platform{"windows", "amd64", ""}));
  EXPECT_EQ(parse_platform("linux/ppc64le").architecture, "ppc64le");
  EXPECT_EQ(parse_platform("linux/386").str(), "linux/386");
  EXPECT_EQ(parse_platform("linux/arm/v7").str(), "linux/arm/v7");
}

TEST(Platform, RefusesEachRuleByName) {
  const std::string form = "is not of the form os/arch or os/arch/variant, as in linux/arm64/v8";
  EXPECT_EQ(error_of("linux"), "platform \"linux\" " + form);
  EXPECT_EQ(error_of(""), "platform \"\" " + form);
  EXPECT_EQ(error_of("linux/arm/v7/x"), "platform \"linux/arm/v7/x\" " + form);
  EXPECT_EQ(error_of("linux/"),
            "platform \"linux/\" has an empty part; it is os/arch or os/arch/variant");
  EXPECT_EQ(error_of("linux/arm64/"),
            "platform \"linux/arm64/\" has an empty part; it is os/arch or os/arch/variant");
  EXPECT_EQ(error_of("linux/AMD64"),
            "platform \"linux/AMD64\" has the character 'A'; platforms are lowercase letters, "
            "digits, '_', '.' and '-'");
  EXPECT_EQ(error_of("linux/amd 64"),
            "platform \"linux/amd 64\" has the character ' '; platforms are lowercase letters, "
            "digits, '_', '.' and '-'");
}

TEST(Platform, MissingVariantInTheFilterMatchesAny) {
  const auto filter = parse_platform("linux/arm");
  EXPECT_TRUE(platform_matches(filter, {"linux", "arm", "v7"}));
  EXPECT_TRUE(platform_matches(filter, {"linux", "arm", "v6"}));
  EXPECT_TRUE(platform_matches(filter, {"linux", "arm", ""}));
  EXPECT_FALSE(platform_matches(filter, {"linux", "arm64", "v8"}));
  EXPECT_FALSE(platform_matches(filter, {"windows", "arm", ""}));
}

TEST(Platform, AVariantInTheFilterMustBeEqual) {
  const auto filter = parse_platform("linux/arm/v7");
  EXPECT_TRUE(platform_matches(filter, {"linux", "arm", "v7"}));
  EXPECT_FALSE(platform_matches(filter, {"linux", "arm", "v6"}));
  EXPECT_FALSE(platform_matches(filter, {"linux", "arm", ""}));
}

TEST(Platform, Arm64WithoutVariantIsV8) {
  EXPECT_TRUE(platform_matches(parse_platform("linux/arm64/v8"), {"linux", "arm64", ""}));
  EXPECT_TRUE(platform_matches(parse_platform("linux/arm64"), {"linux", "arm64", "v8"}));
  EXPECT_FALSE(platform_matches(parse_platform("linux/arm64/v9"), {"linux", "arm64", ""}));
}

}  // namespace
}  // namespace layerpush::engine
