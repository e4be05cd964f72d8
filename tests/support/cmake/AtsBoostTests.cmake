# ats_boost_tests(<target> PREFIX <prefix> [SUITES] [ARGS ...] [LABELS ...] [TIMEOUT <s>]
#                 [RESOURCE_LOCK ...] [ENVIRONMENT ...])
#
# Registers one CTest entry per Boost.Test case of <target> (or per top-level suite with SUITES),
# named <prefix>.<case> (nested suites joined by dots), run as `<target> --run_test=<path> ARGS...`,
# each with the given properties. The names come from the binary itself: right after each link,
# discover_boost_tests.cmake stores its `--list_content`, so adding a test case to a source file
# adds its CTest entry and no list of names is kept by hand. A binary that lists nothing fails
# the build. Until the binary is built, CTest shows one failing entry <prefix>.<target>.NOT_BUILT instead of
# silently running nothing.
#
# Only the list of cases is written at build time; the prefix, arguments and properties are
# applied by the CTest include file written here at configure time, so changing them needs no
# relink.
set(ATS_BOOST_DISCOVER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/discover_boost_tests.cmake)

function(ats_boost_tests target)
  cmake_parse_arguments(T "SUITES" "PREFIX;TIMEOUT" "ARGS;LABELS;RESOURCE_LOCK;ENVIRONMENT" ${ARGN})
  if(NOT T_PREFIX)
    message(FATAL_ERROR "ats_boost_tests(${target}): PREFIX is required")
  endif()
  if(T_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ats_boost_tests(${target}): unknown arguments ${T_UNPARSED_ARGUMENTS}")
  endif()
  set(props "")
  foreach(p LABELS RESOURCE_LOCK ENVIRONMENT)
    if(T_${p})
      string(APPEND props " ${p} [==[${T_${p}}]==]")
    endif()
  endforeach()
  if(T_TIMEOUT)
    string(APPEND props " TIMEOUT ${T_TIMEOUT}")
  endif()
  set(args "")
  foreach(a IN LISTS T_ARGS)
    string(APPEND args " [==[${a}]==]")
  endforeach()
  # The kind of unit that becomes an entry: a top-level unit (suite or case), or a leaf case.
  set(kind leaf)
  if(T_SUITES)
    set(kind top)
  endif()

  set(base ${CMAKE_CURRENT_BINARY_DIR}/${target}_boost_tests)
  set(listed ${base}_list.cmake)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DATS_EXECUTABLE=$<TARGET_FILE:${target}> -DATS_OUTPUT=${listed}
            -P ${ATS_BOOST_DISCOVER_SCRIPT}
    COMMENT "Listing the Boost.Test cases of ${target}"
    VERBATIM)

  set(include_file ${base}_include.cmake)
  file(GENERATE OUTPUT ${include_file} CONTENT
"# CTest entries of ${target}, one per unit in ${listed} (ats_boost_tests).
if(EXISTS [==[${listed}]==])
  include([==[${listed}]==])   # sets ats_boost_units: <kind>|<run path>, kinds top, leaf, top+leaf
  foreach(unit IN LISTS ats_boost_units)
    string(REPLACE \"|\" \";\" unit \"\${unit}\")
    list(GET unit 0 unit_kind)
    list(GET unit 1 unit_path)
    if(unit_kind MATCHES \"${kind}\")
      string(REPLACE \"/\" \".\" unit_name \"\${unit_path}\")
      add_test(\"${T_PREFIX}.\${unit_name}\" [==[$<TARGET_FILE:${target}>]==] \"--run_test=\${unit_path}\"${args})
      set_tests_properties(\"${T_PREFIX}.\${unit_name}\" PROPERTIES${props})
    endif()
  endforeach()
else()
  add_test([==[${T_PREFIX}.${target}.NOT_BUILT]==] [==[${target}_was_not_built]==])
  set_tests_properties([==[${T_PREFIX}.${target}.NOT_BUILT]==] PROPERTIES${props})
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
