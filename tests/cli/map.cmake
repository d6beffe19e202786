# CLI transcripts of `integrid map` (issue #6): maps of the fixtures, and
# the usage and runtime errors; map_real draws the shared real data.
list(APPEND IG_CLI_TRANSCRIPTS map map_errors map_real)
