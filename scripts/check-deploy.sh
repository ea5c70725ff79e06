#!/usr/bin/env bash
# The deployment, checked offline: no cluster, no network.
#
#   scripts/check-deploy.sh [K8S_DIR] [DOCKERFILE]     (defaults: the repository's k8s/ and Dockerfile)
#
# 1. Renders every overlay (K8S_DIR/overlays/*) with `kubectl kustomize`.
# 2. Validates each built-in kind (Deployment, Service, Ingress, NetworkPolicy, ...)
#    against kubernetes-validate's strict schemas of Kubernetes $HOSO_K8S_VERSION (1.31.0)
#    with scripts/k8s-validate.py, which lists every error where kubernetes-validate's
#    command shows the first: an unknown field, a wrong type or a missing required field.
# 3. Validates each custom resource (KEDA's ScaledObject and TriggerAuthentication,
#    CloudNativePG's Cluster and ScheduledBackup, ...) with check-jsonschema against the
#    schema of its CRD in ../shared/k8s-crds (HOSO_K8S_CRDS moves it), made strict by
#    scripts/crd-to-jsonschema.py. A custom resource whose kind has no CRD there fails.
# 4. Lints DOCKERFILE with hadolint: any finding, even a style one, fails.
#
# Tools come from scripts/ensure-deploy-tools.sh (run first, idempotent). Prints every
# problem with the manifest and the field it is in, and exits 1 if there was any;
# "check-deploy: ok" on its last line otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s="${1:-$root/k8s}"
dockerfile="${2:-$root/Dockerfile}"
crds="${HOSO_K8S_CRDS:-$(dirname "$root")/shared/k8s-crds}"
k8s_version="${HOSO_K8S_VERSION:-1.31.0}"
tools="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
venv="$tools/deploy-venv"

[ -d "$k8s/overlays" ] || { echo "check-deploy: $k8s has no overlays/ folder" >&2; exit 1; }
[ -f "$dockerfile" ] || { echo "check-deploy: no Dockerfile at $dockerfile" >&2; exit 1; }
[ -d "$crds" ] || { echo "check-deploy: no CRDs at $crds (set HOSO_K8S_CRDS)" >&2; exit 1; }

if ! log="$(bash "$root/scripts/ensure-deploy-tools.sh" 2>&1)"; then
  echo "$log" >&2
  echo "check-deploy: the tools could not be installed" >&2
  exit 1
fi
kubectl="$venv/bin/kubectl"
py="$venv/bin/python"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

problems=0
problem() { echo "check-deploy: $*" >&2; problems=$((problems + 1)); }

"$py" "$root/scripts/crd-to-jsonschema.py" "$crds" "$work/schemas" >/dev/null

overlays=0 core_count=0 custom_count=0
declare -A by_schema=()
for dir in "$k8s"/overlays/*/; do
  [ -f "$dir/kustomization.yaml" ] || continue
  overlay="$(basename "$dir")"
  overlays=$((overlays + 1))
  rendered="$work/$overlay.yaml"
  if ! "$kubectl" kustomize "$dir" >"$rendered" 2>"$work/kustomize.err"; then
    problem "overlays/$overlay does not render: $(cat "$work/kustomize.err")"
    continue
  fi
  if ! "$py" "$root/scripts/split-manifests.py" "$rendered" "$overlay" "$work/split" "$work/schemas" >"$work/$overlay.plan"; then
    problem "overlays/$overlay: the render has documents that are not Kubernetes objects"
  fi

  core=()
  while IFS=$'\t' read -r what file a b; do
    case "$what" in
      core) core+=("$file") ;;
      custom) by_schema["$a"]+="$file"$'\n' ;;
      unknown) problem "overlays/$overlay: $(basename "$file" .yaml): $b ($a) is a custom resource kind with no CRD in $crds" ;;
    esac
  done <"$work/$overlay.plan"

  # Built-in kinds, against kubernetes-validate's strict schemas; every error is a line
  # naming the file, the resource and the field (a kind without a schema is one too).
  if [ ${#core[@]} -gt 0 ]; then
    core_count=$((core_count + ${#core[@]}))
    if ! out="$("$py" "$root/scripts/k8s-validate.py" "$k8s_version" "${core[@]}" 2>&1)"; then
      while IFS= read -r line; do
        [ -n "$line" ] && problem "overlays/$overlay: ${line//$work\/split\//}"
      done <<<"$out"
    fi
  fi
done

# Custom resources of every overlay, one check-jsonschema run per CRD schema. Its errors
# are "FILE::$.json.path: message"; the file's name starts with its overlay.
for schema in "${!by_schema[@]}"; do
  mapfile -t files < <(printf '%s' "${by_schema[$schema]}")
  custom_count=$((custom_count + ${#files[@]}))
  if ! out="$("$venv/bin/check-jsonschema" --color never --schemafile "$schema" "${files[@]}" 2>&1)"; then
    while IFS= read -r line; do
      line="$(echo "$line" | sed -e "s|$work/split/||g" -e 's/^ *//')"
      case "$line" in
        "Schema validation errors were encountered."|"") ;;
        *--*) problem "overlays/${line%%--*}: CRD $(basename "$schema" .json): $line" ;;
        *) problem "CRD $(basename "$schema" .json): $line" ;;
      esac
    done <<<"$out"
  fi
done
[ "$overlays" -gt 0 ] || problem "no overlay with a kustomization.yaml in $k8s/overlays"

# The Dockerfile: hadolint's findings are "FILE:LINE CODE level: message".
if ! out="$("$venv/bin/hadolint" --no-color "$dockerfile" 2>&1)"; then
  while IFS= read -r line; do
    [ -n "$line" ] && problem "hadolint: $line"
  done <<<"$out"
fi

if [ "$problems" -gt 0 ]; then
  echo "check-deploy: FAILED with $problems problem(s)" >&2
  exit 1
fi
echo "check-deploy: ok ($overlays overlays, $core_count built-in manifests against Kubernetes $k8s_version, $custom_count custom resources against their CRDs, $(basename "$dockerfile") lint-clean)"
