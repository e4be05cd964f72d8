/*
 * ats_plugin.h - the stable C ABI between the ATS integration host and a provider plugin.
 *
 * THIS HEADER IS THE SPECIFICATION. Every rule a plugin or a host must follow is written next to
 * the declaration it governs. It compiles as C11 and as C++17/C++20 with
 * -Wall -Wextra -pedantic -Werror (tests/abi: ctest -R abi.header_).
 *
 * Shape (after CLAP and the hourglass pattern):
 *   - A plugin is a shared object that exports exactly ONE symbol: the const data object
 *     `ats_plugin_entry` (type `ats_plugin_entry_t`). Every other symbol is hidden.
 *   - The entry starts with `struct_size` and `abi_version`; these two fields are frozen for every
 *     major version, so a host can read them from any plugin before it trusts anything else.
 *   - The host hands each instance a table of host services (logging, HTTP, durable state, locks,
 *     clock, cancellation). Plugins open no sockets and touch no files of their own.
 *   - Operations are named by strings (ATS_OP_* below) and take/return UTF-8 JSON documents in the
 *     unified schema of plugin_api/schema/. New operations are new names, never new struct fields,
 *     so the set of operations can grow without breaking a single shipped plugin.
 *   - Results leave the plugin through caller-provided callbacks (ats_sink_t); errors through a
 *     caller-owned fixed-size ats_error_t. Nothing allocated on one side is freed on the other.
 *     No C++ type and no exception ever crosses this boundary.
 *
 * Versioning:
 *   - ATS_ABI_VERSION_MAJOR changes only when an existing layout or meaning changes. A host refuses
 *     a plugin of another major (naming both versions and the file).
 *   - ATS_ABI_VERSION_MINOR grows when fields are APPENDED to a struct. Each versioned struct
 *     carries `struct_size`; a reader must use ATS_HAS_FIELD() before touching a field that was
 *     added after minor 0. A newer minor on either side keeps working.
 *
 * Growth rule: a new capability takes exactly one of three ways, decided in this order.
 *   1. A new OPERATION is a new ATS_OP_* name (ats_operations.h), never a struct field; the
 *      plugin's minor tells an older host which names to skip in its matrix.
 *   2. A STRUCT GROWS (a field appended at the end, minor + 1, every reader checks ATS_HAS_FIELD)
 *      when the addition is part of a table both sides always exchange and every host or plugin
 *      of the new minor takes part in it: one function or value, defined for everyone, with a
 *      stated fallback for a peer of an older minor (ats_sink_t.position: a stream without
 *      positions is not resumable; ats_host_services_t.identity_hash: keep raw keys). The field is
 *      documented with its minor and may be NULL only when it says so. In the tests: a 1.4 host
 *      runs a plugin with the 1.0 entry layout without reading past it (test_old_minor) and a 1.5
 *      plugin whose entry is longer than its own (test_newer_minor), tests/abi/loader_test.cpp.
 *   3. An EXTENSION (get_extension below; no minor, no struct of this header changes) when the
 *      capability is optional for plugins (most never implement it), is a whole interface (a
 *      table of functions) rather than one field, or is vendor-specific or experimental, so it is
 *      versioned on its own: the id names the interface and its version ("vendor.name/N"); a
 *      changed interface is a new id (".../N+1", which a plugin may serve beside the old one),
 *      never a changed struct; the interface struct starts with `uint32_t struct_size`. A host
 *      asks by id and uses the capability only when the answer is not NULL; a plugin asks
 *      nothing (the host's side grows through rule 2). The prefix "ats." is reserved for
 *      interfaces this header defines - none yet. In the tests: the test-only interface
 *      "ats-tests.greeting/1" of tests/abi/plugins/test_extension.h, found and called by the host
 *      through its loader (PluginRegistry), and NULL for an unknown id, another version, or a
 *      1.0 plugin (tests/abi/loader_test.cpp).
 *   Nothing takes two ways: an interface does not also grow a struct, and a field appended to a
 *   struct is never also offered as an extension.
 *   - History: 1.0 = initial; 1.1 appended ats_plugin_entry_t.get_extension. Control records
 *     (sink.record, "_type") are a contents rule within 1.1, compatible both ways. 1.2 added the
 *     operations "probe" and "forget" (ats_operations.h) and sync's argument "dry_run": no struct changed; the
 *     minor tells a 1.1 host to skip them in a 1.2 plugin's matrix instead of refusing it, and
 *     a 1.1 plugin ignores "dry_run" (so a host asks for a dry run only from a 1.2 plugin).
 *     1.3 appended ats_sink_t.position (a stream reports where it is) and the stream argument
 *     "resume_after" (it starts where a reported position left off): a host checks the plugin's
 *     minor before sending "resume_after" (a 1.2 plugin would ignore it and start over), a plugin
 *     checks ATS_HAS_FIELD before calling position (a 1.2 host's sink ends before it).
 *     Within 1.3, no minor (contents rules and inline helpers, compatible both ways): the growth
 *     rule above; ats_status_retryable(), the one retryable rule (readers also apply it to errors
 *     of older callees, so none changes meaning); get_extension's thread and lifetime rules.
 *     1.4 appended ats_call_t.max_results (how many results the caller takes at most, so that a
 *     stream may fetch its next upstream page ahead without fetching one nobody takes): a 1.3
 *     host's ats_call_t ends before it (the plugin then reads nothing ahead), a 1.3 plugin never
 *     reads it.
 *   - Host services (ats_host_services_t, versioned separately): 1.0 = initial; 1.1 appended
 *     identity_hash and, with it, the state op ATS_STATE_PUT_SECRET (data protection).
 *   - The operation table ATS_OPERATIONS and ats_result_shape_t (ats_operations.h) are
 *     declarations for compilers only: no struct, exported symbol or minor changed.
 *   - Host pacing (http_request waits for the upstream's rate; a 429 is repeated even when not
 *     idempotent) is host behaviour, no type changed, compatible both ways.
 *   - Record shapes are Kombo items (a contents rule like control records: no struct changed, no
 *     minor): every job, application, candidate, attachment, stage and rejection reason carries
 *     every field Kombo's item schema requires (null where the provider cannot know, [] for
 *     Kombo's non-nullable lists), Kombo's enums (attachment type CV, formerly RESUME) and Kombo's
 *     nested objects (application.job, .candidate, .current_stage {id, remote_id, name, index},
 *     .current_stage_id); the project's own fields (remote_ids, warnings, sync_*, job_name, ...)
 *     stay as additions. plugin_api/schema/ is that contract. A plugin written against the older
 *     shapes keeps loading and working unchanged: the host's Kombo-shaped routes (serve, /ats/...)
 *     complete each of its records the same way (ats::shared::kombo::complete_*, idempotent on new
 *     records), its other routes pass records on as the plugin wrote them, and "RESUME" stays an
 *     accepted input of attachments.add (read as CV).
 *
 * Threads (summary; details at each function):
 *   - init/deinit/get_descriptor: host's loader thread only, never concurrently with anything
 *     else in the same plugin.
 *   - create/destroy: any host thread; never concurrently for the same instance.
 *   - invoke: any host thread, CONCURRENTLY for the same instance. A plugin must be thread-safe
 *     per instance (or serialise internally).
 *   - host services: thread-safe; callable from any thread (including threads the plugin created)
 *     between the return of create() and the call to destroy() for the instance they were given to.
 */
