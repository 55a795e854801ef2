// Registry error responses turned into one clause: JSON bodies with one or several errors, and
// the HTML or empty bodies that proxies send.
#include "engine/registry/registry_errors.h"

#include <gtest/gtest.h>

#include <string>

namespace layerpush::engine {
namespace {

const std::string kOneError =
    R"({"errors":[{"code":"DIGEST_INVALID",)"
    R"("message":"provided digest did not match uploaded content","detail":{}}]})";
const std::string kTwoErrors =
    R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null},)"
    R"({"code":"DENIED","message":"requested access to the resource is denied"}]})";
const std::string kHtml =
    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

TEST(DescribeErrorResponseTest, OneJsonError) {
  EXPECT_EQ(describe_error_response(400, "Bad Request", kOneError),
            "400 Bad Request (DIGEST_INVALID: provided digest did not match uploaded content)");
}

TEST(DescribeErrorResponseTest, SeveralJsonErrorsAreJoinedInOrder) {
  EXPECT_EQ(describe_error_response(401, "Unauthorized", kTwoErrors),
            "401 Unauthorized (UNAUTHORIZED: authentication required; DENIED: requested access "
            "to the resource is denied)");
}

TEST(DescribeErrorResponseTest, CodeOrMessageAloneAndEmptyEntriesSkipped) {
  EXPECT_EQ(describe_error_response(404, "Not Found",
                                    R"({"errors":[{"code":"MANIFEST_UNKNOWN"},{},)"
                                    R"({"message":"no such thing"},"junk",42]})"),
            "404 Not Found (MANIFEST_UNKNOWN; no such thing)");
}

TEST(DescribeErrorResponseTest, HtmlBodyGivesStatusOnly) {
  EXPECT_EQ(describe_error_response(502, "Bad Gateway", kHtml), "502 Bad Gateway");
}

TEST(DescribeErrorResponseTest, EmptyBodyAndEmptyReason) {
  EXPECT_EQ(describe_error_response(404, "Not Found", ""), "404 Not Found");
  EXPECT_EQ(describe_error_response(500, "", ""), "500");
  EXPECT_EQ(describe_error_response(400, "", kOneError),
            "400 (DIGEST_INVALID: provided digest did not match uploaded content)");
}

TEST(DescribeErrorResponseTest, JsonWithoutAnErrorsListGivesStatusOnly) {
  EXPECT_EQ(describe_error_response(400, "Bad Request", R"({"error":"bad"})"), "400 Bad Request");
  EXPECT_EQ(describe_error_response(400, "Bad Request", R"({"errors":{"code":"X"}})"),
            "400 Bad Request");
  EXPECT_EQ(describe_error_response(400, "Bad Request", R"([{"code":"X"}])"), "400 Bad Request");
  EXPECT_EQ(describe_error_response(400, "Bad Request", R"({"errors":[]})"), "400 Bad Request");
  EXPECT_EQ(describe_error_response(400, "Bad Request", R"({"errors":[{"code":"X")"),
            "400 Bad Request");  // truncated JSON
}

// Bodies come from outside (registries and the proxies before them); fields of the wrong type
// must be skipped like missing ones, not escape as nlohmann::json exceptions.
TEST(DescribeErrorResponseTest, FieldsOfTheWrongTypeAreSkipped) {
  EXPECT_EQ(describe_error_response(
                401, "Unauthorized",
                R"({"errors":[{"code":"UNAUTHORIZED","message":null,"detail":null}]})"),
            "401 Unauthorized (UNAUTHORIZED)");
  EXPECT_EQ(describe_error_response(400, "Bad Request",
                                    R"({"errors":[{"code":400,"message":"bad digest"}]})"),
            "400 Bad Request (bad digest)");
}

TEST(FirstErrorCodeTest, OfOneAndOfSeveralErrors) {
  EXPECT_EQ(first_error_code(kOneError), "DIGEST_INVALID");
  EXPECT_EQ(first_error_code(kTwoErrors), "UNAUTHORIZED");
}

TEST(FirstErrorCodeTest, SkipsEntriesWithoutAStringCode) {
  EXPECT_EQ(
      first_error_code(R"({"errors":[{"message":"m"},{"code":7},"x",{"code":"BLOB_UNKNOWN"}]})"),
      "BLOB_UNKNOWN");
}

TEST(FirstErrorCodeTest, EmptyForNonJsonEmptyOrCodelessBodies) {
  EXPECT_EQ(first_error_code(kHtml), "");
  EXPECT_EQ(first_error_code(""), "");
  EXPECT_EQ(first_error_code(R"({"errors":[]})"), "");
  EXPECT_EQ(first_error_code(R"({"errors":[{"message":"no code"}]})"), "");
  EXPECT_EQ(first_error_code("null"), "");
}

}  // namespace
}  // namespace layerpush::engine
