//! Where each value of a record came from: the document and original it was read from,
//! the page, box and raw text, the method, the extraction (job, attempt, worker, engine
//! versions), the documents of the same file that informed it, and every manual change
//! with its clerk, reason and time. `Provenance::to_prov_json` renders it as W3C
//! PROV-JSON; `hoso audit trace` prints it for people.

use std::collections::BTreeMap;

use hoso_extractors::{BBox, Method};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::access::{Action, Caller};
use crate::audit::by_caller;
use crate::ports::{AttemptOutcome, AttemptRecord, DocumentRecord, ObjectKey};
use crate::records::ServiceError;
use crate::registry::{Record, RecordEvent, RecordEventKind, RegistryError};
use crate::service::Service;
use crate::ContentHash;

#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub record: Record,
    pub documents: Vec<DocumentTrace>,
    pub fields: Vec<FieldTrace>,
    pub history: Vec<RecordEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentTrace {
    pub id: String,
    pub document_type: Option<String>,
    pub pages: Vec<u32>,
    pub sha256: String,
    pub object_key: String,
    pub file_name: Option<String>,
    pub extraction: Option<ExtractionTrace>,
}

/// The attempt whose results were committed.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractionTrace {
    pub job: i64,
    pub attempt: u32,
    pub worker: String,
    /// The engines' versions as the worker reported them (`hoso_workers::engine_versions`).
    pub engines: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldTrace {
    pub key: String,
    pub value: String,
    pub method: Method,
    pub confidence: f32,
    /// The record's document it was read from.
    pub document_id: Option<String>,
    pub evidence: Vec<EvidenceTrace>,
    /// Other documents of the same file whose text informed the value.
    pub informed_by: Vec<String>,
    /// Manual changes, oldest first.
    pub corrections: Vec<CorrectionTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceTrace {
    /// The document whose page this is.
    pub document_id: Option<String>,
    pub sha256: Option<String>,
    pub page: u32,
    pub bbox: BBox,
    pub raw: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionTrace {
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: Option<String>,
    pub by: String,
    pub at_ms: i64,
}

impl Service {
    /// A record's provenance; the read is written to the audit log.
    pub async fn provenance(&self, caller: &Caller, id: &str) -> Result<Provenance, ServiceError> {
        self.authorize(caller, Action::ReadAudit)?;
        let registry = self.registry().ok_or(ServiceError::NoRegistry)?;
        let record = registry
            .record(id)
            .await?
            .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))?;
        let history = registry.history(id).await?;
        let mut documents = Vec::new();
        // Each original the record was read from, read once however many of its documents
        // the record links: all its documents (evidence pages may belong to another
        // document of the file) and the attempt whose results were committed.
        let mut originals: BTreeMap<String, (Vec<DocumentRecord>, Option<AttemptRecord>)> =
            BTreeMap::new();
        for linked in &record.documents {
            let hash: ContentHash = linked.sha256.parse().map_err(|_| {
                RegistryError::Corrupt(format!("record {id}: hash {}", linked.sha256))
            })?;
            if !originals.contains_key(&linked.sha256) {
                let all = self.catalog().documents_of(&hash).await?;
                let attempts = self.catalog().attempts(&hash).await?;
                let done = attempts
                    .into_iter()
                    .rev()
                    .find(|a| a.outcome == AttemptOutcome::Done);
                originals.insert(linked.sha256.clone(), (all, done));
            }
            let (all, done) = &originals[&linked.sha256];
            let found = all.iter().find(|d| d.id == linked.id);
            documents.push(DocumentTrace {
                id: linked.id.clone(),
                document_type: found.map(|d| d.document.document_type.as_str().to_string()),
                pages: found.map(|d| d.document.pages.clone()).unwrap_or_default(),
                sha256: linked.sha256.clone(),
                object_key: ObjectKey::original(&hash).as_str().to_string(),
                file_name: found.map(|d| d.file_name.clone()),
                extraction: done.as_ref().map(|a| ExtractionTrace {
                    job: a.job_id,
                    attempt: a.attempt,
                    worker: a.worker.clone(),
                    engines: found
                        .map(|d| {
                            serde_json::from_str(&d.producer).unwrap_or_else(|_| json!(d.producer))
                        })
                        .unwrap_or(Value::Null),
                }),
            });
        }
        let first = record.documents.first();
        let fields = record
            .fields
            .iter()
            .map(|(key, f)| {
                let pages_of = first
                    .and_then(|d| originals.get(&d.sha256))
                    .map(|(docs, _)| docs);
                let document_at = |page: u32| {
                    pages_of.and_then(|docs| {
                        docs.iter()
                            .find(|d| d.document.pages.contains(&page))
                            .map(|d| d.id.clone())
                    })
                };
                let evidence: Vec<EvidenceTrace> = f
                    .evidence
                    .iter()
                    .map(|e| EvidenceTrace {
                        document_id: document_at(e.page),
                        sha256: first.map(|d| d.sha256.clone()),
                        page: e.page,
                        bbox: e.bbox,
                        raw: e.raw.clone(),
                    })
                    .collect();
                let own = first.map(|d| d.id.clone());
                let mut informed_by: Vec<String> = evidence
                    .iter()
                    .filter_map(|e| e.document_id.clone())
                    .filter(|d| Some(d) != own.as_ref())
                    .collect();
                informed_by.dedup();
                let corrections = history
                    .iter()
                    .filter_map(|ev| match &ev.kind {
                        RecordEventKind::Corrected {
                            key: k,
                            old_value,
                            new_value,
                            reason,
                        } if k == key.as_str() => Some(CorrectionTrace {
                            old_value: old_value.clone(),
                            new_value: new_value.clone(),
                            reason: reason.clone(),
                            by: ev.actor.clone(),
                            at_ms: ev.at_ms,
                        }),
                        _ => None,
                    })
                    .collect();
                FieldTrace {
                    key: key.to_string(),
                    value: f.value.clone(),
                    method: f.method,
                    confidence: f.confidence,
                    document_id: own,
                    evidence,
                    informed_by,
                    corrections,
                }
            })
            .collect();
        let subject = record.subjects.first().map(|s| s.qualified());
        self.audit(by_caller(
            caller,
            "record.provenance_read",
            Some(id),
            subject.as_deref(),
            json!({}),
        ))
        .await?;
        Ok(Provenance {
            record,
            documents,
            fields,
            history,
        })
    }
}