#ifndef ATS_PLUGIN_H
#define ATS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */

#define ATS_ABI_VERSION_MAJOR 1
#ifndef ATS_ABI_VERSION_MINOR /* tests build plugins against other minors by defining this */
#define ATS_ABI_VERSION_MINOR 4
#endif

typedef struct ats_version {
    uint32_t major;
    uint32_t minor;
} ats_version_t;

/* True when a struct instance (pointer `p` whose first member is `uint32_t struct_size`) is large
 * enough to contain `field`. Use it before reading any field appended after minor 0. */
#define ATS_HAS_FIELD(p, type, field) \
    ((p) != NULL && (p)->struct_size >= (uint32_t)(offsetof(type, field) + sizeof(((type *)0)->field)))

/* ---------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------- */

/* Every function that can fail returns one of these (as int32_t). Values are frozen. */
enum {
    ATS_OK = 0,
    ATS_ERR_NOT_SUPPORTED = 1,    /* the provider cannot do this operation at all (see its matrix) */
    ATS_ERR_INVALID_ARGUMENT = 2, /* the caller's arguments or configuration are wrong */
    ATS_ERR_NOT_FOUND = 3,        /* the record named in the arguments does not exist */
    ATS_ERR_UNAUTHORIZED = 4,     /* upstream rejected the credentials */
    ATS_ERR_RATE_LIMITED = 5,     /* upstream rate limit still exceeded after the host's retries */
    ATS_ERR_TRANSIENT = 6,        /* timeout, reset, 5xx: the same call may succeed later */
    ATS_ERR_CONFLICT = 7,         /* state prevents it (record exists, lock held, ...) */
    ATS_ERR_INTERNAL = 8,         /* a bug or an unexpected exception inside the plugin or host */
    ATS_ERR_UPSTREAM = 9,         /* upstream answered with a permanent error not covered above */
    ATS_ERR_CANCELLED = 10,       /* the call was cancelled through ats_call_t */
    ATS_ERR_VERSION = 11,         /* incompatible ABI or service-table version */
    ATS_ERR_FORBIDDEN = 12        /* refused by host policy (egress allow-list, read-only rule) */
};

