//! The service layer over the registry: dossiers, records and their lifecycle, tokens and
//! the reads of procedure systems. Every method takes the `Caller` and checks the role ×
//! action table first, so the HTTP API and the clerks' interface enforce the same rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use hoso_extractors::{DocumentType, FieldKey};

use serde_json::json;

use crate::access::{new_secret, secret_sha256, Action, Caller};
use crate::audit::{by_caller, now_ms};
use crate::ports::{CatalogError, DocumentRecord, OriginalRecord, OriginalStatus};
use crate::registry::{
    AccessEntry, Dossier, NewDossier, NewToken, Record, RecordDocument, RecordEvent, RecordQuery,
    RecordStatus, Registry, RegistryError, Role, SubjectId, Token,
};
use crate::service::{IngestOutcome, Service};
use crate::telemetry;
use crate::ContentHash;

pub use crate::service_error::{ErrorKind, ServiceError};

mod checks;

pub use checks::parse_subject;
pub(crate) use checks::{check_applicant, check_text, find_procedure, normalise_text};
use checks::{check_dossier_code, check_value_format, invalid, parse_types};

/// How long a token read from the registry is trusted without reading it again. A token
/// revoked through this process stops working at once; one revoked elsewhere (another
/// `hoso serve`, the command line) within this time.
pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
/// Entries past this are dropped wholesale: there are a few dozen live tokens, not more.
const TOKEN_CACHE_MAX: usize = 1024;

/// Tokens by secret hash, with when they were read.
#[derive(Clone, Default)]
pub struct TokenCache(
    Arc<std::sync::Mutex<std::collections::HashMap<String, (Token, std::time::Instant)>>>,
);

impl TokenCache {
    fn get(&self, sha: &str) -> Option<Token> {
        let map = self.0.lock().ok()?;
        let (token, at) = map.get(sha)?;
        (at.elapsed() < TOKEN_CACHE_TTL).then(|| token.clone())
    }

    fn put(&self, sha: String, token: Token) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= TOKEN_CACHE_MAX {
                map.clear();
            }
            map.insert(sha, (token, std::time::Instant::now()));
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

/// Where a record's values were read: one document of one original.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSource {
    pub document_id: String,
    /// The original's SHA-256, hex: the registry keeps it with the link.
    pub sha256: String,
    /// The original's file name and the document's pages come from the catalog, so only
    /// the view of one record reads them; lists of records (a subject lookup) leave them
    /// out rather than read the catalog per record. `None` too when a reprocessing of the
    /// original no longer yields this document.
    pub file_name: Option<String>,
    pub pages: Option<Vec<u32>>,
    /// The document's warnings, read with its pages (a review shows them).
    pub warnings: Vec<String>,
}

impl From<&RecordDocument> for RecordSource {
    fn from(d: &RecordDocument) -> Self {
        Self {
            document_id: d.id.clone(),
            sha256: d.sha256.clone(),
            file_name: None,
            pages: None,
            warnings: Vec::new(),
        }
    }
}

/// A record with where it came from and, when asked, its history.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordView {
    pub record: Record,
    /// Every document with this content, the one the values were read from first.
    pub sources: Vec<RecordSource>,
    pub history: Vec<RecordEvent>,
    /// Its place fields' stored conversions to today's units (`places`).
    pub places: Vec<crate::registry::StoredPlace>,
}

