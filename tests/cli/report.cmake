# CLI transcripts of `integrid report` (issue #6): the fixture towns, the
# usage and runtime errors, and a real-data city window (skipped without
# ../shared/data).
list(APPEND IG_CLI_TRANSCRIPTS report report_errors report_real)
