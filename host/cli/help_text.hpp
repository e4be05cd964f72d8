// help_text.hpp - `ats-host --help` and per-command help, including the exit codes.
#pragma once

namespace ats::cli {

inline constexpr const char *kExitCodes = R"(Exit codes:
  0    success
  1    the operation failed in the provider or upstream (not_found, unauthorized, rate_limited,
       transient, conflict, upstream, forbidden); `check` found the connection unusable
  2    usage error or invalid arguments (unknown flag, bad --args JSON, invalid_argument)
  3    plugin or manifest error (unknown tenant, invalid manifest or provider_config, inline
       secret, missing secret, provider not available or rejected, create() failed), or the
       plugin's worker process crashed (code "plugin_crashed": the message names provider,
       tenant and signal) or is restarting after crashes ("plugin_unavailable")
  4    the provider does not support the operation (see `ats-host providers`)
  5    internal error (a bug in the host or the plugin)
  6    partial result: every record printed is valid, but one source of the stream failed (e.g.
       tracker_workable's applications.stream with Kombo unavailable); the LAST stdout line is
       {"_type":"error","source":..,"code":..,"message":..,"retryable":..} and stderr has the
       error line with "kind":"partial"
  7    probe: at least one wire assumption is contradicted by the upstream (report on stdout)
  130  cancelled (SIGINT/SIGTERM; reported on stderr at once; the command ends within 5 s even
       when the plugin ignores the cancellation)
On failure, one JSON line on stderr:
  {"error":{"code":..,"kind":..,"operation":..,"tenant":..,"message":..,"retryable":true|false}}.
)";

inline constexpr const char *kGlobalHelp = R"(Usage: ats-host [global options] COMMAND [command options]

Serves ATS tenants through provider plugins (*.so, stable C ABI, plugin_api/ats_plugin.h).

Commands:
  providers                       list every plugin found, its ABI, capability matrix; rejected files and why
  tenants                         list the tenant manifests and whether each can be served
  check --tenant T                test the tenant's connection and credentials upstream
  call --tenant T OPERATION [--args JSON|@FILE] [--output FILE] [--limit N]
                                  run one operation; records print as NDJSON on stdout
  sync --tenant T [--full] [--retry-quarantined] [--dry-run] [--json]
                                  run the provider's synchronisation once; a readable summary on a
                                  terminal, the JSON summary otherwise (--dry-run: the plan, nothing written)
  syncs --tenant T [--last N] [--run ID] [--json]
                                  the tenant's sync history: every run (CLI, schedule, API, webhook,
                                  dry runs) with start, end, trigger, outcome and summary
  probe --tenant T [--json]       check the provider's wire assumptions on the live account
  forget --tenant T (--email E | --phone P | --workable-candidate-id ID | --tracker-resource-id ID)
                                  erase one person from the host's state for the tenant; prints counts
  serve --tokens FILE [--listen ADDR:PORT] ...
                                  the unified ATS REST API (`ats-host serve --help`, host/serve/README.md)
  hash-token                      print the SHA-256 hash of a token read from stdin (for serve's tokens file)

Global options:
  --plugins DIR      plugins folder (default: <folder of ats-host>/../plugins if it exists, else
                     the installed <folder of ats-host>/../lib/ats-host/plugins)
  --manifests DIR    tenant manifests folder (default: ./manifests)
  --data-dir DIR     state database and lock files (default: ./var; created 0700, files 0600)
  --state-url URL    where state and locks live: postgresql://user@host/db shares them between
                     several instances (locks become leases, env ATS_LEASE_TTL_MS, default 30000);
                     default: env ATS_STATE_URL, else DIR/state.sqlite. The password is never printed
  --instance-id ID   this process in lease holders and /metrics (default: "<hostname> pid <pid>")
  --allow-shared-data-dir  use a data dir / state file other users can read or write (refused otherwise)
  --log-file FILE    JSON-lines log (default: stderr)
  --log-level LEVEL  debug | info | warn | error (default: warn on stderr, info into --log-file;
                     on stderr, warnings print when the command ends, minus those its error repeats)
  --isolation MODE   process | in_process: where a tenant's plugin runs when its manifest has no
                     host.isolation. process = an ats-plugin-worker process per tenant: a crash
                     or hang harms only that tenant and is reported by name and signal
                     (host/worker/README.md). Default: in_process for providers, tenants, check,
                     call, sync; process for serve
  --json             machine-readable output for providers/tenants (NDJSON)
  --help             this help, or a command's help after the command
  --version          host and ABI version
Environment: ATS_HOST_FIXED_NOW_MS pins the host clock given to plugins (tests);
  ATS_HOST_CA_FILE names a PEM CA bundle trusted for HTTPS instead of the system's (verification stays on).

)";

inline constexpr const char *kHashTokenHelp = R"(Usage: ats-host hash-token < token

Prints the SHA-256 hex of the token read from stdin (a trailing newline is ignored): the form
`serve --tokens` stores. Takes no arguments. Exit: 0, or 2 for an empty token.
)";

inline constexpr const char *kProvidersHelp = R"(Usage: ats-host providers [--json] [global options]