/* The stable lower-case name of a status ("ok", "invalid_argument", "transient", ...): the one
 * spelling hosts print in error lines and plugins put in control records ({"_type":"error",
 * "code": <name>}). "unknown" for a value not listed above. Pure, thread-safe, no allocation. */
static inline const char *ats_status_name(int32_t status) {
    switch (status) {
    case ATS_OK: return "ok";
    case ATS_ERR_NOT_SUPPORTED: return "not_supported";
    case ATS_ERR_INVALID_ARGUMENT: return "invalid_argument";
    case ATS_ERR_NOT_FOUND: return "not_found";
    case ATS_ERR_UNAUTHORIZED: return "unauthorized";
    case ATS_ERR_RATE_LIMITED: return "rate_limited";
    case ATS_ERR_TRANSIENT: return "transient";
    case ATS_ERR_CONFLICT: return "conflict";
    case ATS_ERR_INTERNAL: return "internal";
    case ATS_ERR_UPSTREAM: return "upstream";
    case ATS_ERR_CANCELLED: return "cancelled";
    case ATS_ERR_VERSION: return "version";
    case ATS_ERR_FORBIDDEN: return "forbidden";
    default: return "unknown";
    }
}

/* The retryable rule (ats_error_t.retryable, and "retryable" in control records), the same on
 * both sides of the ABI: 1 when the status ALONE says that repeating the same call later may
 * succeed - ATS_ERR_TRANSIENT, ATS_ERR_RATE_LIMITED, ATS_ERR_CANCELLED (the caller gave up, the
 * call did not fail) - and 0 for every other value. A callee sets retryable to 1 whenever this
 * returns 1, and also for another status when it knows the condition is temporary (ATS_ERR_CONFLICT
 * because a lock is held by someone else); never for ATS_ERR_INTERNAL (a bug repeats). A reader
 * treats an error as retryable when either its flag or this rule says so, which keeps errors from
 * callees written before the rule (a TRANSIENT with retryable 0) right. Pure, thread-safe. */
static inline int32_t ats_status_retryable(int32_t status) {
    return status == ATS_ERR_TRANSIENT || status == ATS_ERR_RATE_LIMITED || status == ATS_ERR_CANCELLED;
}

#define ATS_ERROR_MESSAGE_MAX 1024

/* Caller-owned error report. The callee fills it only when it returns a non-zero status; it
 * always NUL-terminates `message` (truncating to ATS_ERROR_MESSAGE_MAX-1 bytes). A callee may be
 * handed NULL and must then not write. Messages name the operation and the record at fault and
 * never contain a secret. */
typedef struct ats_error {
    int32_t code;      /* same value as the returned status */
    int32_t retryable; /* 1 when repeating the same call later may succeed: ats_status_retryable() */
    char message[ATS_ERROR_MESSAGE_MAX];
} ats_error_t;

/* ---------------------------------------------------------------------------------------------
 * Result sinks (plugin -> host), provided by the caller of invoke()
 * ------------------------------------------------------------------------------------------- */

