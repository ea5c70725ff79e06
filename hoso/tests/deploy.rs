//! The deployment, checked offline. `scripts/check-deploy.sh` renders k8s/'s overlays with
//! `kubectl kustomize`, validates the built-in kinds against Kubernetes' strict schemas
//! (kubernetes-validate's), the custom resources (KEDA's, CloudNativePG's) against their
//! CRDs in ../shared/k8s-crds, and lints the Dockerfile with hadolint; its tools come from
//! `scripts/ensure-deploy-tools.sh` (PyPI, into ~/.cache/hoso-tools the first time). These
//! tests run it on the repository and on copies broken on purpose, and read the rendered
//! overlays for what the deployment promises: the parts, the order of migrations, the
//! drain, the scaling, the pods' confinement.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Installs the tools when missing (idempotent, under a lock) and returns their venv.
fn ensure_tools() -> PathBuf {
    let out = Command::new("bash")
        .arg(root().join("scripts/ensure-deploy-tools.sh"))
        .stdin(Stdio::null())
        .output()
        .expect("bash runs scripts/ensure-deploy-tools.sh");
    assert!(
        out.status.success(),
        "scripts/ensure-deploy-tools.sh failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let tools = std::env::var_os("HOSO_TOOLS_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/hoso-tools")
        });
    tools.join("deploy-venv")
}

