//! Open data: aggregate statistics over dossiers, documents and uploads, with no personal
//! data, published as a CSV and a JSON file per dataset plus a DCAT-AP catalog in JSON-LD.
//!
//! Pure: the caller gathers the [`Facts`] (stripped of subjects, who are only numbers that
//! are never published, and of dossier codes) and reads the clock, so a release can be
//! rebuilt byte for byte from its inputs.
//!
//! # Disclosure control
//!
//! Every count below [`Options::min_count`] within a published row is withheld, zero
//! included, because "no one" in a small group discloses as much as "one person". A row of
//! dossiers is published only when they concern at least that many different people (six
//! dossiers of one citizen are one person). A row whose principal count (dossiers,
//! documents, files) is withheld loses all its measures, since a share or median of a
//! handful of people describes those people. A count that is part of another (dossiers
//! fully digitised, of the row's dossiers) is withheld when the rest is small too. A share
//! is published only when both counts it is made from are. Rows exist only for what
//! happened: a combination of procedure, province and month with no dossier is absent, as
//! in any count table.
//!
//! *Complementary* suppression is not done: a withheld cell can sometimes be recomputed from
//! published ones, e.g. a small procedure's dossiers as the `all` row of
//! `digitisation-by-procedure` minus the other procedures, or by summing one dataset over a
//! dimension and comparing it with another. That is why the `all` row's counts face the same
//! threshold instead of being published unconditionally: a total that is itself small would
//! single out the few people behind it. Anyone lowering the threshold should weigh this.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

pub const DEFAULT_MIN_COUNT: u64 = 5;

const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";
const CSV_MEDIA_TYPE: &str = "text/csv; charset=utf-8";
const JSON_MEDIA_TYPE: &str = "application/json";
const JSONLD_MEDIA_TYPE: &str = "application/ld+json";
const CATALOG_NAME: &str = "catalog.jsonld";
const UNKNOWN_PROVINCE_CODE: &str = "unknown";
const UNKNOWN_PROVINCE_NAME: &str = "Không xác định / unknown";
const ALL_PROCEDURES: &str = "all";

/// A current (post-2025) province.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ProvinceRef {
    pub code: String,
    pub name: String,
}

/// One dossier, already reduced to what statistics may use (no subject, no code).
#[derive(Debug, Clone, PartialEq)]
pub struct DossierFact {
    pub procedure_code: String,
    /// "YYYY-MM" of the dossier's creation.
    pub month: String,
    /// The subject's current province, when known.
    pub province: Option<ProvinceRef>,
    /// Fields the procedure needs; of them, how many came from earlier verified records.
    pub needed_fields: u64,
    pub reused_fields: u64,
    /// Every file of the dossier was read and every needed field is present.
    pub fully_digitised: bool,
    /// Who the dossier is about, as a number that is never published: a row's dossiers
    /// are shown only when they concern enough different people.
    pub subject: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFact {
    pub document_type: String,
    /// "YYYY-MM"
    pub month: String,
}

/// One uploaded file that reached the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadFact {
    pub month: String,
    pub seconds_to_registered: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub dossiers: Vec<DossierFact>,
    pub documents: Vec<DocumentFact>,
    pub uploads: Vec<UploadFact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Counts below this are suppressed (default 5).
    pub min_count: u64,
    pub publisher: String,
    /// Prefix the catalog's download URLs are made from, e.g. "https://hoso.example/open-data/";
    /// when None, URLs are relative file names.
    pub base_url: Option<String>,
    /// RFC 3339 time of the release (the caller reads the clock).
    pub issued: String,
    /// The crosswalk version provinces were resolved with, e.g. "dvhcvn/20250701@dd94887".
    pub crosswalk: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            min_count: DEFAULT_MIN_COUNT,
            publisher: "hoso".to_string(),
            base_url: None,
            issued: "1970-01-01T00:00:00Z".to_string(),
            crosswalk: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Dimension,
    Count,
    Share,
    Seconds,
}

impl ColumnKind {
    fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Dimension => "dimension",
            ColumnKind::Count => "count",
            ColumnKind::Share => "share",
            ColumnKind::Seconds => "seconds",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub title_vi: &'static str,
    pub title_en: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    Share(f64),
    Seconds(f64),
    Suppressed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub id: &'static str,
    pub title_vi: &'static str,
    pub title_en: &'static str,
    pub description_vi: &'static str,
    pub description_en: &'static str,
    /// The months the data covers, first and last "YYYY-MM", None when empty.
    pub period: Option<(String, String)>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The threshold the rows were suppressed with, kept so every file states it.
    pub min_count: u64,
}

