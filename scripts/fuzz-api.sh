#!/usr/bin/env bash
# The HTTP API against its own /openapi.json: schemathesis generates requests from the
# document and checks that the server answers every request the document calls valid
# with a success (or 404 for an id that does not exist, 409 for a state conflict),
# refuses every request it calls invalid with a 4xx, never answers 5xx, and answers
# only with the statuses and bodies the document declares.
#
#   scripts/fuzz-api.sh [HOSO_BINARY]        (default target/debug/hoso; builds nothing)
#
# It runs `hoso serve` on the embedded default in a temporary data directory, with a
# token of each role, and fuzzes each role against the operations that role may call:
# the document names them in each operation's `x-roles`, derived from the service's
# role x action table. A refusal for a role that may not call an operation is
# authorization, not a disagreement between the document and the server, so it is
# never provoked rather than excused (403 is not an accepted answer to a valid request).
# The procedure system's token may read every document type, for the same reason, and
# declares its purpose with X-Purpose on every request, as the document requires of it.
#
# schemathesis is installed from PyPI into a venv under ~/.cache/hoso-tools the first
# time (HOSO_TOOLS_DIR moves it). FUZZ_MAX_EXAMPLES and FUZZ_SEED change the run's size
# and seed. Exits non-zero on any finding.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hoso="${1:-$root/target/debug/hoso}"
case "$hoso" in /*) ;; *) hoso="$PWD/$hoso" ;; esac
[ -x "$hoso" ] || { echo "fuzz-api: no hoso binary at $hoso (cargo build -p hoso first)" >&2; exit 1; }
command -v python3 >/dev/null || {
  echo "fuzz-api: python3 is required (apt-get install python3 python3-venv)" >&2
  exit 1
}

schemathesis_version="4.32.5"
max_examples="${FUZZ_MAX_EXAMPLES:-50}"
seed="${FUZZ_SEED:-20260101}"
tools="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
venv="$tools/schemathesis-venv"
st="$venv/bin/schemathesis"

# --- schemathesis, once, under a lock: test runs may start this script at the same time.
ensure_schemathesis() {
  if "$st" --version 2>/dev/null | grep -qF "version $schemathesis_version"; then
    return
  fi
  echo "fuzz-api: installing schemathesis $schemathesis_version into $venv" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian keeps ensurepip in a package of its own.
    if command -v apt-get >/dev/null; then
      sudo_cmd=""
      [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    rm -rf "$venv"
    python3 -m venv "$venv" || {
      echo "fuzz-api: python3 -m venv failed; install python3-venv" >&2
      exit 1
    }
  fi
  "$venv/bin/python" -m pip install -q "schemathesis==$schemathesis_version" || {
    echo "fuzz-api: pip could not install schemathesis $schemathesis_version from PyPI" >&2
    rm -rf "$venv"
    exit 1
  }
  "$st" --version | grep -qF "version $schemathesis_version" || {
    echo "fuzz-api: schemathesis $schemathesis_version did not install" >&2
    exit 1
  }
}
mkdir -p "$tools"
exec 9>"$tools/schemathesis-venv.lock"
flock 9
ensure_schemathesis
flock -u 9

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export HOSO_DATA_DIR="$work/data"
export HOSO_LOG=warn
# The stand-in engine reads no pixels: the API is under test here, not OCR, and fuzzed
# uploads are bytes that only look like their formats.
export HOSO_ENGINE=stand-in
unset HOSO_DATABASE_URL HOSO_CONFIG HOSO_S3_BUCKET

token() { "$hoso" token create --name "$1" --role "$2" ${3:+--types "$3"}; }
# Names no generated request is likely to hit: an admin run may revoke tokens by name.
clerk="$(token fuzz-clerk-5b1e clerk)"
auditor="$(token fuzz-auditor-5b1e auditor)"
admin="$(token fuzz-admin-5b1e admin)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$hoso" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
# GET a url into a file, or fail.
fetch() {
  python3 - "$1" "$2" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r, open(sys.argv[2], "wb") as out:
    out.write(r.read())
PY
}
for _ in $(seq 1 300); do
  fetch "$base/healthz" "$work/healthz" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "fuzz-api: hoso serve died" >&2; exit 1; }
  sleep 0.1
done
fetch "$base/openapi.json" "$work/openapi.json" || {
  cat "$work/serve.log" >&2
  echo "fuzz-api: hoso serve did not answer on $base" >&2
  exit 1
}

# Every record type from the document, so the procedure system's token can read them all.
all_types="$(python3 - "$work/openapi.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(",".join(doc["components"]["schemas"]["RecordType"]["enum"]))
PY
)"
procedure_system="$(token fuzz-ps-5b1e procedure_system "$all_types")"

# The operations of a role, from the document's x-roles; `public` is those without.
operations_of() {
  python3 - "$work/openapi.json" "$1" <<'PY'
import json, sys
doc, role = json.load(open(sys.argv[1])), sys.argv[2]
for item in doc["paths"].values():
    for op in item.values():
        roles = op.get("x-roles")
        if (role == "public" and roles is None) or (roles is not None and role in roles):
            print(op["operationId"])
PY
}

# Bodies that are files: the document says which media types a part or a body takes, and
# these tell the fuzzer what such bytes look like (the server checks the magic bytes).
cat >"$work/hooks.py" <<'PY'
from hypothesis import strategies as st
import schemathesis

tail = st.binary(min_size=0, max_size=256)
formats = {
    "application/pdf": st.sampled_from([b"%PDF-1.4\n", b"%PDF-1.7\n"]),
    "image/jpeg": st.just(b"\xff\xd8\xff\xe0"),
    "image/png": st.just(b"\x89PNG\r\n\x1a\n"),
    "image/tiff": st.sampled_from([b"II*\x00", b"MM\x00*"]),
}
for media_type, magic in formats.items():
    schemathesis.openapi.media_type(media_type, st.builds(lambda m, t: m + t, magic, tail))
schemathesis.openapi.media_type(
    "application/octet-stream",
    st.builds(lambda m, t: m + t, st.one_of(*formats.values()), tail),
)


@schemathesis.hook
def before_call(context, case, kwargs):
    # A form's parts go in the order its schema lists them: the document says the server
    # reads the dossier's text parts before its files, a rule no schema keyword states.
    if not (case.media_type or "").startswith("multipart/") or not isinstance(case.body, dict):
        return
    body = case.operation.get_body_for_media_type(case.media_type)
    order = list(((body.resolved_schema if body else None) or {}).get("properties", {}))
    rank = {name: i for i, name in enumerate(order)}
    # In place: assigning a new body would have schemathesis judge the case again, and a
    # body holding bytes never passes that judgement.
    for name in sorted(case.body, key=lambda name: rank.get(name, len(order))):
        case.body[name] = case.body.pop(name)
PY

cat >"$work/schemathesis.toml" <<'TOML'
# A valid request may still name an id that does not exist (404, documented per
# operation) or meet a state conflict (409: a dossier code or token name taken).
# Nothing else: 401 and 403 are not accepted, each role only calls what it may. An
# invalid request is refused with 400 (401 when it leaves out the token), or 404 when
# the server looks the id up first, 413 or 415 for a file.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "404", "409"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "404", "413", "415"]
TOML
# The admin run reuses no value from responses: those include the names of the run's own
# tokens (GET /tokens), and a token revoked by its own run turns every later answer into a
# 401. Revoking by name is still fuzzed, with the names the document allows.
{
  cat "$work/schemathesis.toml"
  for phase in examples fuzzing; do
    printf '\n[phases.%s.extra-data-sources]\nresponses = false\n' "$phase"
  done
} >"$work/schemathesis-admin.toml"

# The disagreements this run is for, then the answers' content types, a missing token
# answered 401 and an undeclared method 405.
checks="not_a_server_error,status_code_conformance,response_schema_conformance"
checks+=",positive_data_acceptance,negative_data_rejection"
checks+=",content_type_conformance,ignored_auth,unsupported_method"
failed=0

# One schemathesis run: the config, then its selection and headers.
# One worker: hypothesis describes its strategies with ast.parse, which Python 3.11
# cannot run on two threads at once ("AST constructor recursion depth mismatch").
st_run() {
  local config="$1"
  shift
  (cd "$work" && SCHEMATHESIS_HOOKS="$work/hooks.py" "$st" --no-color \
    --config-file "$config" run "$base/openapi.json" \
    --checks "$checks" --max-examples "$max_examples" --seed "$seed" \
    --generation-database none --workers 1 --request-timeout 30 \
    --suppress-health-check all "$@") || failed=1
}

# The dossier form, whose file parts come from the media type strategies above: in its
# coverage phase schemathesis 4.32.5 sends such a form with every other required part
# empty (`_generate_multipart_body_from_custom_strategies`) and calls it valid, whatever
# the parts' schemas say. The form gets the examples and fuzzing phases, which draw its
# text parts from their schemas, valid and invalid.
encoded_form=create_dossier

run_role() {
  local role="$1"
  shift
  local config="$work/schemathesis.toml"
  [ "$role" != admin ] || config="$work/schemathesis-admin.toml"
  local ops=() form=()
  while read -r op; do
    if [ "$op" = "$encoded_form" ]; then
      form=(--include-operation-id "$op")
    else
      ops+=(--include-operation-id "$op")
    fi
  done < <(operations_of "$role")
  echo "=== $role: $(( (${#ops[@]} + ${#form[@]}) / 2 )) operations"
  [ ${#ops[@]} -gt 0 ] || { echo "fuzz-api: the document gives $role no operation" >&2; failed=1; return; }
  # The coverage phase sends each schema boundary once; fuzzing adds random examples.
  st_run "$config" --phases examples,coverage,fuzzing "${ops[@]}" "$@"
  [ ${#form[@]} -eq 0 ] || st_run "$config" --phases examples,fuzzing "${form[@]}" "$@"
}

started=$SECONDS
run_role public
run_role clerk -H "Authorization: Bearer $clerk"
run_role auditor -H "Authorization: Bearer $auditor"
run_role admin -H "Authorization: Bearer $admin"
run_role procedure_system -H "Authorization: Bearer $procedure_system" \
  -H "X-Purpose: kiem tra ho so (fuzz-api)"
echo "fuzz-api: $((SECONDS - started)) s, $max_examples examples per operation and phase, seed $seed"

if grep -q "panicked" "$work/serve.log"; then
  echo "fuzz-api: the server panicked:" >&2
  grep -A5 "panicked" "$work/serve.log" >&2
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "fuzz-api: FAILED (server log above if any)" >&2
  tail -n 50 "$work/serve.log" >&2
  exit 1
fi
echo "fuzz-api: ok"
