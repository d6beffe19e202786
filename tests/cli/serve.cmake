# CLI transcripts of `integrid serve` (issue #8): help, usage errors, and a
# start / stop by SIGTERM on a free port. The API itself is tested over
# loopback in tests/unit/test_server.c.
list(APPEND IG_CLI_TRANSCRIPTS serve)
