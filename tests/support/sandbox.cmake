# The sandbox fixture (owned by helper "sandbox"): included at the end of CMakeLists.txt here.
if(TARGET ats_http_client)
  target_sources(ats_test_support PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sandbox_fixture.cpp)
  target_link_libraries(ats_test_support PUBLIC ats_http_client Boost::json)
  target_include_directories(ats_test_support PUBLIC ${CMAKE_SOURCE_DIR}/host/sandbox) # credentials.hpp
endif()