enum {
    ATS_SINK_CONTINUE = 0,
    ATS_SINK_STOP = 1 /* the consumer wants no more records: the plugin stops and returns ATS_OK */
};

typedef struct ats_sink {
    uint32_t struct_size; /* sizeof(ats_sink_t) of the caller */
    void *user;           /* passed back verbatim; owned by the caller */

    /* One JSON document (one record, or the single result of a non-stream operation).
     * `json` is owned by the plugin and valid only during the call: copy what you keep.
     * Called on the thread that called invoke(), never concurrently, never after invoke returned.
     * Returns ATS_SINK_CONTINUE or ATS_SINK_STOP. Streams call it once per record and never
     * buffer the whole stream.
     *
     * Control records (a rule on record contents: no layout or version change): a stream
     * record that is a JSON object with a top-level member "_type" is NOT a result (no record
     * schema defines "_type"). Defined:
     *   {"_type":"error","source":"<part of the stream>","code":"<status name>","message":"..",
     *    "retryable":true|false}
     * = a PARTIAL result: the stream's records are complete for every source except `source`,
     * which failed (code = the lower-case ATS_ERR_* name: "transient", "rate_limited",
     * "upstream", "unauthorized", ...; message as in ats_error_t: no secrets). invoke() still
     * returns ATS_OK. A plugin sends it as soon as it knows (e.g. before the first result), so a
     * consumer that stops early still sees it. Hosts never count control records as results
     * (--limit, page sizes) and deliver them AFTER the results: ats-host prints them as the last
     * NDJSON lines and exits 6; `ats-host serve` writes them as the last NDJSON line, or puts them
     * (without "_type") in a JSON page's "warnings". Unknown "_type" values are ignored by
     * consumers that do not know them. A host that predates this rule shows the record as a
     * result, which is why plugins send it only on failure. Callers that prefer a failure ask for
     * it with the operation's own argument (tracker_workable: applications.stream {"strict":true}). */
    int32_t (*record)(void *user, const char *json, size_t json_len);

    /* Binary results (a resume, an attachment): `meta_json` describes the bytes
     * ({"file_name":..,"content_type":..,"size":..}); `data` holds them. Same ownership and
     * thread rules as record(). May be NULL in a sink that accepts no binary results; a plugin
     * then returns ATS_ERR_INVALID_ARGUMENT naming the operation. */
    int32_t (*blob)(void *user, const char *meta_json, size_t meta_len, const uint8_t *data, size_t data_len);

    /* Optional (may be NULL): progress of a long operation. `phase` is a short static-ish string
     * valid during the call; `total` is -1 when unknown. Same thread rules as record(). */
    void (*progress)(void *user, const char *phase, int64_t done, int64_t total);

    /* --- minor 3 --- (a plugin checks ATS_HAS_FIELD(sink, ats_sink_t, position) and non-NULL)
     *
     * Optional (may be NULL: the consumer does not resume, and the plugin need not compute
     * positions): where a stream stands. A stream operation that supports resuming calls it right
     * after record() returned for a RESULT record (never after a control record), also when
     * record() returned ATS_SINK_STOP, with a position that means "every result up to and
     * including the one just delivered". Invoking the SAME operation with the SAME arguments
     * plus "resume_after": <that position as a JSON string> then delivers what follows it:
     *   - no result the first run delivered is delivered again unless it CHANGED upstream since
     *     (it then comes again, in its new state, as an incremental read would return it);
     *   - no result that existed and matched is skipped, whatever changed in between;
     *   - it costs about the upstream requests of the results it delivers, not of those before.
     * `position` is UTF-8 text (a plugin-defined JSON document, at most 16 KiB), owned by the
     * plugin and valid only during the call: copy it. Same thread rules as record(). A plugin
     * reports positions for every result of an operation or for none; a host treats a stream
     * without positions as not resumable. An operation that does not support resuming answers a
     * "resume_after" with ATS_ERR_INVALID_ARGUMENT; a malformed or foreign position is also
     * ATS_ERR_INVALID_ARGUMENT naming "resume_after". Positions carry no secret and are not
     * authenticated by the plugin: a host that hands them to clients must sign them. */
    void (*position)(void *user, const char *position, size_t position_len);
} ats_sink_t;