impl RecordView {
    /// A record as a list shows it: its sources as the registry holds them, no history.
    pub fn listed(record: Record) -> Self {
        Self {
            sources: record.documents.iter().map(RecordSource::from).collect(),
            record,
            history: Vec::new(),
            places: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OriginalView {
    pub original: OriginalRecord,
    pub documents: Vec<DocumentRecord>,
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DossierView {
    pub dossier: Dossier,
    /// `processing` while any original is queued, `failed` when one failed, else
    /// `processed`.
    pub status: &'static str,
    pub originals: Vec<OriginalView>,
}

/// What was received of one file of a dossier upload.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedFile {
    pub file_name: String,
    pub outcome: IngestOutcome,
}

/// A subject's records as a reader may see them.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectRecords {
    pub subject: SubjectId,
    pub document_types: Vec<DocumentType>,
    pub records: Vec<RecordView>,
}

impl Service {
    pub(crate) fn registry_or_err(&self) -> Result<&Arc<dyn Registry>, ServiceError> {
        self.registry().ok_or(ServiceError::NoRegistry)
    }

    /// The caller behind a token secret. The purpose is what the request declared.
    pub async fn authenticate(
        &self,
        secret: &str,
        purpose: Option<&str>,
    ) -> Result<Caller, ServiceError> {
        let secret = secret.trim();
        if secret.is_empty() || secret.len() > 200 {
            return Err(ServiceError::Unauthorized);
        }
        let sha = secret_sha256(secret);
        let token = match self.tokens.get(&sha) {
            Some(token) => token,
            None => {
                let token = self
                    .registry_or_err()?
                    .token_by_secret(&sha)
                    .await?
                    .ok_or(ServiceError::Unauthorized)?;
                self.tokens.put(sha, token.clone());
                token
            }
        };
        let purpose = match purpose {
            Some(p) if !normalise_text(p).is_empty() => Some(check_text("the purpose", p, 500)?),
            _ => None,
        };
        Ok(Caller {
            name: token.name,
            role: token.role,
            document_types: token.document_types,
            purpose,
        })
    }

    /// Checks the role × action table, then that a procedure system said why it asks.
    pub fn authorize(&self, caller: &Caller, action: Action) -> Result<(), ServiceError> {
        if !caller.may(action) {
            return Err(ServiceError::Forbidden {
                role: caller.role.as_str(),
                action: action.as_str(),
            });
        }
        if caller.role == Role::ProcedureSystem && caller.purpose.is_none() {
            return Err(ServiceError::PurposeRequired);
        }
        Ok(())
    }

    /// Makes a token and returns its secret, which is shown once and never stored.
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: &str,
        role: Role,
        document_types: &[String],
    ) -> Result<(String, Token), ServiceError> {
        self.authorize(caller, Action::ManageTokens)?;
        let ok_name = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !ok_name {
            return Err(invalid(format!(
                "{name:?} is not a token name: 1 to 64 letters, digits, '.', '-' or '_'"
            )));
        }
        let types = parse_types(document_types)?;
        match (role, types.is_empty()) {
            (Role::ProcedureSystem, true) => {
                return Err(invalid(
                    "a procedure_system token needs the document types it may read (--types)",
                ))
            }
            (Role::ProcedureSystem, false) => {}
            (_, false) => {
                return Err(invalid(format!(
                    "document types are only for procedure_system tokens; a {} reads by role",
                    role.as_str()
                )))
            }
            (_, true) => {}
        }
        let secret = new_secret();
        let token = self
            .registry_or_err()?
            .create_token(&NewToken {
                name: name.to_string(),
                role,
                document_types: types,
                secret_sha256: secret_sha256(&secret),
            })
            .await?;
        let detail = json!({
            "token": token.name,
            "role": token.role.as_str(),
            "document_types": token.document_types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        });
        self.audit(by_caller(caller, "token.created", None, None, detail))
            .await?;
        Ok((secret, token))
    }

    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<Token>, ServiceError> {
        self.authorize(caller, Action::ManageTokens)?;
        Ok(self.registry_or_err()?.tokens().await?)
    }

    pub async fn revoke_token(&self, caller: &Caller, name: &str) -> Result<(), ServiceError> {
        self.authorize(caller, Action::ManageTokens)?;
        let registry = self.registry_or_err()?;
        if !registry.tokens().await?.iter().any(|t| t.name == name) {
            return Err(ServiceError::NotFound(format!("token {name}")));
        }
        registry.revoke_token(name).await?;
        self.tokens.clear();
        self.audit(by_caller(
            caller,
            "token.revoked",
            None,
            None,
            json!({"token": name}),
        ))
        .await
    }

    /// Checks a dossier before any of its files is taken in: the caller, the code (free),
    /// the procedure and the subject (of the procedure's kind).
    pub async fn check_dossier(
        &self,
        caller: &Caller,
        code: &str,
        procedure_code: &str,
        subject_id: &str,
    ) -> Result<NewDossier, ServiceError> {
        self.authorize(caller, Action::UploadDossier)?;
        check_dossier_code(code)?;
        let procedure = find_procedure(procedure_code)?;
        let subject = parse_subject(subject_id)?;
        check_applicant(procedure, &subject)?;
        if self.registry_or_err()?.dossier(code).await?.is_some() {
            return Err(RegistryError::DossierExists(code.to_string()).into());
        }
        Ok(NewDossier {
            code: code.to_string(),
            procedure_code: procedure.code.to_string(),
            subject,
        })
    }

    /// Registers a checked dossier with originals already ingested (`Service::ingest`:
    /// the same bytes are never processed twice, whichever dossier brings them).
    pub async fn open_dossier(
        &self,
        caller: &Caller,
        dossier: &NewDossier,
        originals: &[ContentHash],
    ) -> Result<Dossier, ServiceError> {
        self.authorize(caller, Action::UploadDossier)?;
        if originals.is_empty() {
            return Err(invalid("a dossier needs at least one file"));
        }
        let registry = self.registry_or_err()?;
        registry.create_dossier(dossier, &caller.name).await?;
        for hash in originals {
            registry.attach_original(&dossier.code, hash).await?;
        }
        let subject = format!(
            "{}:{}",
            dossier.subject.kind.as_str(),
            dossier.subject.value
        );
        let detail = json!({
            "dossier": dossier.code,
            "procedure": dossier.procedure_code,
            "originals": originals.iter().map(|h| h.to_hex()).collect::<Vec<_>>(),
        });
        self.audit(by_caller(
            caller,
            "dossier.opened",
            None,
            Some(&subject),
            detail,
        ))
        .await?;
        registry
            .dossier(&dossier.code)
            .await?
            .ok_or_else(|| RegistryError::DossierNotFound(dossier.code.clone()).into())
    }

    /// A dossier with its files held in memory: check, ingest each file, register.
    pub async fn upload_dossier(
        &self,
        caller: &Caller,
        code: &str,
        procedure_code: &str,
        subject_id: &str,
        files: &[(String, Vec<u8>)],
    ) -> Result<(Dossier, Vec<UploadedFile>), ServiceError> {
        let new = self
            .check_dossier(caller, code, procedure_code, subject_id)
            .await?;
        if files.is_empty() {
            return Err(invalid("a dossier needs at least one file"));
        }
        for (name, bytes) in files {
            self.check_upload(name, bytes)?;
        }
        let mut uploaded = Vec::new();
        let mut hashes = Vec::new();
        for (name, bytes) in files {
            let outcome = self.ingest(name, bytes).await?;
            hashes.push(outcome.hash());
            uploaded.push(UploadedFile {
                file_name: crate::service::display_name(name),
                outcome,
            });
        }
        let dossier = self.open_dossier(caller, &new, &hashes).await?;
        Ok((dossier, uploaded))
    }

    pub async fn dossier_status(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<DossierView, ServiceError> {
        self.authorize(caller, Action::ReadDossier)?;
        check_dossier_code(code)?;
        let registry = self.registry_or_err()?;
        let dossier = registry
            .dossier(code)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("dossier {code}")))?;
        let mut originals = Vec::new();
        for hex in &dossier.originals {
            let hash: ContentHash = hex
                .parse()
                .map_err(|_| RegistryError::Corrupt(format!("dossier {code}: hash {hex}")))?;
            let Some(original) = self.catalog().original(&hash).await? else {
                return Err(RegistryError::Corrupt(format!(
                    "dossier {code}: original {hex} is not registered"
                ))
                .into());
            };
            originals.push(OriginalView {
                documents: self.catalog().documents_of(&hash).await?,
                records: registry.records_of_original(&hash).await?,
                original,
            });
        }
        let status = if originals
            .iter()
            .any(|o| o.original.status == OriginalStatus::Queued)
        {
            "processing"
        } else if originals
            .iter()
            .any(|o| o.original.status == OriginalStatus::Failed)
        {
            "failed"
        } else {
            "processed"
        };
        Ok(DossierView {
            dossier,
            status,
            originals,
        })
    }

