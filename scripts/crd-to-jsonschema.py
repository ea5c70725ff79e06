#!/usr/bin/env python3
"""CustomResourceDefinitions to JSON Schemas, for validating custom resources offline.

    crd-to-jsonschema.py CRD_DIR OUT_DIR

Reads every CRD in CRD_DIR (*.yaml, *.yml) and writes, for each of its served versions,
OUT_DIR/<group>_<version>_<Kind>.json: the version's openAPIV3Schema as JSON Schema
(draft 2020-12), made as strict as the API server's strict field validation:

- an object that declares properties admits no others (additionalProperties: false),
  unless it says x-kubernetes-preserve-unknown-fields;
- x-kubernetes-int-or-string becomes "an integer or a string";
- nullable: true admits null;
- apiVersion and kind must be the CRD's own (const), and metadata is an ObjectMeta:
  a name, and only the fields ObjectMeta has.

It also writes OUT_DIR/index.json: {"<group>/<version> <Kind>": "<file name>"}.
CEL rules (x-kubernetes-validations) are not evaluated: they need an API server.
Needs PyYAML.
"""

import json
import os
import sys

import yaml

# libyaml's parser where PyYAML has it: the CRDs are large (CloudNativePG's, 1 MB).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

# The fields of ObjectMeta (k8s.io/apimachinery meta/v1), as a manifest may carry them.
OBJECT_META = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "generateName": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": STRING_MAP,
        "annotations": STRING_MAP,
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "ownerReferences": {"type": "array", "items": {"type": "object"}},
        "uid": {"type": "string"},
        "resourceVersion": {"type": "string"},
        "generation": {"type": "integer"},
        "creationTimestamp": {"type": ["string", "null"]},
        "deletionTimestamp": {"type": ["string", "null"]},
        "deletionGracePeriodSeconds": {"type": "integer"},
        "managedFields": {"type": "array"},
    },
}

SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "additionalItems")


def convert(node):
    """One OpenAPI v3 (structural) schema node to JSON Schema."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in SUBSCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: convert(v) for k, v in value.items()}
        elif key in SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [convert(v) for v in value]
        elif key in SUBSCHEMA_ONE and isinstance(value, dict):
            out[key] = convert(value)
        elif key == "description":
            continue  # long, and of no use to a validator
        else:
            out[key] = value

    if out.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        if "anyOf" not in out and "oneOf" not in out:
            out["anyOf"] = [{"type": "integer"}, {"type": "string"}]

    if out.pop("nullable", False) and "type" in out:
        t = out["type"]
        out["type"] = list(dict.fromkeys((t if isinstance(t, list) else [t]) + ["null"]))

    preserve = out.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def resource_schema(group, version, kind, openapi):
    root = convert(openapi or {"type": "object"})
    props = dict(root.get("properties", {}))
    props["apiVersion"] = {"const": f"{group}/{version}"}
    props["kind"] = {"const": kind}
    props["metadata"] = OBJECT_META
    root["properties"] = props
    root["type"] = "object"
    root["required"] = sorted(set(root.get("required", [])) | {"apiVersion", "kind", "metadata"})
    root["additionalProperties"] = False
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    root["title"] = f"{kind} ({group}/{version})"
    return root


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: crd-to-jsonschema.py CRD_DIR OUT_DIR")
    crd_dir, out_dir = argv[1], argv[2]
    os.makedirs(out_dir, exist_ok=True)
    index = {}
    files = sorted(f for f in os.listdir(crd_dir) if f.endswith((".yaml", ".yml")))
    for name in files:
        with open(os.path.join(crd_dir, name)) as f:
            docs = [d for d in yaml.load_all(f, Loader=SafeLoader) if d]
        for crd in docs:
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            group, kind = spec["group"], spec["names"]["kind"]
            for v in spec["versions"]:
                if not v.get("served", True):
                    continue
                openapi = (v.get("schema") or spec.get("validation") or {}).get("openAPIV3Schema")
                schema = resource_schema(group, v["name"], kind, openapi)
                file_name = f"{group}_{v['name']}_{kind}.json"
                with open(os.path.join(out_dir, file_name), "w") as out:
                    json.dump(schema, out)
                index[f"{group}/{v['name']} {kind}"] = file_name
    if not index:
        sys.exit(f"crd-to-jsonschema: no CustomResourceDefinition in {crd_dir}")
    with open(os.path.join(out_dir, "index.json"), "w") as out:
        json.dump(index, out, indent=1, sort_keys=True)
    print(f"crd-to-jsonschema: {len(index)} schemas from {len(files)} files in {crd_dir}")


if __name__ == "__main__":
    main(sys.argv)
