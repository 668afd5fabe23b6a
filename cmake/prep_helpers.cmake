# prep_cc_library(NAME name SRCS ... DEPS ...): one folder = one library = one namespace.
function(prep_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(prep_${ARG_NAME} STATIC ${ARG_SRCS})
  target_include_directories(prep_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(prep_${ARG_NAME} PUBLIC ${ARG_DEPS})
  add_library(prep::${ARG_NAME} ALIAS prep_${ARG_NAME})
endfunction()

# prep_cc_test(NAME name SRCS ... DEPS ... LABELS ...): a GoogleTest binary registered with ctest.
function(prep_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    PREP_SHARED_DATA="${PREP_SHARED_DATA}" PREP_BINARY="$<TARGET_FILE:prep>")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict overlaps in inlined std::string code at -O3
    # (GCC bug 105651); tests build many strings from literals.
    target_compile_options(${ARG_NAME} PRIVATE -Wno-restrict)
  endif()
  # A test's own code is assertions and set-up: it need not be optimised (the libraries it
  # tests are, with the build's flags). Release: -O1 compiles a test file in ~60 % of the time
  # of -O3; under the sanitizers, clang at -O0 in half the time of -O2 (bench: noche_test.cc).
  if(PREP_SANITIZE)
    target_compile_options(${ARG_NAME} PRIVATE -O0 -gline-tables-only)
  else()
    target_compile_options(${ARG_NAME} PRIVATE $<$<CONFIG:Release>:-O1>)
  endif()
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