    /// One record with its sources and history; the read is written to the audit log.
    pub async fn record(&self, caller: &Caller, id: &str) -> Result<RecordView, ServiceError> {
        self.authorize(caller, Action::ReadRecord)?;
        let view = self.record_view(id).await?;
        let subject = view.record.subjects.first().map(|s| s.qualified());
        self.audit(by_caller(
            caller,
            "record.read",
            Some(id),
            subject.as_deref(),
            json!({}),
        ))
        .await?;
        Ok(view)
    }

    /// The record as the caller sees it right after changing it (the change is logged).
    pub(crate) async fn record_view(&self, id: &str) -> Result<RecordView, ServiceError> {
        let registry = self.registry_or_err()?;
        let record = registry
            .record(id)
            .await?
            .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))?;
        let history = registry.history(id).await?;
        let sources = self.sources(&record).await?;
        let places = registry.stored_places(Some(id)).await?;
        Ok(RecordView {
            record,
            sources,
            history,
            places,
        })
    }

    pub async fn correct_field(
        &self,
        caller: &Caller,
        id: &str,
        key: &str,
        value: &str,
        reason: Option<&str>,
    ) -> Result<RecordView, ServiceError> {
        self.authorize(caller, Action::CorrectRecord)?;
        let value = check_text("the value", value, 1000)?;
        let reason = match reason {
            Some(r) if !normalise_text(r).is_empty() => Some(check_text("the reason", r, 1000)?),
            _ => None,
        };
        let registry = self.registry_or_err()?;
        let record = registry
            .record(id)
            .await?
            .ok_or_else(|| RegistryError::RecordNotFound(id.to_string()))?;
        let field =
            FieldKey::parse(key).and_then(|k| Some((k, record.document_type.format_of(k)?)));
        let Some((key, format)) = field else {
            return Err(RegistryError::UnknownField {
                id: id.to_string(),
                key: key.to_string(),
            }
            .into());
        };
        check_value_format(key, format, &value)?;
        registry
            .correct_field(id, key.as_str(), &value, reason.as_deref(), &caller.name)
            .await?;
        self.record_view(id).await
    }

    pub async fn verify(&self, caller: &Caller, id: &str) -> Result<RecordView, ServiceError> {
        self.authorize(caller, Action::VerifyRecord)?;
        self.registry_or_err()?.verify(id, &caller.name).await?;
        let view = self.record_view(id).await?;
        telemetry::emit(telemetry::RecordVerified {
            document_type: view.record.document_type,
        });
        Ok(view)
    }

    pub async fn revoke(
        &self,
        caller: &Caller,
        id: &str,
        reason: &str,
    ) -> Result<RecordView, ServiceError> {
        self.authorize(caller, Action::RevokeRecord)?;
        let reason = check_text("the reason", reason, 1000)?;
        self.registry_or_err()?
            .revoke(id, &reason, &caller.name)
            .await?;
        self.record_view(id).await
    }

    /// A subject's current verified records of the asked types (by default every type
    /// the caller may read). Each read is written to the access log.
    pub async fn subject_records(
        &self,
        caller: &Caller,
        subject_id: &str,
        types: &[String],
        endpoint: &str,
    ) -> Result<SubjectRecords, ServiceError> {
        self.authorize(caller, Action::SubjectRecords)?;
        let subject = parse_subject(subject_id)?;
        let document_types = self.readable_types(caller, parse_types(types)?)?;
        let registry = self.registry_or_err()?;
        let records = registry
            .subject_records(
                &subject,
                &RecordQuery {
                    document_types: document_types.clone(),
                    statuses: vec![RecordStatus::Verified],
                },
            )
            .await?;
        let mut views: Vec<RecordView> = records.into_iter().map(RecordView::listed).collect();
        // Places answer with their stored conversion (and a clerk's choice).
        let registry = self.registry_or_err()?;
        for view in &mut views {
            view.places = registry.stored_places(Some(&view.record.id)).await?;
        }
        self.log_read(
            caller,
            &subject,
            &document_types,
            views.iter().map(|v| v.record.id.clone()).collect(),
            endpoint,
        )
        .await?;
        telemetry::emit(telemetry::RecordsReused {
            via: "lookup",
            records: views.len(),
        });
        Ok(SubjectRecords {
            subject,
            document_types,
            records: views,
        })
    }

    pub async fn access_log(
        &self,
        caller: &Caller,
        subject_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, ServiceError> {
        self.authorize(caller, Action::ReadAccessLog)?;
        let subject = subject_id.map(parse_subject).transpose()?;
        if limit == 0 || limit > 10_000 {
            return Err(invalid("limit must be between 1 and 10000"));
        }
        let subject_name = subject.as_ref().map(|s| s.qualified());
        self.audit(by_caller(
            caller,
            "access_log.read",
            None,
            subject_name.as_deref(),
            json!({"limit": limit}),
        ))
        .await?;
        Ok(self
            .registry_or_err()?
            .access_log(subject.as_ref(), limit)
            .await?)
    }

    /// The types a read covers: those asked for, or all the caller may read; a procedure
    /// system asking for a type outside its token is refused, not silently narrowed.
    pub(crate) fn readable_types(
        &self,
        caller: &Caller,
        asked: Vec<DocumentType>,
    ) -> Result<Vec<DocumentType>, ServiceError> {
        if asked.is_empty() {
            return Ok(if caller.role == Role::ProcedureSystem {
                caller.document_types.clone()
            } else {
                Vec::new()
            });
        }
        if let Some(t) = asked.iter().find(|t| !caller.may_read_type(**t)) {
            return Err(ServiceError::TypeOutOfScope(t.as_str()));
        }
        Ok(asked)
    }

    pub(crate) async fn log_read(
        &self,
        caller: &Caller,
        subject: &SubjectId,
        document_types: &[DocumentType],
        record_ids: Vec<String>,
        endpoint: &str,
    ) -> Result<(), ServiceError> {
        self.registry_or_err()?
            .log_access(&AccessEntry {
                token_name: caller.name.clone(),
                role: caller.role,
                subject: subject.clone(),
                document_types: document_types.to_vec(),
                record_ids,
                purpose: caller.purpose.clone().unwrap_or_default(),
                endpoint: endpoint.to_string(),
                at_ms: now_ms(),
            })
            .await?;
        Ok(())
    }

    /// Writes an entry to the audit log, if this process has one. A read or change
    /// whose entry cannot be written fails: the log must not miss what happened.
    pub(crate) async fn audit(&self, entry: hoso_audit::entry::Entry) -> Result<(), ServiceError> {
        if let Some(auditor) = self.auditor() {
            auditor.log().append(&entry).await?;
        }
        Ok(())
    }

    /// The documents a record was read from, with their originals' file names and the
    /// documents' pages from the catalog. The lookups run at once rather than one after
    /// the other: a record rescanned many times has as many documents.
    pub(crate) async fn sources(&self, record: &Record) -> Result<Vec<RecordSource>, ServiceError> {
        let mut lookups = tokio::task::JoinSet::new();
        for (i, linked) in record.documents.iter().enumerate() {
            let catalog = Arc::clone(self.catalog());
            let mut source = RecordSource::from(linked);
            lookups.spawn(async move {
                let found = catalog.document(&source.document_id).await?;
                if let Some(doc) = found {
                    source.file_name = Some(doc.file_name);
                    source.pages = Some(doc.document.pages);
                    source.warnings = doc.document.warnings;
                }
                Ok::<_, CatalogError>((i, source))
            });
        }
        let mut found = Vec::new();
        while let Some(joined) = lookups.join_next().await {
            let found_one = joined
                .map_err(|e| CatalogError::permanent(format!("a document lookup stopped: {e}")))?;
            found.push(found_one?);
        }
        found.sort_by_key(|(i, _)| *i);
        Ok(found.into_iter().map(|(_, source)| source).collect())
    }
}

impl IngestOutcome {
    /// The original's hash, whatever happened to it.
    pub fn hash(&self) -> ContentHash {
        match self {
            IngestOutcome::Queued(h) | IngestOutcome::Retried(h) => *h,
            IngestOutcome::Duplicate(rec) => rec.hash,
        }
    }
}

/// Verified records by type: the newest verification wins should two be verified at once.
pub(crate) fn latest_by_type(records: &[Record]) -> BTreeMap<DocumentType, &Record> {
    let mut out: BTreeMap<DocumentType, &Record> = BTreeMap::new();
    for r in records {
        let newer = out
            .get(&r.document_type)
            .is_none_or(|old| r.verified_at_ms > old.verified_at_ms);
        if newer {
            out.insert(r.document_type, r);
        }
    }
    out
}
