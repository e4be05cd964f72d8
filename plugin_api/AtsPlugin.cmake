# ats_add_plugin(<target> SOURCES ... [LIBS ...])
# Builds a provider plugin as a MODULE library in ${ATS_PLUGIN_OUTPUT_DIR} named lib<target>.so,
# exporting only the entry symbol `ats_plugin_entry` (version script + hidden visibility, and
# -Bsymbolic so the plugin's own calls never bind to another library's symbols).
set(ATS_PLUGIN_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/ats_plugin.map)

function(ats_add_plugin target)
  cmake_parse_arguments(P "" "OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR ${ATS_PLUGIN_OUTPUT_DIR})
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE ats_plugin_api ${P_LIBS})
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIR}
    LINK_DEPENDS ${ATS_PLUGIN_VERSION_SCRIPT})
  target_link_options(${target} PRIVATE
    -Wl,--version-script=${ATS_PLUGIN_VERSION_SCRIPT} -Wl,-Bsymbolic -Wl,--no-undefined)
endfunction()