/* ---------------------------------------------------------------------------------------------
 * Per-call context (host -> plugin)
 * ------------------------------------------------------------------------------------------- */

typedef struct ats_call {
    uint32_t struct_size;
    /* Correlates the plugin's log lines and HTTP requests with the host request. NUL-terminated,
     * owned by the host, valid for the duration of the invoke() it was passed to. */
    const char *request_id;
    void *call_data; /* host-owned; pass back to is_cancelled */
    /* Returns 1 once the caller has given up (client gone, SIGTERM, deadline). Thread-safe, cheap,
     * callable from any thread during the invoke. A plugin checks it between records and between
     * upstream requests and then returns ATS_ERR_CANCELLED. */
    int32_t (*is_cancelled)(void *call_data);

    /* --- minor 4 --- (a plugin checks ATS_HAS_FIELD(call, ats_call_t, max_results))
     *
     * The most RESULT records the caller will take from this invoke (control records are not
     * counted), so that a plugin can size its upstream reads: 0 = no limit (the caller reads the
     * whole stream unless it is cancelled or fails), N = it answers ATS_SINK_STOP by the N-th
     * result at the latest. A hint, never a rule for the plugin: record() still says when to stop,
     * and a plugin that ignores the field is correct. A host sets it for every invoke (0 when it
     * has no limit) and never understates what it takes. What a plugin may do with it: fetch the
     * next upstream page while it delivers the current one ("read-ahead") when the caller's limit
     * lies beyond the rows it has fetched, or ask upstream for fewer rows than its page size.
     * Absent (a host of minor <= 3 built a shorter ats_call_t): the caller's limit is unknown, so
     * the plugin fetches nothing the caller has not asked for yet. Set by the host, read-only. */
    uint64_t max_results;
} ats_call_t;

/* ---------------------------------------------------------------------------------------------
 * Host services (host -> plugin), versioned separately from the entry
 * ------------------------------------------------------------------------------------------- */

#define ATS_HOST_SERVICES_VERSION_MAJOR 1
#ifndef ATS_HOST_SERVICES_VERSION_MINOR /* tests build plugins against other minors by defining this */
#define ATS_HOST_SERVICES_VERSION_MINOR 1
#endif

enum { ATS_LOG_DEBUG = 0, ATS_LOG_INFO = 1, ATS_LOG_WARN = 2, ATS_LOG_ERROR = 3 };

typedef struct ats_http_header {
    const char *name;  /* NUL-terminated */
    const char *value; /* NUL-terminated */
} ats_http_header_t;

typedef struct ats_http_request {
    uint32_t struct_size;
    const char *method; /* "GET", "POST", ... NUL-terminated */
    const char *url;    /* absolute http:// or https:// URL, NUL-terminated */
    const ats_http_header_t *headers;
    size_t header_count;
    const uint8_t *body; /* may be NULL when body_len == 0 */
    size_t body_len;
    int32_t timeout_ms; /* whole-exchange deadline; 0 = the host's default */
    /* 1 when the request may be repeated without side effects: the host then retries 429, 500,
     * 502, 503, 504 and connection failures per its policy (honouring rate-limit reset headers).
     * 0: the host sends it once and reports what happened; reconciling is the plugin's job. The
     * one exception is an answer 429, which the upstream gives before doing anything: the host
     * repeats it per its policy whatever this flag says. */
    int32_t idempotent;
    /* Names of headers whose values are secrets (NUL-terminated names, may be NULL/0): the host
     * never logs them. Authorization is always treated as secret. */
    const char *const *secret_headers;
    size_t secret_header_count;
} ats_http_request_t;

typedef struct ats_http_response {
    uint32_t struct_size;
    int32_t status; /* HTTP status code */
    const ats_http_header_t *headers;
    size_t header_count;
    const uint8_t *body;
    size_t body_len;
    int32_t attempts; /* how many times the host sent the request (1 = no retry) */
} ats_http_response_t;

/* Receives the response. Everything reachable from `response` is host-owned and valid only during
 * this call. Runs on the thread that called http_request, before it returns. */
typedef void (*ats_http_response_fn)(void *user, const ats_http_response_t *response);