Loads every *.so of the plugins folder, screens it (entry symbol, ABI major, descriptor) and
prints each provider enum with its display name, plugin version, ABI version, file and capability
matrix (supported / limited / not_supported, with the reason). Rejected files are listed last with
the reason. --json prints one JSON object per plugin (status "ok" or "rejected"); an "ok" one is
spelled as the REST API's GET /v1/providers spells it ("abi_version", "operations": every known
operation with "support" supported / limited / not_supported and its "reason") plus "status",
"file", "config_schema" and "warnings".
Exit: 0 even when some files are rejected (they are reported), 2 on usage errors.
)";

inline constexpr const char *kTenantsHelp = R"(Usage: ats-host tenants [--json] [global options]

Reads every *.json manifest of the manifests folder (*.schema.json excluded) and lists tenant id,
provider and status: "ok", or the problem (invalid manifest, provider not available, a
provider_config the plugin's schema refuses, an inline secret or a secret reference that does not
resolve: what `check` would refuse before calling the plugin).
Exit: 0 when every manifest is usable, 3 when at least one is not (all are still listed).
)";

inline constexpr const char *kCheckHelp = R"(Usage: ats-host check --tenant T [global options]

Opens the tenant (manifest, secrets, provider_config validation, plugin create()) and runs the
"check" operation, printing its result ({"ok":..,"details":..}) as one JSON line.
)";

inline constexpr const char *kCallHelp =
    R"(Usage: ats-host call --tenant T OPERATION [--args JSON|@FILE] [--output FILE] [--limit N]

Runs OPERATION (e.g. jobs.stream, candidates.get; see plugin_api/ats_operations.h) with the JSON
object given by --args (default {}; @FILE reads it from a file). Each record prints as one JSON
line on stdout (NDJSON). Binary results (candidates.get_resume, *.attachments.get) need
--output FILE: the bytes go there and their metadata prints as one JSON line.
--limit N stops a stream after N records (the plugin is told to stop).
A stream may also carry control records ({"_type": ...}, plugin_api/ats_plugin.h): they do not
count against --limit and print after every result; {"_type":"error"} means a partial result
(exit 6).
)";

inline constexpr const char *kSyncHelp =
    R"(Usage: ats-host sync --tenant T [--full] [--retry-quarantined] [--dry-run] [--json]

Runs the provider's "sync" operation once with {"full": false|true}: --full ignores the checkpoint
and re-reads everything (a full reconciliation); --retry-quarantined adds
{"retry_quarantined": true}: applications the provider quarantined after repeated failures are
retried in this run. Shows a progress bar on stderr when stderr is a terminal (every phase, with
rate and time left). On a terminal, prints a readable summary: counts, then what needs the
operator, grouped and ranked, with what to do; --json (or a stdout that is not a terminal) prints
the full summary record as one JSON line. Every run, dry runs included, is kept in the tenant's
sync history (`ats-host syncs`).

--dry-run reads everything a real sync reads and writes nothing: no Tracker write is sent and the
sync's durable state (checkpoint, id maps, intents, pending list, quarantine) is left as it was.
It prints the plan: every write a real run would send (people to create and the identity that
found no match, links, status changes from -> to and why, contact fields, notes, CVs), plus the
pending applications, identity conflicts and quarantine, and the same counters as a real run's
summary. Human-readable on a terminal; one JSON line ("dry_run": true, "plan": [...]) with --json
or when stdout is not a terminal.
)";

inline constexpr const char *kSyncsHelp = R"(Usage: ats-host syncs --tenant T [--last N] [--run ID] [--json]

Lists the tenant's sync history, newest first: every run recorded by `sync` (and its dry runs) and
by `serve` (scheduled, API and webhook runs), with its id, trigger, mode, start, end, outcome and
the main counts. --last N shows the newest N (default 20); --run ID shows one run with its whole
summary. The history lives in the tenant's state (sealed like the tenant's other secret values)
and keeps the newest sync.history_runs runs (manifest; default 100).
Human-readable on a terminal; NDJSON (one run per line) or, with --run, one JSON line with --json
or when stdout is not a terminal.
Exit: 0; 2 for an unknown run id.
)";

inline constexpr const char *kProbeHelp =
    R"(Usage: ats-host probe --tenant T [--json] [--write-probes --scratch-record ID]

Checks, read-only, each assumption the provider makes about the upstream's undocumented wire
behaviour (Tracker: WIRE_ASSUMPTIONS.md A1-A16; Kombo: paging, filters, updated_after) and
reports each as confirmed, contradicted (with the request sent and the part of the answer that
disagrees) or not checkable read-only (and why). Human-readable on a terminal; one JSON line with
--json or when stdout is not a terminal. --write-probes --scratch-record ID also runs the probes
that write, on the scratch record the operator names (not implemented by every provider).
Exit code 7 when at least one assumption is contradicted; 0 when none is.
)";

inline constexpr const char *kForgetHelp =
    R"(Usage: ats-host forget --tenant T (--email E | --phone P | --workable-candidate-id ID | --tracker-resource-id ID)

Erases one person from what the host keeps for the tenant (data protection): runs the provider's
"forget" operation with exactly one selector. The provider removes the person's identity keys,
id maps, pending and quarantined records and write intents; the result line holds counts only
(never the personal data given). Idempotent: a second run removes nothing. Tracker and Workable
are not touched (they are the systems of record; erase the person there separately); the next
sync finds the person in Tracker again as new to the host. Takes the tenant's sync lock.
)";

} // namespace ats::cli