#[rustfmt::skip]
fn column(name: &'static str) -> Column {
    use self::ColumnKind::{Count, Dimension, Seconds, Share};
    let (kind, title_vi, title_en) = match name {
        "procedure_code" => (Dimension, "Mã thủ tục", "Procedure code"),
        "province_code" => (Dimension, "Mã tỉnh", "Province code"),
        "province_name" => (Dimension, "Tên tỉnh", "Province name"),
        "month" => (Dimension, "Tháng (YYYY-MM)", "Month (YYYY-MM)"),
        "document_type" => (Dimension, "Loại giấy tờ", "Document type"),
        "dossiers" => (Count, "Số hồ sơ", "Dossiers"),
        "documents" => (Count, "Số giấy tờ", "Documents"),
        "needed_fields" => (Count, "Số trường thông tin thủ tục cần", "Fields the procedures need"),
        "reused_fields" => (Count, "Số trường lấy lại từ dữ liệu đã xác thực", "Fields reused from verified records"),
        "reuse_share" => (Share, "Tỷ lệ trường được tái sử dụng", "Share of fields reused"),
        "fully_digitised" => (Count, "Số hồ sơ được số hóa toàn bộ", "Dossiers fully digitised"),
        "digitised_share" => (Share, "Tỷ lệ hồ sơ được số hóa toàn bộ", "Share of dossiers fully digitised"),
        "files" => (Count, "Số tệp", "Files"),
        "median_seconds" => (Seconds, "Thời gian trung vị đến khi vào sổ (giây)", "Median seconds to registered"),
        // Only this module names columns; a test checks none falls through to here.
        _ => (Dimension, name, name),
    };
    Column { name, kind, title_vi, title_en }
}

/// What a dataset says about itself, apart from its data.
struct Meta {
    id: &'static str,
    title_vi: &'static str,
    title_en: &'static str,
    description_vi: &'static str,
    description_en: &'static str,
    columns: &'static [&'static str],
    /// (vi, en) pairs, beyond the keywords every dataset shares.
    keywords: &'static [(&'static str, &'static str)],
}

const METAS: [Meta; 5] = [
    Meta {
        id: "dossiers-by-procedure-province-month",
        title_vi: "Hồ sơ theo thủ tục, tỉnh và tháng",
        title_en: "Dossiers by procedure, province and month",
        description_vi: "Số hồ sơ thủ tục hành chính được tạo mỗi tháng, theo thủ tục và theo \
                         tỉnh hiện tại (sau năm 2025) của chủ hồ sơ.",
        description_en: "Administrative-procedure dossiers created each month, by procedure and \
                         by the dossier subject's current (post-2025) province.",
        columns: &[
            "procedure_code",
            "province_code",
            "province_name",
            "month",
            "dossiers",
        ],
        keywords: &[("tỉnh", "province")],
    },
    Meta {
        id: "documents-by-type-month",
        title_vi: "Giấy tờ theo loại và tháng",
        title_en: "Documents by type and month",
        description_vi: "Số giấy tờ được nhận dạng trong hồ sơ mỗi tháng, theo loại giấy tờ.",
        description_en: "Documents recognised in dossiers each month, by document type.",
        columns: &["document_type", "month", "documents"],
        keywords: &[("giấy tờ", "documents")],
    },
    Meta {
        id: "reuse-by-procedure-province",
        title_vi: "Tái sử dụng dữ liệu theo thủ tục và tỉnh",
        title_en: "Data reuse by procedure and province",
        description_vi: "Số trường thông tin các thủ tục cần và tỷ lệ được điền lại từ dữ liệu \
                         đã xác thực trước đó, theo thủ tục và tỉnh; mục tiêu là tái sử dụng ít \
                         nhất 80%.",
        description_en: "Fields the procedures need and the share filled from earlier verified \
                         records, by procedure and province; the target is at least 80% reused.",
        columns: &[
            "procedure_code",
            "province_code",
            "province_name",
            "dossiers",
            "needed_fields",
            "reused_fields",
            "reuse_share",
        ],
        keywords: &[("tái sử dụng dữ liệu", "data reuse"), ("tỉnh", "province")],
    },
    Meta {
        id: "digitisation-by-procedure",
        title_vi: "Mức độ số hóa hồ sơ theo thủ tục",
        title_en: "Dossier digitisation by procedure",
        description_vi: "Số hồ sơ và tỷ lệ hồ sơ được số hóa toàn bộ (mọi tệp đã được đọc, đủ \
                         mọi trường cần thiết), theo thủ tục; dòng \"all\" là tổng của mọi thủ \
                         tục, mục tiêu là 100%.",
        description_en: "Dossiers and the share fully digitised (every file read, every needed \
                         field present), by procedure; the \"all\" row totals every procedure, \
                         against a target of 100%.",
        columns: &[
            "procedure_code",
            "dossiers",
            "fully_digitised",
            "digitised_share",
        ],
        keywords: &[("chuyển đổi số", "digital transformation")],
    },
    Meta {
        id: "time-to-registered-by-month",
        title_vi: "Thời gian đến khi vào sổ đăng ký theo tháng",
        title_en: "Time to registered by month",
        description_vi: "Số tệp tải lên đã vào sổ đăng ký và thời gian trung vị (giây) từ lúc \
                         tải lên đến khi vào sổ, theo tháng tải lên.",
        description_en: "Uploaded files that reached the registry and the median time in \
                         seconds from upload to registration, by month of upload.",
        columns: &["month", "files", "median_seconds"],
        keywords: &[("thời gian xử lý", "processing time")],
    },
];

