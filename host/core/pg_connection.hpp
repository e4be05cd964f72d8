// pg_connection.hpp - the one place the host talks libpq: a connection (RAII), parameters passed
// in binary, results read in binary, prepared statements made once per connection, and a
// reconnect after the server dropped the connection. Every error message has the URL's password
// removed. Not thread-safe: its owner serializes calls.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace ats::host::pg {

// One parameter: bytes with a type (binary wire format).
struct Param {
    enum Type { text, bytea, int8, boolean } type = text;
    std::string bytes;
    static Param of_text(std::string_view s) { return {text, std::string(s)}; }
    static Param of_bytea(std::string_view s) { return {bytea, std::string(s)}; }
    static Param of_int8(int64_t v);
    static Param of_bool(bool v) { return {boolean, std::string(1, v ? '\1' : '\0')}; }
};

class Result {
public:
    explicit Result(pg_result *r) : r_(r) {}
    Result(Result &&o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    Result(const Result &) = delete;
    ~Result();
    int rows() const;
    bool is_null(int row, int col) const;
    std::string bytes(int row, int col) const; // text / bytea
    int64_t int8(int row, int col) const;
    int32_t int4(int row, int col) const;
    bool boolean(int row, int col) const;

private:
    pg_result *r_;
};

class Connection {
public:
    // Connects; throws std::runtime_error("PostgreSQL <redacted url>: <libpq message>").
    explicit Connection(std::string url);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // A command without parameters (BEGIN, COMMIT, DDL). Throws on failure.
    void exec(const std::string &sql);
    // A statement prepared under `name` the first time it is used on this connection.
    Result run(const char *name, const char *sql, const std::vector<Param> &params);
    struct Statement {
        const char *name, *sql;
        std::vector<Param> params;
    };
    // Several prepared statements sent in pipeline mode (one round trip per chunk rather than per
    // statement); throws on the first that failed. Meant for writes inside a transaction.
    void pipeline(const std::vector<Statement> &statements);
    // A transaction. A connection lost inside one is never silently replaced (the rest of the
    // transaction would run outside it): the statement fails and the caller rolls back.
    void begin(const char *sql = "BEGIN");
    void commit();
    // ROLLBACK that never throws (for error paths).
    void rollback() noexcept;
    // SQLSTATE of the last failure ("" none): callers retry serialization failures (40001, 40P01).
    const std::string &last_sqlstate() const { return sqlstate_; }
    const std::string &redacted_url() const { return redacted_; }

private:
    std::string url_, redacted_, password_;
    pg_conn *conn_ = nullptr;
    std::set<std::string> prepared_;
    std::string sqlstate_;
    bool in_tx_ = false;
    void ensure_connected();
    void prepare(const char *name, const char *sql, const std::vector<Param> &params);
    [[noreturn]] void fail(const std::string &what, pg_result *r);
    std::string clean(std::string msg) const; // password removed
};

} // namespace ats::host::pg