/* Receives one stored value (state_get / state_scan). `key` and `value` are host-owned and valid
 * only during the call. state_scan: return ATS_SINK_STOP to end the scan early. */
typedef int32_t (*ats_state_value_fn)(void *user, const char *key, size_t key_len, const uint8_t *value,
                                      size_t value_len);

enum {
    ATS_STATE_PUT = 0,
    ATS_STATE_DELETE = 1,
    /* Host services minor 1: a put whose value is a SECRET (a credential, a record holding
     * personal data). The host stores it encrypted (AES-256-GCM under the tenant's state key,
     * bound to the tenant and key) and state_get/state_scan hand it back decrypted, like any
     * value; a state file copied without its key yields nothing. A later plain PUT of the same
     * key stores it plain again. Only a host whose table has identity_hash (ATS_HAS_FIELD)
     * accepts this kind; an older host answers ATS_ERR_INVALID_ARGUMENT ("op #i is malformed"),
     * so a plugin checks first and decides what to do without it (refuse, or store plain and
     * log that once). When a sealed value cannot be opened (its key is not configured), the
     * read fails with ATS_ERR_CONFLICT naming the key id (never key material). */
    ATS_STATE_PUT_SECRET = 2
};

typedef struct ats_state_op {
    int32_t kind; /* ATS_STATE_PUT, ATS_STATE_DELETE or (minor 1) ATS_STATE_PUT_SECRET */
    const char *key;
    size_t key_len;
    const uint8_t *value; /* ignored for DELETE */
    size_t value_len;
} ats_state_op_t;

typedef struct ats_lock ats_lock_t; /* opaque, host-owned */

