#!/usr/bin/env bash
# The one setup script. On a fresh Debian 12 machine (as root) it installs what is missing, then
# configures and builds into ./build (BUILD_DIR overrides). Idempotent: a second run only rebuilds.
#   bash setup.sh            install + build
#   bash setup.sh demo       install + build + the sandbox demo (README quick start)
#   bash setup.sh test       install + build + the full test suite (what CI runs)
#   bash setup.sh --deps     install only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${BUILD_DIR:-$here/build}"
mode="${1:-build}"
case "$mode" in
  build|demo|test|--deps) ;;
  *) echo "usage: bash setup.sh [demo|test|--deps]" >&2; exit 2 ;;
esac

apt_packages=(
  build-essential cmake ninja-build ccache clang lld pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libboost-filesystem1.81-dev
  libboost-url1.81-dev
  libssl-dev openssl libsqlite3-dev libpq-dev postgresql-15 libhowardhinnant-date-dev tzdata
  libphonenumber8 libprotobuf-dev libabsl-dev libicu-dev
  nodejs npm valgrind binutils
  libclang-rt-14-dev clang-format-14
)
# The operator console is tested in a real browser (headless Chromium): the suite needs it.
if [[ "$mode" == test ]]; then apt_packages+=(chromium); fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs may come from another origin (nodesource) that bundles npm: accept any working node+npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libphonenumber-dev would pull Boost 1.74 dev packages that conflict with 1.81: take its headers
# and static archive from the .deb without installing it.
third="$build/third_party"
if [[ ! -f "$third/phonenumber/usr/include/phonenumbers/phonenumberutil.h" ]]; then
  mkdir -p "$third/deb"
  # `apt-get download` needs package lists; a fresh image may have none even with everything installed.
  (cd "$third/deb" && { apt-get download libphonenumber-dev >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get download libphonenumber-dev >/dev/null; }; })
  rm -rf "$third/phonenumber" && mkdir -p "$third/phonenumber"
  dpkg-deb -x "$third"/deb/libphonenumber-dev_*.deb "$third/phonenumber"
fi

# ajv validates sandbox responses against Kombo's OpenAPI document (JSON Schema 2020-12).
if [[ ! -d "$third/node/node_modules/ajv" ]]; then
  mkdir -p "$third/node"
  (cd "$third/node" && npm install --silent --no-audit --no-fund ajv@8 ajv-formats@3 >/dev/null)
fi
# Kombo's official TypeScript SDK (MIT): the real client of serve's Kombo-shaped routes (serve.kombo).
if [[ ! -d "$third/node/node_modules/@kombo-api/sdk" ]]; then
  mkdir -p "$third/node"
  (cd "$third/node" && npm install --silent --no-audit --no-fund @kombo-api/sdk@1.1.3 >/dev/null)
fi

[[ "$mode" == "--deps" ]] && exit 0

# ccache keyed on paths relative to the checkout, so another clone of the same tree hits the cache.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=true
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build" -j "$(nproc)"

