# ats_add_plugin(<target> SOURCES ... [LIBS ...] [OUTPUT_DIR dir])
# Builds a provider plugin as a MODULE library named lib<target>.so, exporting only the entry
# symbol `ats_plugin_entry` (version script + hidden visibility, and -Bsymbolic so the plugin's own
# calls never bind to another library's symbols; --no-undefined so a missing symbol fails the link,
# not the host's dlopen). Output folder: OUTPUT_DIR, else ${ATS_PLUGIN_OUTPUT_DIR} when set, else
# CMake's usual place (the current binary folder, or CMAKE_LIBRARY_OUTPUT_DIRECTORY).
#
# Three ways in, all ending here:
#  - this project's own build (the top-level CMakeLists.txt defines AtsPluginSDK::sdk first);
#  - find_package(AtsPluginSDK) from an installed host (its config file defines the imported
#    target and ATS_PLUGIN_VERSION_SCRIPT, then includes this file);
#  - include(<source tree>/plugin_api/AtsPlugin.cmake) from another project: the headers and the
#    version script are the ones next to this file.
include_guard(GLOBAL)

if(NOT ATS_PLUGIN_VERSION_SCRIPT)
  set(ATS_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/ats_plugin.map")
endif()
# Also kept globally: ats_add_plugin() may be called from a folder that does not see the variable.
set_property(GLOBAL PROPERTY ATS_PLUGIN_VERSION_SCRIPT "${ATS_PLUGIN_VERSION_SCRIPT}")
if(NOT TARGET AtsPluginSDK::sdk)
  add_library(AtsPluginSDK::sdk INTERFACE IMPORTED GLOBAL)
  set_target_properties(AtsPluginSDK::sdk PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}")
endif()

function(ats_add_plugin target)
  cmake_parse_arguments(P "" "OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "ats_add_plugin(${target}): no SOURCES given")
  endif()
  if(NOT P_OUTPUT_DIR AND DEFINED ATS_PLUGIN_OUTPUT_DIR)
    set(P_OUTPUT_DIR "${ATS_PLUGIN_OUTPUT_DIR}")
  endif()
  set(script "${ATS_PLUGIN_VERSION_SCRIPT}")
  if(NOT script)
    get_property(script GLOBAL PROPERTY ATS_PLUGIN_VERSION_SCRIPT)
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE AtsPluginSDK::sdk ${P_LIBS})
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${script}")
  if(P_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}")
  endif()
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${script}" -Wl,-Bsymbolic -Wl,--no-undefined)
endfunction()
