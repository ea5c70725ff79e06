#!/usr/bin/env python3
"""Built-in Kubernetes kinds against kubernetes-validate's strict schemas, every error.

    k8s-validate.py KUBERNETES_VERSION FILE...

kubernetes-validate's command stops at the first error of a resource, and that is often
a consequence ("'containerPort' is a required property") rather than the slip itself
("'containerPrt' was unexpected"). This uses the same schemas (the package's
<version>-local-strict set: unknown fields are errors) and the same resolution, and
prints every error, one line each:

    ERROR FILE: kind/name (Kubernetes 1.31): field.path: message

A kind it has no schema for is an error too. Exits 1 on any error. Run it with the
deploy venv's python (scripts/ensure-deploy-tools.sh).
"""

import re
import sys

import jsonschema
import yaml
from kubernetes_validate import utils
from referencing import Registry, Resource


def schema_for(doc, version):
    """The strict schema of doc's kind and its definitions, found as kubernetes_validate.utils.validate finds them."""
    api_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", doc["apiVersion"])
    schema_dir = f"v{version}-local-strict"
    schema = utils.schema_contents(
        f"kubernetes-json-schema/{schema_dir}/{doc['kind'].lower()}-{api_version}.json", version
    )
    definitions = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", version)
    return schema, definitions


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: k8s-validate.py KUBERNETES_VERSION FILE...")
    wanted = argv[1].lstrip("v")
    candidates = [v for v in utils.all_versions() if utils.major_minor(v) <= utils.major_minor(wanted)]
    if not candidates:
        sys.exit(f"k8s-validate: kubernetes-validate has no schemas for Kubernetes {wanted}")
    version = candidates[-1]
    shown = utils.major_minor(version)
    errors = 0
    for path in argv[2:]:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            what = f"{doc.get('kind', '?').lower()}/{(doc.get('metadata') or {}).get('name', '?')}"
            try:
                schema, definitions = schema_for(doc, version)
            except FileNotFoundError:
                print(f"ERROR {path}: {what}: no schema for kind {doc.get('kind')} "
                      f"(apiVersion {doc.get('apiVersion')}) in Kubernetes {shown}")
                errors += 1
                continue
            registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
            validator = jsonschema.validators.Draft202012Validator(schema, registry=registry)
            for e in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
                field = ".".join(str(p) for p in e.absolute_path) or "(top level)"
                print(f"ERROR {path}: {what} (Kubernetes {shown}): {field}: {e.message}")
                errors += 1
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main(sys.argv)