# The demo: the `demo` tenant (manifests/demo.json, provider tracker_workable) against a freshly
# seeded sandbox on the ports that manifest names. State lives in $build/demo-var (reset each run).
run_demo() {
  local bin="$build/bin" data="$build/demo-var" ports="$build/demo-ports.json" sandbox_pid
  local admin="http://127.0.0.1:18702/_sandbox"
  rm -rf "$data" "$ports" && mkdir -p "$data" && chmod 700 "$data" # the host refuses a shared data dir
  "$bin/ats-sandbox" --tracker-port 18701 --kombo-port 18702 --ports-file "$ports" \
    --seed 7 --jobs 12 --applications 400 --people 240 --tracker-people 80 >"$build/demo-sandbox.log" 2>&1 &
  sandbox_pid=$!
  trap "kill $sandbox_pid 2>/dev/null; wait $sandbox_pid 2>/dev/null || true" EXIT
  for _ in $(seq 100); do [[ -s "$ports" ]] && break; sleep 0.1; done
  if [[ ! -s "$ports" ]]; then
    echo "demo: ats-sandbox did not start (are ports 18701/18702 free?):" >&2; cat "$build/demo-sandbox.log" >&2; exit 1
  fi
  local host=("$bin/ats-host" --plugins "$build/plugins" --manifests "$here/manifests" --data-dir "$data"
              --log-file "$build/demo-host.log")
  # Pretty-prints JSON lines; arrays longer than 3 show their first 3 items and a count of the rest.
  pretty() { node -e 'const cut=v=>Array.isArray(v)?(v.length>3?[...v.slice(0,3).map(cut),`... ${v.length-3} more`]:v.map(cut)):(v&&typeof v==="object"?Object.fromEntries(Object.entries(v).map(([k,x])=>[k,cut(x)])):v);
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean))console.log(JSON.stringify(cut(JSON.parse(l)),null,2))})'; }
  step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

  step "Sandbox: $(head -n1 "$build/demo-sandbox.log")"
  step "Providers found in $build/plugins"; "${host[@]}" providers
  step "Tenant 'demo' (manifests/demo.json): check the connection"; "${host[@]}" check --tenant demo | pretty
  step "Cold sync: every Workable application into Tracker, exactly once"
  "${host[@]}" sync --tenant demo | tee "$build/demo-cold.json" | pretty
  step "What landed: people, links, statuses, contact details, CVs (the summary's counters)"
  node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
    console.log("people", JSON.stringify(s.people)); console.log("statuses", JSON.stringify(s.statuses));
    console.log("contacts", JSON.stringify(s.contacts)); console.log("documents (CVs)", JSON.stringify(s.documents));
    console.log("quarantined or refused:", s.applications.invalid, "invalid,", s.applications.quarantined, "quarantined")' "$build/demo-cold.json"
  # A recruiter at work in Tracker: a synced application moved to Shortlisted, through the Widget API.
  local tracker="http://127.0.0.1:18701/api/widget" key; key="$(cat "$here/manifests/sandbox-secrets/tracker-api-key")"
  widget() { curl -fsS -X POST "$tracker/$1" -H 'Content-Type: application/json' -d "{\"trackerrms\":{\"$1\":$2}}"; }
  local shortlisted link
  shortlisted="$(widget getSettings "{\"credentials\":{\"apikey\":\"$key\"}}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const j=JSON.parse(s); const set=j.opportunityResourceStatuses?j:(Array.isArray(j.results)?j.results[0]:j.results); console.log(set.opportunityResourceStatuses.find(x=>x.Name==="Shortlisted").Id)})')"
  link="$(widget getRecords "{\"credentials\":{\"apikey\":\"$key\"},\"instructions\":{\"recordtype\":\"OR\",\"numrecords\":50}}" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s).results.find(x=>x.status==="Applied"&&x.source==="Workable");console.log(l?l.id:"")})')"
  if [[ -n "$link" ]]; then
    step "A recruiter moves Tracker application $link to Shortlisted (Tracker is the system of record)"
    widget updateRecord "{\"credentials\":{\"apikey\":\"$key\"},\"instructions\":{\"recordtype\":\"OR\",\"recordid\":$link},\"updates\":[{\"column\":\"opportunityresourcestatusid\",\"value\":$shortlisted}]}" >/dev/null
    step "Sync with nothing changed in Workable: the recruiter's status is kept"
    "${host[@]}" sync --tenant demo | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log("statuses", JSON.stringify(j.statuses), "tracker requests", j.requests.tracker)})'
    widget getRecords "{\"credentials\":{\"apikey\":\"$key\"},\"instructions\":{\"recordtype\":\"OR\",\"recordid\":$link}}" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s).results[0];console.log("Tracker application",l.id,"status:",l.status)})'
  fi
  # A Workable recruiter moves an application whose Tracker link nobody touched to Interview.
  local moved
  moved="$(curl -fsS "$admin/expected" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const a=JSON.parse(s).applications.find(x=>x.outcome==="PENDING"&&x.existing_link_id&&x.expected_status_by_stage==="Applied");
    console.log(a?a.application_id+" "+a.existing_link_id:"")})')"
  if [[ -n "$moved" ]]; then
    step "In Workable, application ${moved% *} moves to the Interview stage; the next sync moves Tracker application ${moved#* } to Interview"
    curl -fsS -X POST "$admin/workable/application" -H 'Content-Type: application/json' \
      -d "{\"application_id\":\"${moved% *}\",\"stage\":\"Interview\"}" >/dev/null
    "${host[@]}" sync --tenant demo | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log("statuses", JSON.stringify(j.statuses))})'
    widget getRecords "{\"credentials\":{\"apikey\":\"$key\"},\"instructions\":{\"recordtype\":\"OR\",\"recordid\":${moved#* }}}" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s).results[0];console.log("Tracker application",l.id,"status:",l.status)})'
  fi
  step "Meanwhile in Workable: 30 new applications, 20 outcomes changed, 3 deleted, an unmapped job gets mapped"
  curl -fsS -X POST "$admin/mutate" -H 'Content-Type: application/json' \
    -d '{"add_applications": 30, "change_outcomes": 20, "delete_applications": 3, "link_unmapped_job": true}' | pretty
  step "Incremental sync"; "${host[@]}" sync --tenant demo | pretty
  step "Nothing changed since: Kombo pages, plus one read of Tracker's opportunities while applications wait for an unmapped job"
  "${host[@]}" sync --tenant demo | pretty
  step "Three records of the combined applications.stream"
  "${host[@]}" call --tenant demo applications.stream --limit 3 | pretty
  step "What the sandbox saw (Kombo write violations must be 0)"
  curl -fsS "$admin/counters" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s);
    const by={};for(const r of c.counters){const k=r.service+" "+r.method+" "+r.endpoint;by[k]=(by[k]||0)+r.count}
    for(const [k,v] of Object.entries(by).sort())console.log(String(v).padStart(7)+"  "+k);
    console.log("Kombo write violations: "+c.kombo_write_violations)})'
  echo; echo "demo: logs in $build/demo-host.log and $build/demo-sandbox.log; state in $data"
}

case "$mode" in
  test) exec ctest --test-dir "$build" --output-on-failure -j "$(nproc)" ;;
  demo) run_demo ;;
esac