const COMMON_KEYWORDS: [(&str, &str); 3] = [
    ("thủ tục hành chính", "administrative procedures"),
    ("hồ sơ", "dossiers"),
    ("số hóa", "digitisation"),
];

impl Meta {
    fn dataset(&self, period: Option<(String, String)>, rows: Vec<Vec<Cell>>, min: u64) -> Dataset {
        Dataset {
            id: self.id,
            title_vi: self.title_vi,
            title_en: self.title_en,
            description_vi: self.description_vi,
            description_en: self.description_en,
            period,
            columns: self.columns.iter().copied().map(column).collect(),
            rows,
            min_count: min,
        }
    }
}

/// A cell before disclosure control. A share names its numerator and denominator by their
/// position among the row's counts, so its publication can follow theirs.
enum Raw {
    Dim(String),
    Count(u64),
    /// A count that is part of the count at `of` (among the row's counts): the rest is a
    /// group too, and is protected like one.
    Part {
        value: u64,
        of: usize,
    },
    Share {
        num: usize,
        den: usize,
    },
    Seconds(f64),
    /// How many different people the row's dossiers concern: never a cell, it gates the
    /// row like its principal count.
    People(u64),
}

/// The one place the disclosure rules live, so every dataset applies them the same way.
fn publish(raw: Vec<Raw>, min_count: u64) -> Vec<Cell> {
    let totals: Vec<u64> = raw
        .iter()
        .filter_map(|r| match r {
            Raw::Count(v) | Raw::Part { value: v, .. } => Some(*v),
            _ => None,
        })
        .collect();
    let small = |v: u64| v < min_count;
    let counts: Vec<Option<u64>> = raw
        .iter()
        .filter_map(|r| match r {
            Raw::Count(v) => Some((!small(*v)).then_some(*v)),
            Raw::Part { value, of } => {
                let rest = totals.get(*of).map_or(0, |t| t.saturating_sub(*value));
                Some((!small(*value) && (rest == 0 || !small(rest))).then_some(*value))
            }
            _ => None,
        })
        .collect();
    let people_enough = raw.iter().all(|r| match r {
        Raw::People(p) => !small(*p),
        _ => true,
    });
    let published = |i: usize| counts.get(i).copied().flatten();
    // The first count is the principal one; rows without counts have nothing to hide.
    let principal = (counts.is_empty() || published(0).is_some()) && people_enough;
    let mut seen = 0;
    raw.into_iter()
        .filter(|r| !matches!(r, Raw::People(_)))
        .map(|r| match r {
            Raw::Dim(s) => Cell::Text(s),
            _ if !principal => Cell::Suppressed,
            Raw::Count(_) | Raw::Part { .. } => {
                seen += 1;
                published(seen - 1).map_or(Cell::Suppressed, Cell::Count)
            }
            Raw::Share { num, den } => match (published(num), published(den)) {
                (Some(n), Some(d)) if d > 0 => Cell::Share(n as f64 / d as f64),
                _ => Cell::Suppressed,
            },
            Raw::Seconds(v) if v.is_finite() => Cell::Seconds(v),
            Raw::Seconds(_) | Raw::People(_) => Cell::Suppressed,
        })
        .collect()
}

/// Rows in dimension order (the map's), each published through [`publish`].
fn rows<V>(
    groups: BTreeMap<Vec<String>, V>,
    min_count: u64,
    measures: impl Fn(V) -> Vec<Raw>,
) -> Vec<Vec<Cell>> {
    groups
        .into_iter()
        .map(|(dims, v)| {
            publish(
                dims.into_iter().map(Raw::Dim).chain(measures(v)).collect(),
                min_count,
            )
        })
        .collect()
}

