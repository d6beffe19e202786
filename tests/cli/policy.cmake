# CLI transcripts of `integrid policy` (issue #7).
list(APPEND IG_CLI_TRANSCRIPTS policy policy_compare practices)