typedef struct ats_host_services {
    uint32_t struct_size;
    ats_version_t version; /* ATS_HOST_SERVICES_VERSION_* of the host */
    /* Opaque per-instance host context: pass it as the first argument of every function below.
     * Owned by the host; valid from create() until destroy() returns. */
    void *host_data;

    /* --- logging ---------------------------------------------------------------------------
     * Writes one structured log line (the host adds time, tenant, provider, request id).
     * `message` is UTF-8, not necessarily NUL-terminated, borrowed for the call. The host redacts
     * every configured secret value it finds in the message. Never fails. */
    void (*log)(void *host_data, const ats_call_t *call, int32_t level, const char *message, size_t message_len);

    /* --- HTTP --------------------------------------------------------------------------------
     * Performs one request through the host's client (TLS verification on, connection reuse,
     * timeouts, retries, egress allow-list, pacing at the upstream's learned rate limit). Blocks
     * the calling thread, also while the request waits for its turn under the tenant's rate limit
     * (a call the host made for a sync waits behind calls made for interactive requests). `call`
     * may be NULL (e.g. from create; counts as interactive), otherwise cancellation aborts waits
     * and retries.
     * Returns ATS_OK once an HTTP response was received - whatever its status - after calling
     * on_response exactly once. Otherwise returns ATS_ERR_TRANSIENT (connect/timeout/reset, after
     * retries for idempotent requests), ATS_ERR_INVALID_ARGUMENT (malformed request),
     * ATS_ERR_FORBIDDEN (host not on the tenant's egress allow-list) or ATS_ERR_CANCELLED, fills
     * `error` and does not call on_response. */
    int32_t (*http_request)(void *host_data, const ats_call_t *call, const ats_http_request_t *request,
                            ats_http_response_fn on_response, void *user, ats_error_t *error);

    /* --- durable per-tenant state (key-value; keys are UTF-8, values bytes) ------------------
     * The store is private to this tenant and survives process restarts and crashes: a call that
     * returned ATS_OK is durable. All calls are thread-safe.
     * state_get: calls `on_value` once and returns ATS_OK, or returns ATS_ERR_NOT_FOUND. */
    int32_t (*state_get)(void *host_data, const char *key, size_t key_len, ats_state_value_fn on_value, void *user,
                         ats_error_t *error);
    /* Applies all ops atomically (one transaction): either every op is durable or none is. */
    int32_t (*state_apply)(void *host_data, const ats_state_op_t *ops, size_t op_count, ats_error_t *error);
    /* Calls on_value for every key starting with `prefix`, in byte order of the keys. The
     * callback must not call back into the state service. */
    int32_t (*state_scan)(void *host_data, const char *prefix, size_t prefix_len, ats_state_value_fn on_value,
                          void *user, ats_error_t *error);

    /* --- exclusive locks (per tenant, across processes) ----------------------------------------
     * Acquires the named lock, waiting at most wait_ms (0 = try once). A lock held by a process
     * that died is released automatically. Returns ATS_OK and a handle, or ATS_ERR_CONFLICT
     * naming the holder when it could not be had in time. The handle is released with
     * lock_release (exactly once, from any thread) or when the instance is destroyed. */
    int32_t (*lock_acquire)(void *host_data, const char *name, int64_t wait_ms, ats_lock_t **out_lock,
                            ats_error_t *error);
    void (*lock_release)(void *host_data, ats_lock_t *lock);

    /* --- clock -------------------------------------------------------------------------------
     * Milliseconds since the Unix epoch, UTC (wall clock; tests may pin it). */
    int64_t (*now_unix_ms)(void *host_data);

    /* --- configuration helpers ------------------------------------------------------------------
     * The number of concurrent upstream requests the host allows this instance (>= 1). Plugins
     * that fan out requests use at most this many threads for it. */
    int32_t (*max_concurrency)(void *host_data);

    /* --- minor 1 --- (check with ATS_HAS_FIELD(services, ats_host_services_t, identity_hash)) */

    /* --- data protection ------------------------------------------------------------------------
     * Keyed hash of personal data used as a lookup key (an e-mail, a phone, a name), so that the
     * state holds no readable identity: HMAC-SHA-256 of the `len` bytes at `data` under a key
     * private to this tenant (generated by the host, kept sealed, never rotated: equal inputs
     * give equal outputs for the life of the tenant's state; different tenants give different
     * outputs). Writes a NUL-terminated printable text of ATS_IDENTITY_HASH_LEN characters
     * ("h1." + 43 URL-safe base64 characters) into the caller-owned `out` of `out_cap` bytes.
     * `data` is borrowed for the call and may be NULL only when len == 0. Thread-safe, no
     * upstream I/O (the key is loaded when the instance is created). Returns ATS_OK, or
     * ATS_ERR_INVALID_ARGUMENT (NULL out, out_cap < ATS_IDENTITY_HASH_LEN + 1, NULL data with
     * len > 0) with `error` filled in (never containing the input or the key); `out` is then
     * left untouched. A plugin that finds this field missing runs on an older host: it may keep
     * its old (raw) keys and log that once. */
    int32_t (*identity_hash)(void *host_data, const uint8_t *data, size_t len, char *out, size_t out_cap,
                             ats_error_t *error);
} ats_host_services_t;

#define ATS_IDENTITY_HASH_LEN 46 /* characters written by identity_hash, without the NUL */

/* ---------------------------------------------------------------------------------------------
 * Descriptor: what the host can learn without creating an instance
 * ------------------------------------------------------------------------------------------- */

enum {
    ATS_SUPPORTED = 0,
    ATS_LIMITED = 1,      /* works with a restriction stated in `reason` */
    ATS_NOT_SUPPORTED = 2 /* invoke returns ATS_ERR_NOT_SUPPORTED with `reason` */
};

typedef struct ats_capability {
    const char *operation; /* an ATS_OP_* name */
    int32_t support;       /* ATS_SUPPORTED / ATS_LIMITED / ATS_NOT_SUPPORTED */
    const char *reason;    /* one line; "" when fully supported */
} ats_capability_t;

typedef struct ats_plugin_descriptor {
    uint32_t struct_size;
    const char *provider;       /* the provider enum: [a-z][a-z0-9_]*, unique among loaded plugins */
    const char *display_name;   /* "Tracker RMS" */
    const char *plugin_version; /* semantic version of the plugin itself, "1.2.0" */
    const char *vendor;
    const char *description;              /* one paragraph */
    const ats_capability_t *capabilities; /* one per operation the plugin knows about; an operation
                                             missing from the list is ATS_NOT_SUPPORTED */
    size_t capability_count;
    /* JSON Schema (draft 2020-12 subset: type, properties, required, additionalProperties, items,
     * enum, const, minimum, maximum, minLength, maxLength, minItems, pattern, default,
     * description) of the `provider_config` object a tenant manifest gives to create(). */
    const char *config_schema_json;
} ats_plugin_descriptor_t;

