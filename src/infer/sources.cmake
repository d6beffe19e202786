# Inference for any registered measure: bootstrap intervals (percentile,
# BCa), tests against null models, expected and bias-corrected values.
target_sources(integrid_lib PRIVATE
  src/infer/draw.c
  src/infer/infer.c
  src/infer/infer_run.c
  src/infer/compare.c
)
