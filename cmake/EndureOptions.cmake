# `endure_options`: the compile and link flags of every Endure target (never of generated code).

option(ENDURE_WERROR "Treat warnings as errors" OFF)
option(ENDURE_SANITIZE "Instrument with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(endure_options INTERFACE)
target_compile_features(endure_options INTERFACE cxx_std_20)
target_compile_options(endure_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false positives on std::string at -O2 and above (GCC bug 105651).
  target_compile_options(endure_options INTERFACE -Wno-restrict)
endif()
if(ENDURE_WERROR)
  target_compile_options(endure_options INTERFACE -Werror)
endif()
if(ENDURE_SANITIZE)
  set(sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
                     -fno-omit-frame-pointer)
  target_compile_options(endure_options INTERFACE ${sanitize_flags})
  target_link_options(endure_options INTERFACE ${sanitize_flags})
endif()
target_include_directories(endure_options INTERFACE ${PROJECT_SOURCE_DIR})

# `endure_allocator`: what Endure's programs (the server, the benchmarks) allocate with. jemalloc:
# the engine allocates and frees protobuf messages from several threads at a high rate, and
# glibc's malloc spends a fifth of the engine benchmark's time doing it (bench/engine_ratios).
# Not under the sanitizers, which bring their own allocator.
add_library(endure_allocator INTERFACE)
if(NOT ENDURE_SANITIZE)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(endure_allocator INTERFACE PkgConfig::JEMALLOC)
endif()
