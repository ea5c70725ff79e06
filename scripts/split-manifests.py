#!/usr/bin/env python3
"""Splits a rendered kustomization into one file per manifest and says how to check each.

    split-manifests.py RENDERED.yaml LABEL OUT_DIR SCHEMA_DIR

Writes OUT_DIR/<LABEL>--<Kind>--<name>.yaml for each document, and prints one line per
document, tab-separated:

    core     FILE                      a built-in kind: for kubernetes-validate
    custom   FILE  SCHEMA_FILE         a custom resource with a CRD in SCHEMA_DIR/index.json
    unknown  FILE  APIVERSION  KIND    a custom resource kind with no CRD: a failure

A group with a dot that is not one of Kubernetes' own (*.k8s.io) is a custom resource's.
Exits 1 when a document is not a Kubernetes object (no apiVersion, kind or name).
"""

import json
import os
import re
import sys

import yaml


def is_builtin_group(group):
    return group == "" or "." not in group or group.endswith(".k8s.io")


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: split-manifests.py RENDERED.yaml LABEL OUT_DIR SCHEMA_DIR")
    rendered, label, out_dir, schema_dir = argv[1:]
    with open(os.path.join(schema_dir, "index.json")) as f:
        index = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    with open(rendered) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    bad = 0
    for i, doc in enumerate(docs):
        api_version = doc.get("apiVersion") if isinstance(doc, dict) else None
        kind = doc.get("kind") if isinstance(doc, dict) else None
        name = ((doc.get("metadata") or {}).get("name") if isinstance(doc, dict) else None)
        if not (isinstance(api_version, str) and isinstance(kind, str) and isinstance(name, str)):
            print(f"split-manifests: {label}: document {i + 1} is not a Kubernetes object "
                  f"(apiVersion, kind and metadata.name are required)", file=sys.stderr)
            bad += 1
            continue
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{label}--{kind}--{name}")
        path = os.path.join(out_dir, f"{safe}.yaml")
        with open(path, "w") as out:
            yaml.safe_dump(doc, out, sort_keys=False)
        group = api_version.rpartition("/")[0]
        if is_builtin_group(group):
            print(f"core\t{path}")
        elif f"{api_version} {kind}" in index:
            print(f"custom\t{path}\t{os.path.join(schema_dir, index[f'{api_version} {kind}'])}")
        else:
            print(f"unknown\t{path}\t{api_version}\t{kind}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv)
