#include "tests/support/access_log.h"

#include <gtest/gtest.h>

namespace layerpush::testing {
namespace {

// Lines exactly as docker-registry 2.8.2 wrote them (both kinds go to the same file).
constexpr char kLog[] =
    "time=\"2026-11-27T08:05:52.105018056Z\" level=info msg=\"response completed\" "
    "http.request.method=POST http.request.uri=/v2/foo/blobs/uploads/ http.response.status=202\n"
    "127.0.0.1 - - [27/Nov/2026:08:05:52 +0000] \"POST /v2/foo/blobs/uploads/ HTTP/1.1\" 202 0 "
    "\"\" \"curl/7.88.1\"\n"
    "127.0.0.1 - - [27/Nov/2026:08:15:03 +0000] \"PUT /v2/test/oci/blobs/uploads/5372?_state="
    "rHC26&digest=sha256%3A793f HTTP/1.1\" 201 0 \"\" \"skopeo/1.9.3\"\n"
    "127.0.0.1 - - [27/Nov/2026:08:15:03 +0000] \"PUT /v2/test/oci/manifests/v1 HTTP/1.1\" 201 0 "
    "\"\" \"skopeo/1.9.3\"\n"
    "127.0.0.1 - - [27/Nov/2026:08:15:04 +0000] \"GET /v2/ HTTP/1.1\" 200 2 \"\" \"unfinish";

TEST(AccessLogTest, ParsesTheCombinedLinesAndSkipsEverythingElse) {
  auto requests = parse_access_log(kLog);
  ASSERT_EQ(requests.size(), 3u);  // the logrus line and the unfinished last line are skipped
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].uri, "/v2/foo/blobs/uploads/");
  EXPECT_EQ(requests[0].status, 202);
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].uri, "/v2/test/oci/blobs/uploads/5372?_state=rHC26&digest=sha256%3A793f");
  EXPECT_EQ(requests[1].status, 201);
  EXPECT_EQ(requests[2].uri, "/v2/test/oci/manifests/v1");
}

TEST(AccessLogTest, RefusesMalformedLines) {
  EXPECT_FALSE(parse_access_log_line(""));
  EXPECT_FALSE(parse_access_log_line("listening on 127.0.0.1:5000"));
  EXPECT_FALSE(parse_access_log_line("127.0.0.1 - - [date] \"GET /v2/ HTTP/1.1\" abc 0"));
  EXPECT_FALSE(parse_access_log_line("127.0.0.1 - - [date] \"GET /v2/ FTP\" 200 0"));
  EXPECT_TRUE(parse_access_log_line("::1 - - [date] \"GET /v2/ HTTP/2.0\" 404 0 \"\" \"\""));
}

TEST(AccessLogTest, CompleteLinesEndStopsBeforeAPartialLine) {
  EXPECT_EQ(complete_lines_end("a\nb\nc"), 4u);
  EXPECT_EQ(complete_lines_end("a\n"), 2u);
  EXPECT_EQ(complete_lines_end("abc"), 0u);
}

TEST(AccessLogTest, MaxOpenUploadsReplaysPostsAndPuts) {
  auto post = [](int status) { return LoggedRequest{"POST", "/v2/r/blobs/uploads/", status}; };
  auto put = [](int status) { return LoggedRequest{"PUT", "/v2/r/blobs/uploads/u?d=1", status}; };
  LoggedRequest patch{"PATCH", "/v2/r/blobs/uploads/u", 202};
  LoggedRequest manifest{"PUT", "/v2/r/manifests/v1", 201};
  EXPECT_EQ(max_open_uploads({}), 0);
  EXPECT_EQ(max_open_uploads({post(202), patch, put(201), post(202), put(201)}), 1);
  EXPECT_EQ(max_open_uploads({post(202), post(202), post(202), put(201), put(201), post(202),
                              put(201), put(201), manifest}),
            3);
  // A mount answered 201 opens no session; a failed PUT closes none.
  EXPECT_EQ(max_open_uploads({post(201), post(202), put(400), post(202)}), 2);
}

}  // namespace
}  // namespace layerpush::testing
