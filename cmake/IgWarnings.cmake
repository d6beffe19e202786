# Warnings: a union of the Lua makefile and curl's PickyWarnings.cmake
# (see STYLE.md 11.17). -Werror only through IG_WERROR.
function(ig_target_warnings target kind)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    return()
  endif()
  set(w -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wundef
        -Wpointer-arith -Wformat=2 -Wdouble-promotion -Wvla
        -Wimplicit-fallthrough -Wno-sign-conversion)
  if(kind STREQUAL "SRC")
    list(APPEND w -Wconversion -Wcast-qual)
  endif()
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    list(APPEND w -Wlogical-op -Wduplicated-cond -Wduplicated-branches)
  endif()
  if(IG_WERROR)
    list(APPEND w -Werror)
  endif()
  target_compile_options(${target} PRIVATE ${w})
  target_compile_definitions(${target} PRIVATE _POSIX_C_SOURCE=200809L)
endfunction()