/// `scripts/check-deploy.sh K8S DOCKERFILE`: whether it passed, and all it printed.
fn check_deploy(k8s: &Path, dockerfile: &Path) -> (bool, String) {
    let out = Command::new("bash")
        .arg(root().join("scripts/check-deploy.sh"))
        .arg(k8s)
        .arg(dockerfile)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("bash runs scripts/check-deploy.sh");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the repository's k8s/ in a temporary folder.
fn k8s_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let k8s = dir.path().join("k8s");
    copy_dir(&root().join("k8s"), &k8s);
    (dir, k8s)
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// The overlay as `kubectl kustomize` renders it, one JSON value per manifest (the venv's
/// PyYAML turns the YAML into JSON: this crate has no YAML parser).
fn render(overlay: &str) -> Vec<Value> {
    let venv = ensure_tools();
    let dir = root().join("k8s/overlays").join(overlay);
    let out = Command::new(venv.join("bin/kubectl"))
        .arg("kustomize")
        .arg(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl kustomize {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let tmp = tempfile::tempdir().unwrap();
    let rendered = tmp.path().join(format!("{overlay}.yaml"));
    std::fs::write(&rendered, &out.stdout).unwrap();
    let json = Command::new(venv.join("bin/python"))
        .arg("-c")
        .arg(
            "import json, sys, yaml\n\
             with open(sys.argv[1]) as f:\n    \
                 json.dump([d for d in yaml.safe_load_all(f) if d], sys.stdout)",
        )
        .arg(&rendered)
        .stdin(Stdio::null())
        .output()
        .expect("the deploy venv's python runs");
    assert!(
        json.status.success(),
        "YAML to JSON failed: {}",
        String::from_utf8_lossy(&json.stderr)
    );
    match serde_json::from_slice::<Value>(&json.stdout).unwrap() {
        Value::Array(docs) => docs,
        other => panic!("not a list of manifests: {other}"),
    }
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| {
            let have: Vec<String> = docs
                .iter()
                .map(|d| format!("{}/{}", d["kind"], d["metadata"]["name"]))
                .collect();
            panic!("no {kind} {name} among {have:?}")
        })
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn containers(pod: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = Vec::new();
    for list in ["initContainers", "containers"] {
        if let Some(cs) = pod[list].as_array() {
            all.extend(cs.iter());
        }
    }
    all
}

fn env<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str())
}

fn main_container(deployment: &Value) -> &Value {
    &deployment["spec"]["template"]["spec"]["containers"][0]
}

fn args(container: &Value) -> Vec<&str> {
    container["args"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn the_manifests_and_the_dockerfile_pass_the_offline_checks() {
    let (ok, text) = check_deploy(&root().join("k8s"), &root().join("Dockerfile"));
    assert!(ok, "scripts/check-deploy.sh failed:\n{text}");
    assert!(text.contains("check-deploy: ok (2 overlays"), "{text}");
}

#[test]
fn both_overlays_render_every_part_of_the_deployment() {
    let mut images = Vec::new();
    for (overlay, namespace) in [("dev", "hoso-dev"), ("prod", "hoso")] {
        let docs = render(overlay);
        let what = |m: &str| format!("overlay {overlay}: {m}");

        let serve = find(&docs, "Deployment", "hoso-serve");
        let worker = find(&docs, "Deployment", "hoso-worker");
        let job = find(&docs, "Job", "hoso-migrate");
        find(&docs, "Service", "hoso");
        find(&docs, "HorizontalPodAutoscaler", "hoso-worker");
        find(&docs, "Cluster", "hoso-db");
        find(&docs, "PodDisruptionBudget", "hoso-serve");
        find(&docs, "PodDisruptionBudget", "hoso-worker");
        find(&docs, "NetworkPolicy", "hoso-serve");
        find(&docs, "NetworkPolicy", "hoso-worker");
        for kind in ["ConfigMap", "Secret", "TriggerAuthentication"] {
            assert!(
                !of_kind(&docs, kind).is_empty(),
                "{}",
                what(&format!("no {kind}"))
            );
        }
        let backups = of_kind(&docs, "ScheduledBackup");
        if overlay == "prod" {
            assert_eq!(backups.len(), 1, "{}", what("one ScheduledBackup"));
            assert_eq!(backups[0]["spec"]["cluster"]["name"], "hoso-db");
        } else {
            assert!(backups.is_empty(), "{}", what("no backups in dev"));
        }

        // Everything lands in the overlay's namespace.
        for d in docs.iter().filter(|d| d["kind"] != "Namespace") {
            assert_eq!(
                d["metadata"]["namespace"],
                namespace,
                "{}",
                what(&format!("{}/{}", d["kind"], d["metadata"]["name"]))
            );
        }

        // The commands, and the migrations before any pod of a version serves.
        assert_eq!(args(main_container(serve)), ["serve", "--no-workers"]);
        assert_eq!(args(main_container(worker)), ["worker"]);
        assert_eq!(args(main_container(job)), ["migrate"]);
        for d in [serve, worker] {
            let init = &d["spec"]["template"]["spec"]["initContainers"][0];
            assert_eq!(
                args(init)[..2],
                ["migrate", "--wait"],
                "{}",
                what("init container")
            );
            assert_eq!(
                env(main_container(d), "HOSO_METRICS_LISTEN"),
                Some("0.0.0.0:9100")
            );
        }
        let config = of_kind(&docs, "ConfigMap")
            .into_iter()
            .find(|c| c["data"]["HOSO_DATABASE_MIGRATE"].is_string())
            .unwrap_or_else(|| panic!("{}", what("no ConfigMap with the settings")));
        assert_eq!(config["data"]["HOSO_DATABASE_MIGRATE"], "false");
        assert_eq!(config["data"]["HOSO_DATA_DIR"], "/var/lib/hoso");
        assert_eq!(
            env(main_container(serve), "HOSO_LISTEN"),
            Some("0.0.0.0:8080")
        );

        // A worker drains within HOSO_DRAIN_SECS, and Kubernetes waits longer than that.
        let w = main_container(worker);
        let drain: u64 = env(w, "HOSO_DRAIN_SECS").unwrap().parse().unwrap();
        let grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
            .as_u64()
            .unwrap();
        assert!(
            grace > drain,
            "{}",
            what(&format!("grace {grace} <= drain {drain}"))
        );
        assert_eq!(env(w, "OMP_THREAD_LIMIT"), Some("1"));
        assert_eq!(w["readinessProbe"]["httpGet"]["path"], "/readyz");
        assert_eq!(w["livenessProbe"]["httpGet"]["path"], "/healthz");

        // KEDA scales on the queue at HOSO_WORKERS jobs a pod, adopting the CPU HPA.
        let so = find(&docs, "ScaledObject", "hoso-worker");
        assert_eq!(
            so["metadata"]["annotations"]["scaledobject.keda.sh/transfer-hpa-ownership"],
            "true"
        );
        assert_eq!(
            so["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["name"],
            "hoso-worker"
        );
        assert_eq!(so["spec"]["scaleTargetRef"]["name"], "hoso-worker");
        let trigger = &so["spec"]["triggers"][0];
        assert_eq!(trigger["type"], "postgresql");
        assert!(trigger["metadata"]["query"]
            .as_str()
            .unwrap()
            .contains("FROM jobs"));
        assert_eq!(
            trigger["metadata"]["targetQueryValue"].as_str(),
            env(w, "HOSO_WORKERS")
        );
        assert_eq!(
            trigger["metadata"]["host"],
            format!("hoso-db-rw.{namespace}.svc.cluster.local")
        );
        find(
            &docs,
            "TriggerAuthentication",
            trigger["authenticationRef"]["name"].as_str().unwrap(),
        );

        // The service runs as a login role in hoso_service, not as the owner.
        let db = find(&docs, "Cluster", "hoso-db");
        let roles = db["spec"]["managed"]["roles"].as_array().unwrap();
        assert!(
            roles.iter().any(|r| r["login"] == true
                && r["inRoles"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|x| x == "hoso_service"))),
            "{}",
            what("no login role in hoso_service")
        );
        let instances = db["spec"]["instances"].as_u64().unwrap();
        assert_eq!(instances, if overlay == "prod" { 3 } else { 1 });

        // Only the API's http port is exposed.
        let service = find(&docs, "Service", "hoso");
        for p in service["spec"]["ports"].as_array().unwrap() {
            assert_ne!(p["port"], 9100);
            assert_ne!(p["targetPort"], "metrics");
        }
        let ingress = find(&docs, "Ingress", "hoso");
        let backend = &ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"];
        assert_eq!(backend["name"], "hoso");
        assert_eq!(backend["port"]["name"], "http");
        // Workers take in nothing but metrics scrapes.
        let np = find(&docs, "NetworkPolicy", "hoso-worker");
        for rule in np["spec"]["ingress"].as_array().unwrap() {
            for p in rule["ports"].as_array().unwrap() {
                assert_eq!(p["port"], 9100, "{}", what("worker ingress"));
            }
        }

        // Every pod: non-root, read-only, no privileges, scratch space bounded.
        for d in [serve, worker, job] {
            let pod = &d["spec"]["template"]["spec"];
            let name = d["metadata"]["name"].as_str().unwrap();
            let sc = &pod["securityContext"];
            assert_eq!(sc["runAsNonRoot"], true, "{name}");
            assert_eq!(sc["runAsUser"], 10001, "{name}");
            assert!(sc["fsGroup"].is_u64(), "{name}");
            assert_eq!(sc["seccompProfile"]["type"], "RuntimeDefault", "{name}");
            for c in containers(pod) {
                let csc = &c["securityContext"];
                assert_eq!(csc["readOnlyRootFilesystem"], true, "{name}");
                assert_eq!(csc["allowPrivilegeEscalation"], false, "{name}");
                assert!(
                    csc["capabilities"]["drop"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x == "ALL"),
                    "{name}"
                );
                assert!(c["resources"]["limits"]["memory"].is_string(), "{name}");
                images.push((overlay, c["image"].as_str().unwrap().to_string()));
            }
            let tmp = pod["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["name"] == "tmp")
                .unwrap_or_else(|| panic!("{name} has no tmp volume"));
            assert!(tmp["emptyDir"]["sizeLimit"].is_string(), "{name}");
        }

        // Secrets in the repository are placeholders, labelled to be left out of applies.
        for s in of_kind(&docs, "Secret") {
            assert_eq!(
                s["metadata"]["labels"]["hoso.gov.vn/placeholder"],
                "true",
                "{}",
                what(&format!("Secret {}", s["metadata"]["name"]))
            );
        }
    }
    // One image, its tag set by each overlay.
    let tags = |overlay: &str| -> BTreeSet<String> {
        images
            .iter()
            .filter(|(o, _)| *o == overlay)
            .map(|(_, image)| {
                image
                    .strip_prefix("registry.example.gov.vn/hoso:")
                    .unwrap_or_else(|| panic!("{image} is not the hoso image"))
                    .to_string()
            })
            .collect()
    };
    let (dev, prod) = (tags("dev"), tags("prod"));
    assert_eq!(dev.len(), 1, "{dev:?}");
    assert_eq!(prod.len(), 1, "{prod:?}");
    assert_ne!(dev, prod);
}

/// A copy of k8s/ with `from` written `to` in `file`: check-deploy must refuse it for
/// that reason alone (the Dockerfile is the repository's). Returns what it printed.
fn refused_with(file: &str, from: &str, to: &str, reason: &str) -> String {
    let (_dir, k8s) = k8s_copy();
    edit(&k8s.join(file), from, to);
    let (ok, text) = check_deploy(&k8s, &root().join("Dockerfile"));
    assert!(!ok, "check-deploy passed {file} with {to:?}:\n{text}");
    assert!(text.contains(reason), "{text}");
    assert!(!text.contains("hadolint:"), "{text}");
    text
}

#[test]
fn a_misspelt_field_in_a_core_manifest_fails_and_is_named() {
    let text = refused_with(
        "base/serve.yaml",
        "containerPort: 8080",
        "containerPrt: 8080",
        "'containerPrt' was unexpected",
    );
    for overlay in ["dev", "prod"] {
        let manifest = format!("overlays/{overlay}: ERROR {overlay}--Deployment--hoso-serve.yaml");
        assert!(text.contains(&manifest), "{text}");
    }
}

#[test]
fn a_misspelt_field_in_the_scaled_object_fails_and_is_named() {
    let text = refused_with(
        "components/keda/scaledobject.yaml",
        "pollingInterval:",
        "pollingIntervall:",
        "'pollingIntervall' was unexpected",
    );
    assert!(text.contains("ScaledObject--hoso-worker"), "{text}");
    assert!(!text.contains("Deployment--"), "{text}");
}

#[test]
fn a_custom_resource_without_its_crd_fails() {
    let (_dir, k8s) = k8s_copy();
    std::fs::write(
        k8s.join("base/monitor.yaml"),
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: hoso\nspec:\n  selector: {}\n",
    )
    .unwrap();
    edit(
        &k8s.join("base/kustomization.yaml"),
        "  - networkpolicies.yaml\n",
        "  - networkpolicies.yaml\n  - monitor.yaml\n",
    );
    let (ok, text) = check_deploy(&k8s, &root().join("Dockerfile"));
    assert!(
        !ok,
        "check-deploy passed a ServiceMonitor it has no CRD for:\n{text}"
    );
    assert!(
        text.contains(
            "ServiceMonitor (monitoring.coreos.com/v1) is a custom resource kind with no CRD"
        ),
        "{text}"
    );
}

#[test]
fn a_dockerfile_that_hadolint_refuses_fails() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM debian:latest\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
    )
    .unwrap();
    let (ok, text) = check_deploy(&root().join("k8s"), &dockerfile);
    assert!(
        !ok,
        "check-deploy passed a Dockerfile on debian:latest:\n{text}"
    );
    // FROM ...:latest, and apt-get install without --no-install-recommends.
    assert!(text.contains("DL3007"), "{text}");
    assert!(text.contains("DL3015"), "{text}");
    assert!(
        !text.contains("overlays/"),
        "the manifests are the repository's and valid:\n{text}"
    );
}

/// Every `HOSO_*` setting of the README's settings table and audit section is given to
/// the pods in both overlays: by the ConfigMap, a Secret, or a container's own env.
#[test]
fn every_setting_the_readme_lists_reaches_the_pods() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = readme
        .split_once("### Settings")
        .and_then(|(_, rest)| rest.split_once("\n### "))
        .map(|(t, _)| t)
        .expect("the README has a settings section");
    let audit = readme
        .split_once("### The audit log")
        .and_then(|(_, rest)| rest.split_once("\n## "))
        .map(|(t, _)| t)
        .expect("the README has an audit section");
    let name = regex::Regex::new(r"HOSO_[A-Z0-9_]+").unwrap();
    let listed: BTreeSet<&str> = name
        .find_iter(table)
        .chain(name.find_iter(audit))
        .map(|m| m.as_str())
        // The manifests set values, not a settings file; the key comes as a value
        // (HOSO_AUDIT_KEY), not a file.
        .filter(|n| !["HOSO_CONFIG", "HOSO_AUDIT_KEY_FILE"].contains(n))
        .collect();
    assert!(listed.len() >= 25, "{listed:?}");
    for overlay in ["dev", "prod"] {
        let docs = render(overlay);
        let mut given: BTreeSet<String> = BTreeSet::new();
        for d in &docs {
            for part in ["data", "stringData"] {
                if let Some(map) = d[part].as_object() {
                    if d["kind"] == "ConfigMap" || d["kind"] == "Secret" {
                        given.extend(map.keys().cloned());
                    }
                }
            }
            for c in containers(&d["spec"]["template"]["spec"]) {
                for e in c["env"].as_array().into_iter().flatten() {
                    if let Some(n) = e["name"].as_str() {
                        given.insert(n.to_string());
                    }
                }
            }
        }
        let missing: Vec<&&str> = listed.iter().filter(|n| !given.contains(**n)).collect();
        assert!(missing.is_empty(), "{overlay}: not wired: {missing:?}");
    }
}
