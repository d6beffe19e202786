# IG_SANITIZE: "" or "address,undefined" (the asan preset).
set(IG_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(IG_SANITIZE)
  add_compile_options(-fsanitize=${IG_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  if(IG_SANITIZE MATCHES "undefined")
    add_compile_options(-fsanitize=float-divide-by-zero)
  endif()
  add_link_options(-fsanitize=${IG_SANITIZE})
endif()