/* ---------------------------------------------------------------------------------------------
 * The entry point: the one exported symbol
 * ------------------------------------------------------------------------------------------- */

typedef struct ats_instance ats_instance_t; /* opaque, plugin-owned */

typedef struct ats_host_info {
    uint32_t struct_size;
    ats_version_t abi_version; /* the host's ATS_ABI_VERSION_* */
    const char *host_name;     /* "ats-host" */
    const char *host_version;
    const char *plugin_path; /* absolute path of this plugin's file */
} ats_host_info_t;

typedef struct ats_plugin_entry {
    /* --- frozen for every major version --- */
    uint32_t struct_size;      /* sizeof(ats_plugin_entry_t) as the plugin was compiled */
    ats_version_t abi_version; /* ATS_ABI_VERSION_MAJOR/MINOR the plugin was compiled against */

    /* --- minor 0 --- */

    /* Called once, right after loading, before any other function; `host` is valid only during
     * the call. Returns ATS_OK, or an error (filled in) after which the host unloads the library
     * without calling deinit. Loader thread. */
    int32_t (*init)(const ats_host_info_t *host, ats_error_t *error);

    /* Called once before unloading, after the last instance was destroyed. Loader thread. */
    void (*deinit)(void);

    /* Static description, owned by the plugin, valid from init() until deinit(). Never NULL. */
    const ats_plugin_descriptor_t *(*get_descriptor)(void);

    /* Creates an instance for one tenant. `services` is host-owned and valid until destroy()
     * returns. `config_json` is the tenant's provider_config (already validated by the host
     * against config_schema_json, secrets resolved), borrowed for the call. `tenant_id` is
     * NUL-terminated, borrowed. On success stores a plugin-owned handle in *out and returns
     * ATS_OK; on failure fills `error` and leaves *out NULL. Any host thread. */
    int32_t (*create)(const ats_host_services_t *services, const char *tenant_id, const char *config_json,
                      size_t config_len, ats_instance_t **out, ats_error_t *error);

    /* Destroys an instance. No invoke() on it is running or will run. Threads the plugin started
     * for it must be joined before it returns. */
    void (*destroy)(ats_instance_t *instance);

    /* Runs one operation. `operation` is an ATS_OP_* name (NUL-terminated, borrowed); `args_json`
     * a JSON object (borrowed for the call; "{}" when there are none). Results go to `sink`
     * (borrowed, valid during the call). Returns ATS_OK, or a status with `error` filled in;
     * records already delivered before a failure stay delivered. An unknown operation returns
     * ATS_ERR_NOT_SUPPORTED. `call` is never NULL. May run concurrently on one instance. */
    int32_t (*invoke)(ats_instance_t *instance, const ats_call_t *call, const char *operation, const char *args_json,
                      size_t args_len, const ats_sink_t *sink, ats_error_t *error);

    /* --- minor 1 --- (check with ATS_HAS_FIELD(entry, ats_plugin_entry_t, get_extension)) */

    /* String-keyed optional interfaces (growth rule 3 above), as CLAP's get_extension: returns a
     * plugin-owned pointer to the interface struct for an id the plugin implements
     * ("vendor.name/N", NUL-terminated, borrowed for the call), NULL for any other id or NULL.
     * The pointer and everything it reaches are static: valid from init() until deinit(), the
     * same for every call. Any host thread, concurrently; no allocation, never fails otherwise.
     * The field itself may be NULL (a plugin with no extension). A host that runs the plugin in
     * another process (a worker) cannot use pointers of that process: it only asks in process. */
    const void *(*get_extension)(const char *id);
} ats_plugin_entry_t;

/* The name of the one symbol a plugin exports: `const ats_plugin_entry_t ats_plugin_entry`. */
#define ATS_PLUGIN_ENTRY_SYMBOL "ats_plugin_entry"

#if defined(_WIN32)
#define ATS_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ATS_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}
#endif

#include "ats_operations.h"

#endif /* ATS_PLUGIN_H */