impl Provenance {
    /// W3C PROV-JSON: the record, its fields, documents, originals and page regions as
    /// entities; extractions and corrections as activities; workers, engines and clerks
    /// as agents.
    pub fn to_prov_json(&self) -> Value {
        let rid = &self.record.id;
        let mut entity = Map::new();
        let mut activity = Map::new();
        let mut agent = Map::new();
        let mut relations: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        let mut relate = |kind: &'static str, value: Value| {
            let map = relations.entry(kind).or_default();
            let id = format!("_:{kind}{}", map.len() + 1);
            map.insert(id, value);
        };
        entity.insert(
            format!("hoso:record/{rid}"),
            json!({"prov:type": "hoso:Record", "hoso:document_type": self.record.document_type.as_str(),
                   "hoso:status": self.record.status.as_str()}),
        );
        agent.insert(
            "hoso:system".into(),
            json!({"prov:type": "prov:Organization", "prov:label": "hoso"}),
        );
        for d in &self.documents {
            let doc = format!("hoso:document/{}", d.id);
            let original = format!("hoso:original/{}", d.sha256);
            entity.insert(
                doc.clone(),
                json!({"prov:type": "hoso:Document", "hoso:document_type": d.document_type,
                                               "hoso:pages": d.pages}),
            );
            entity.insert(original.clone(), json!({"prov:type": "hoso:Original", "hoso:sha256": d.sha256,
                                                    "hoso:object_key": d.object_key, "hoso:file_name": d.file_name}));
            relate(
                "wasDerivedFrom",
                json!({"prov:generatedEntity": doc, "prov:usedEntity": original}),
            );
            relate(
                "wasDerivedFrom",
                json!({"prov:generatedEntity": format!("hoso:record/{rid}"), "prov:usedEntity": doc}),
            );
            if let Some(x) = &d.extraction {
                let act = format!("hoso:extraction/{}/{}", x.job, x.attempt);
                let worker = format!("hoso:worker/{}", x.worker);
                let engines = format!("hoso:engines/{}/{}", x.job, x.attempt);
                activity.insert(act.clone(), json!({"prov:type": "hoso:Extraction", "hoso:job": x.job, "hoso:attempt": x.attempt}));
                agent.insert(
                    worker.clone(),
                    json!({"prov:type": "prov:SoftwareAgent", "hoso:worker": x.worker}),
                );
                agent.insert(
                    engines.clone(),
                    json!({"prov:type": "prov:SoftwareAgent", "hoso:versions": x.engines}),
                );
                relate(
                    "wasGeneratedBy",
                    json!({"prov:entity": doc, "prov:activity": act}),
                );
                relate(
                    "used",
                    json!({"prov:activity": act, "prov:entity": original}),
                );
                relate(
                    "wasAssociatedWith",
                    json!({"prov:activity": act, "prov:agent": worker}),
                );
                relate(
                    "wasAssociatedWith",
                    json!({"prov:activity": act, "prov:agent": engines}),
                );
                relate(
                    "actedOnBehalfOf",
                    json!({"prov:delegate": engines, "prov:responsible": worker}),
                );
                relate(
                    "actedOnBehalfOf",
                    json!({"prov:delegate": worker, "prov:responsible": "hoso:system"}),
                );
            }
        }
        for f in &self.fields {
            let field = format!("hoso:field/{rid}/{}", f.key);
            entity.insert(
                field.clone(),
                json!({"prov:type": "hoso:Field", "prov:value": f.value,
                "hoso:method": f.method, "hoso:confidence": f.confidence}),
            );
            relate(
                "hadMember",
                json!({"prov:collection": format!("hoso:record/{rid}"), "prov:entity": field}),
            );
            for (i, e) in f.evidence.iter().enumerate() {
                let region = format!("hoso:region/{rid}/{}/{i}", f.key);
                entity.insert(region.clone(), json!({"prov:type": "hoso:PageRegion", "hoso:page": e.page,
                    "hoso:bbox": [e.bbox.x0, e.bbox.y0, e.bbox.x1, e.bbox.y1], "hoso:raw": e.raw, "hoso:sha256": e.sha256}));
                relate(
                    "wasDerivedFrom",
                    json!({"prov:generatedEntity": field, "prov:usedEntity": region}),
                );
                if let Some(doc) = &e.document_id {
                    relate(
                        "wasDerivedFrom",
                        json!({"prov:generatedEntity": region, "prov:usedEntity": format!("hoso:document/{doc}")}),
                    );
                }
            }
            for doc in &f.informed_by {
                relate(
                    "wasDerivedFrom",
                    json!({"prov:generatedEntity": field,
                    "prov:usedEntity": format!("hoso:document/{doc}"), "prov:type": "hoso:InformedBy"}),
                );
            }
            for (i, c) in f.corrections.iter().enumerate() {
                let act = format!("hoso:correction/{rid}/{}/{i}", f.key);
                let clerk = format!("hoso:user/{}", c.by);
                activity.insert(
                    act.clone(),
                    json!({"prov:type": "hoso:Correction",
                    "prov:startTime": hoso_audit::time::rfc3339(c.at_ms), "hoso:reason": c.reason,
                    "hoso:old_value": c.old_value, "hoso:new_value": c.new_value}),
                );
                agent.insert(
                    clerk.clone(),
                    json!({"prov:type": "prov:Person", "hoso:name": c.by}),
                );
                relate(
                    "wasGeneratedBy",
                    json!({"prov:entity": field, "prov:activity": act}),
                );
                relate(
                    "wasAssociatedWith",
                    json!({"prov:activity": act, "prov:agent": clerk}),
                );
                relate(
                    "actedOnBehalfOf",
                    json!({"prov:delegate": clerk, "prov:responsible": "hoso:system"}),
                );
            }
        }
        let mut doc = Map::new();
        doc.insert(
            "prefix".into(),
            json!({"hoso": "urn:hoso:", "prov": "http://www.w3.org/ns/prov#"}),
        );
        doc.insert("entity".into(), Value::Object(entity));
        doc.insert("activity".into(), Value::Object(activity));
        doc.insert("agent".into(), Value::Object(agent));
        for (kind, map) in relations {
            doc.insert(kind.into(), Value::Object(map));
        }
        Value::Object(doc)
    }
}
