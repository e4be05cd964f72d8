// postgres_server.hpp - a private PostgreSQL server for one test process: initdb into a fresh
// temporary folder, started on a free port with its unix socket in that folder, stopped and
// removed by the destructor. It never connects to or changes the machine's own clusters.
//
// PostgreSQL refuses to run as root. Run as root (CI), the server's commands run as an
// unprivileged user - env ATS_PG_TEST_USER, default `nobody` - which owns the temporary folder;
// run as anyone else, they run as that user. The binaries come from env ATS_PG_BINDIR or the
// newest /usr/lib/postgresql/<version>/bin.
#pragma once

#include <string>
#include <vector>
#include <sys/types.h>

namespace ats::test {

class PostgresServer {
public:
    // Throws std::runtime_error (with initdb's / the server's log) when it cannot start.
    PostgresServer();
    ~PostgresServer(); // fast shutdown, then the folder is removed
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // A connection URL for `database` (libpq URI, unix socket in the temporary folder).
    std::string url(const std::string &database = "postgres") const;
    // Creates an empty database and returns its URL (each test gets its own).
    std::string create_database(const std::string &name);
    int port() const { return port_; }
    const std::string &directory() const { return dir_; }
    pid_t postmaster_pid() const;

private:
    std::string bindir_, dir_, data_, log_;
    int port_ = 0;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    bool switch_user_ = false;
    bool started_ = false;
    // Runs bindir/argv[0] as the server's user; returns its exit status and output.
    int run(const std::vector<std::string> &argv, std::string &output) const;
};

} // namespace ats::test
