# `cpack -G DEB` (from the build folder): one package, ats-host, installing under /usr, plus
# /etc/ats-host/ats-host.env as a conffile. Dependencies come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ats-host)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR ${ATS_PROJECT_VENDOR})
set(CPACK_PACKAGE_CONTACT "ats-host maintainers <ats-host@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ATS integration host: provider plugins, REST API, sandbox and plugin SDK")
set(CPACK_PACKAGE_DESCRIPTION "ats-host serves applicant tracking systems (Tracker RMS, Workable through Kombo) to \
recruiting products through provider plugins (shared objects in /usr/lib/ats-host/plugins). The \
package holds the host and its plugin worker, the bundled providers, the sandbox emulators, the \
plugin SDK (C headers, C++ SDK, CMake package AtsPluginSDK, pkg-config ats-plugin), and a hardened \
systemd unit (ats-host.service) with its own system user.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst creates the service user with systemd-sysusers, or adduser where systemd is absent.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd | adduser")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/conffiles
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm
  ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
# Files outside the prefix: only the package writes them (a `cmake --install --prefix DIR` must
# never touch the machine's /etc), so they are in their own component left out of the default
# install and named for CPack.
install(FILES systemd/ats-host.env DESTINATION /etc/ats-host
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT etc EXCLUDE_FROM_ALL)
# One package of both components (CPack installs component by component to see the excluded one).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL ${CMAKE_INSTALL_DEFAULT_COMPONENT_NAME} etc)
include(CPack)