pub fn build(facts: &Facts, options: &Options) -> Vec<Dataset> {
    let min = options.min_count;
    type People = std::collections::BTreeSet<u64>;
    let mut by_month: BTreeMap<Vec<String>, (u64, People)> = BTreeMap::new();
    let mut reuse: BTreeMap<Vec<String>, ([u64; 3], People)> = BTreeMap::new();
    let mut digitisation: BTreeMap<Vec<String>, ([u64; 2], People)> = BTreeMap::new();
    let mut total: ([u64; 2], People) = Default::default();
    for d in &facts.dossiers {
        let (code, name) = province_dims(d.province.as_ref());
        let procedure = d.procedure_code.clone();
        let key = vec![
            procedure.clone(),
            code.clone(),
            name.clone(),
            d.month.clone(),
        ];
        let month = by_month.entry(key).or_default();
        month.0 += 1;
        month.1.insert(d.subject);
        let (r, people) = reuse
            .entry(vec![procedure.clone(), code, name])
            .or_default();
        people.insert(d.subject);
        r[0] += 1;
        r[1] = r[1].saturating_add(d.needed_fields);
        // Reused fields are "of" the needed ones; clamping keeps a bad fact from publishing a
        // share above 100%.
        r[2] = r[2].saturating_add(d.reused_fields.min(d.needed_fields));
        for (t, people) in [digitisation.entry(vec![procedure]).or_default(), &mut total] {
            t[0] += 1;
            t[1] += u64::from(d.fully_digitised);
            people.insert(d.subject);
        }
    }
    let mut documents: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for d in &facts.documents {
        *documents
            .entry(vec![d.document_type.clone(), d.month.clone()])
            .or_default() += 1;
    }
    // A file whose time cannot be measured says nothing about time and would leave the median
    // undefined, so it is left out of that dataset altogether.
    let uploads: Vec<&UploadFact> = facts
        .uploads
        .iter()
        .filter(|u| u.seconds_to_registered.is_finite())
        .collect();
    let mut times: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
    for u in &uploads {
        times
            .entry(vec![u.month.clone()])
            .or_default()
            .push(u.seconds_to_registered);
    }

    let count = |n: u64| vec![Raw::Count(n)];
    let people_count =
        |(n, people): (u64, People)| vec![Raw::Count(n), Raw::People(people.len() as u64)];
    let digitised = |([n, full], people): ([u64; 2], People)| {
        vec![
            Raw::Count(n),
            Raw::Part { value: full, of: 0 },
            Raw::Share { num: 1, den: 0 },
            Raw::People(people.len() as u64),
        ]
    };
    let mut digitisation_rows = rows(digitisation, min, digitised);
    if !facts.dossiers.is_empty() {
        let all = std::iter::once(Raw::Dim(ALL_PROCEDURES.to_string()));
        digitisation_rows.push(publish(all.chain(digitised(total)).collect(), min));
    }
    let reuse_rows = rows(
        reuse,
        min,
        |([n, needed, reused], people): ([u64; 3], People)| {
            vec![
                Raw::Count(n),
                Raw::Count(needed),
                Raw::Count(reused),
                Raw::Share { num: 2, den: 1 },
                Raw::People(people.len() as u64),
            ]
        },
    );
    let time_rows = rows(times, min, |mut secs: Vec<f64>| {
        let files = secs.len() as u64;
        vec![
            Raw::Count(files),
            Raw::Seconds(median(&mut secs).unwrap_or(f64::NAN)),
        ]
    });

    let dossier_period = period(facts.dossiers.iter().map(|d| d.month.as_str()));
    let parts = [
        (dossier_period.clone(), rows(by_month, min, people_count)),
        (
            period(facts.documents.iter().map(|d| d.month.as_str())),
            rows(documents, min, count),
        ),
        (dossier_period.clone(), reuse_rows),
        (dossier_period, digitisation_rows),
        (period(uploads.iter().map(|u| u.month.as_str())), time_rows),
    ];
    METAS
        .iter()
        .zip(parts)
        .map(|(meta, (period, rows))| meta.dataset(period, rows, min))
        .collect()
}

fn province_dims(province: Option<&ProvinceRef>) -> (String, String) {
    match province {
        Some(p) => (p.code.clone(), p.name.clone()),
        None => (
            UNKNOWN_PROVINCE_CODE.to_string(),
            UNKNOWN_PROVINCE_NAME.to_string(),
        ),
    }
}

