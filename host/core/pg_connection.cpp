#include "pg_connection.hpp"

#include "state_store.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ats::host::pg {
namespace {

// Type OIDs of the parameters the host sends (pg_type.h; stable since forever).
constexpr Oid kTextOid = 25, kByteaOid = 17, kInt8Oid = 20, kBoolOid = 16;

Oid oid_of(Param::Type t) {
    switch (t) {
    case Param::bytea: return kByteaOid;
    case Param::int8: return kInt8Oid;
    case Param::boolean: return kBoolOid;
    case Param::text: break;
    }
    return kTextOid;
}

uint64_t big_endian(const char *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

} // namespace

Param Param::of_int8(int64_t v) {
    std::string b(8, '\0');
    auto u = static_cast<uint64_t>(v);
    for (int i = 7; i >= 0; --i, u >>= 8) b[static_cast<size_t>(i)] = static_cast<char>(u & 0xFF);
    return {int8, b};
}

Result::~Result() { PQclear(r_); }
int Result::rows() const { return PQntuples(r_); }
bool Result::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Result::bytes(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col)));
}
int64_t Result::int8(int row, int col) const { return static_cast<int64_t>(big_endian(PQgetvalue(r_, row, col), 8)); }
int32_t Result::int4(int row, int col) const { return static_cast<int32_t>(big_endian(PQgetvalue(r_, row, col), 4)); }
bool Result::boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] != 0; }

Connection::Connection(std::string url)
    : url_(std::move(url)), redacted_(redact_state_url(url_)), password_(state_url_password(url_)) {
    ensure_connected();
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

std::string Connection::clean(std::string msg) const {
    if (!password_.empty())
        for (size_t at = msg.find(password_); at != std::string::npos; at = msg.find(password_, at))
            msg.replace(at, password_.size(), "***");
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
}

void Connection::ensure_connected() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
    if (in_tx_) throw std::runtime_error("PostgreSQL " + redacted_ + ": the connection was lost inside a transaction");
    if (conn_) { // the server closed it (restart, idle timeout): one fresh connection
        PQfinish(conn_);
        conn_ = nullptr;
        prepared_.clear();
    }
    conn_ = PQconnectdb(url_.c_str());
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = conn_ ? clean(PQerrorMessage(conn_)) : "out of memory";
        if (conn_) PQfinish(conn_);
        conn_ = nullptr;
        throw std::runtime_error("PostgreSQL " + redacted_ + ": cannot connect: " + msg);
    }
    // Quiet NOTICEs (CREATE ... IF NOT EXISTS) instead of libpq printing them on stderr.
    PQsetNoticeProcessor(
        conn_, [](void *, const char *) {}, nullptr);
}

void Connection::fail(const std::string &what, pg_result *r) {
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    sqlstate_ = state ? state : "";
    std::string msg = clean(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    if (msg.empty() && conn_) msg = clean(PQerrorMessage(conn_));
    PQclear(r);
    throw std::runtime_error("PostgreSQL " + redacted_ + ": " + what + ": " + msg);
}

void Connection::exec(const std::string &sql) {
    ensure_connected();
    sqlstate_.clear();
    pg_result *r = PQexec(conn_, sql.c_str());
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
    PQclear(r);
}

void Connection::prepare(const char *name, const char *sql, const std::vector<Param> &params) {
    if (prepared_.count(name)) return;
    std::vector<Oid> types;
    for (const auto &p : params) types.push_back(oid_of(p.type));
    pg_result *r = PQprepare(conn_, name, sql, static_cast<int>(types.size()), types.data());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(std::string("preparing ") + name, r);
    PQclear(r);
    prepared_.insert(name);
}

void Connection::pipeline(const std::vector<Statement> &statements) {
    ensure_connected();
    sqlstate_.clear();
    for (const auto &st : statements) prepare(st.name, st.sql, st.params);
    // Chunks with a sync point each: the server's answers to a chunk fit the socket buffers, so
    // this blocking client never waits on a server that waits on it. Inside BEGIN a sync point
    // commits nothing.
    constexpr size_t kChunk = 256;
    for (size_t from = 0; from < statements.size(); from += kChunk) {
        const size_t to = std::min(statements.size(), from + kChunk);
        if (PQenterPipelineMode(conn_) != 1) fail("entering pipeline mode", nullptr);
        for (size_t i = from; i < to; ++i) {
            const auto &st = statements[i];
            std::vector<const char *> values;
            std::vector<int> lengths, formats;
            for (const auto &p : st.params) {
                values.push_back(p.bytes.data());
                lengths.push_back(static_cast<int>(p.bytes.size()));
                formats.push_back(1);
            }
            if (PQsendQueryPrepared(conn_, st.name, static_cast<int>(st.params.size()), values.data(), lengths.data(),
                                    formats.data(), 1) != 1)
                break; // the connection failed: reading the results below reports it
        }
        PQpipelineSync(conn_);
        pg_result *error = nullptr;
        // Each statement's result is followed by a NULL; the chunk ends with PGRES_PIPELINE_SYNC.
        for (int guard = 0; guard < 4 * kChunk + 8; ++guard) {
            pg_result *r = PQgetResult(conn_);
            if (!r) continue;
            auto status = PQresultStatus(r);
            if (status == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (status == PGRES_FATAL_ERROR && !error)
                error = r;
            else
                PQclear(r);
            if (PQstatus(conn_) != CONNECTION_OK) break;
        }
        if (PQexitPipelineMode(conn_) != 1) { // results left over (a broken chunk): drop them
            for (int guard = 0; guard < 4 * kChunk + 8; ++guard)
                if (pg_result *r = PQgetResult(conn_))
                    PQclear(r);
                else if (PQexitPipelineMode(conn_) == 1)
                    break;
        }
        if (error) fail("pipelined statements", error);
        if (PQstatus(conn_) != CONNECTION_OK) fail("pipelined statements", nullptr);
    }
}

Result Connection::run(const char *name, const char *sql, const std::vector<Param> &params) {
    ensure_connected();
    sqlstate_.clear();
    prepare(name, sql, params);
    std::vector<const char *> values;
    std::vector<int> lengths, formats;
    for (const auto &p : params) {
        values.push_back(p.bytes.data());
        lengths.push_back(static_cast<int>(p.bytes.size()));
        formats.push_back(1);
    }
    pg_result *r =
        PQexecPrepared(conn_, name, static_cast<int>(params.size()), values.data(), lengths.data(), formats.data(), 1);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(name, r);
    return Result(r);
}

void Connection::begin(const char *sql) {
    exec(sql);
    in_tx_ = true;
}

void Connection::commit() {
    in_tx_ = false; // a failed COMMIT ended the transaction as well
    exec("COMMIT");
}

void Connection::rollback() noexcept {
    in_tx_ = false;
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
    PQclear(PQexec(conn_, "ROLLBACK"));
}

} // namespace ats::host::pg
