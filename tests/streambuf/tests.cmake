# The stream buffer and its asyncio parsers: every edge, the reads every
# runtime asks of it (readop), then a fixed-seed differential test (chunked
# feeds against one whole feed and a naive model).  The default run is a
# smoke size (under 2 s with ASan); the slow label runs fifty times more
# cases.
tvc_add_test(streambuf parsers)
tvc_add_test(streambuf differential ARGS 2000)
tvc_add_test(streambuf readop)
add_test(NAME streambuf/differential_slow
         COMMAND test_streambuf_differential 100000)
set_tests_properties(streambuf/differential_slow PROPERTIES
                     TIMEOUT 900 LABELS "streambuf;slow")