/// Middle value, or the mean of the two middle values for an even count.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(mid).copied()
    } else {
        let (a, b) = (values.get(mid.checked_sub(1)?)?, values.get(mid)?);
        Some((a + b) / 2.0)
    }
}

/// Only well-formed months count, since the period becomes the catalog's calendar dates.
fn period<'a>(months: impl Iterator<Item = &'a str>) -> Option<(String, String)> {
    let mut bounds: Option<(&str, &str)> = None;
    for m in months.filter(|m| parse_month(m).is_some()) {
        bounds = Some(bounds.map_or((m, m), |(first, last)| (first.min(m), last.max(m))));
    }
    bounds.map(|(first, last)| (first.to_string(), last.to_string()))
}

fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.split_once('-')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Share(v) => format!("{v:.4}"),
        Cell::Seconds(v) => format!("{v:.1}"),
        Cell::Suppressed => String::new(),
    }
}

fn lang(vi: &str, en: &str) -> Value {
    json!([{ "@value": vi, "@language": "vi" }, { "@value": en, "@language": "en" }])
}

impl Dataset {
    /// RFC 4180 with LF line ends; a suppressed cell is empty.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(c.name)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for row in &self.rows {
            let fields: Vec<String> = row.iter().map(|c| csv_field(&cell_text(c))).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// The same table as JSON; a suppressed cell is null and named in its row's `suppressed`.
    pub fn json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut obj = Map::new();
                let mut suppressed = Vec::new();
                for (column, cell) in self.columns.iter().zip(row) {
                    // Rounded as in the CSV, so both files of a dataset say the same thing.
                    let value = match cell {
                        Cell::Text(s) => json!(s),
                        Cell::Count(n) => json!(n),
                        Cell::Share(v) => json!(round_to(*v, 4)),
                        Cell::Seconds(v) => json!(round_to(*v, 1)),
                        Cell::Suppressed => {
                            suppressed.push(json!(column.name));
                            Value::Null
                        }
                    };
                    obj.insert(column.name.to_string(), value);
                }
                if !suppressed.is_empty() {
                    obj.insert("suppressed".to_string(), Value::Array(suppressed));
                }
                Value::Object(obj)
            })
            .collect();
        let columns: Vec<Value> = self
            .columns
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "kind": c.kind.as_str(),
                    "title": { "vi": c.title_vi, "en": c.title_en },
                })
            })
            .collect();
        let period = match &self.period {
            Some((start, end)) => json!({ "start": start, "end": end }),
            None => Value::Null,
        };
        json!({
            "id": self.id,
            "title": { "vi": self.title_vi, "en": self.title_en },
            "description": { "vi": self.description_vi, "en": self.description_en },
            "period": period,
            "suppression": { "min_count": self.min_count },
            "columns": columns,
            "rows": rows,
        })
    }

    pub fn csv_name(&self) -> String {
        format!("{}.csv", self.id)
    }

    pub fn json_name(&self) -> String {
        format!("{}.json", self.id)
    }

    fn has_provinces(&self) -> bool {
        self.columns.iter().any(|c| c.name == "province_code")
    }
}

/// Lists every published count below `min_count`; build's output must give none.
pub fn suppressed_below(datasets: &[Dataset], min_count: u64) -> Vec<String> {
    let mut found = Vec::new();
    for ds in datasets {
        for (i, row) in ds.rows.iter().enumerate() {
            for (column, cell) in ds.columns.iter().zip(row) {
                if let Cell::Count(v) = cell {
                    if *v < min_count {
                        found.push(format!("{} row {i} column {}: {v}", ds.id, column.name));
                    }
                }
            }
        }
    }
    found
}

/// Every published file: each dataset's CSV and JSON, then "catalog.jsonld". (name, media type, bytes).
pub fn files(datasets: &[Dataset], options: &Options) -> Vec<(String, &'static str, Vec<u8>)> {
    let pretty = |v: Value| format!("{v:#}\n").into_bytes();
    let mut out = Vec::with_capacity(datasets.len() * 2 + 1);
    for ds in datasets {
        out.push((ds.csv_name(), CSV_MEDIA_TYPE, ds.csv().into_bytes()));
        out.push((ds.json_name(), JSON_MEDIA_TYPE, pretty(ds.json())));
    }
    let jsonld = pretty(catalog(datasets, options));
    out.push((CATALOG_NAME.to_string(), JSONLD_MEDIA_TYPE, jsonld));
    out
}

mod catalog;
#[cfg(test)]
mod tests;

pub use catalog::catalog;
