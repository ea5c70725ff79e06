//! Real administrative units for the specimens' addresses, drawn from the 2025 crosswalk
//! (`../shared/data/admin-units-2025/old_to_new.tsv`): a place is printed either in the
//! units before 1 July 2025 (commune, district, province) or in today's (commune,
//! province), and its truth records the codes of both, so that reading places as units
//! can be scored.
//!
//! The table is read raw, column by column, and never through `hoso-units`: the truth
//! must not come from the code it scores.
//!
//! Addresses are drawn deep inside the card and certificate builders. Rather than thread
//! the table and a ledger of rendered places through every builder, the specimen's thread
//! holds both for the length of one specimen ([`Session`]); a specimen is built on one
//! thread from start to end, so nothing leaks between specimens.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::data::Province;
use crate::GenerateError;

/// The table this checkout is tested with, used in place.
pub const CHECKOUT_TABLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/admin-units-2025/old_to_new.tsv"
);

/// A unit as the truth names it: the statistics office's code and the full name, unit
/// word included ("Phường Tân Định", "Quận 1", "Thành phố Hồ Chí Minh").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthUnit {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthPrinted {
    /// `before-2025-07-01` or `from-2025-07-01`.
    pub period: String,
    pub commune: TruthUnit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<TruthUnit>,
    pub province: TruthUnit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthCurrent {
    pub commune: TruthUnit,
    pub province: TruthUnit,
    /// `full`, `partial` (the old commune was split; this is the part the address is in,
    /// which only its street or hamlet tells) or `same` (printed in today's units).
    pub merge: String,
    /// How many new communes the old one went into: more than one, and a reader must
    /// offer them all rather than guess.
    pub candidates: usize,
}

/// A place field's units, as the generator drew them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthUnits {
    pub printed: TruthPrinted,
    pub current: TruthCurrent,
}

struct NewCommune {
    code: String,
    name: String,
    province_code: String,
    province_name: String,
    merge: String,
}

struct OldCommune {
    code: String,
    /// "Phường", "Xã", "Thị trấn"; and the name after it.
    kind: &'static str,
    name: String,
    district: (String, &'static str, String),
    province: (String, String),
    into: Vec<NewCommune>,
}

/// Every old commune of the table, by its old province's two-digit code.
pub struct UnitTable {
    by_province: HashMap<String, Vec<OldCommune>>,
    /// Today's provinces as the card numbering knows provinces, for rendering.
    new_provinces: HashMap<String, &'static Province>,
}

const COMMUNE_WORDS: &[&str] = &["Thị trấn", "Phường", "Xã", "Đặc khu"];
const DISTRICT_WORDS: &[&str] = &["Thành phố", "Thị xã", "Quận", "Huyện"];

/// Splits "Phường Tân Định" into its unit word and name.
fn split_kind(full: &str, words: &[&'static str]) -> Option<(&'static str, String)> {
    words.iter().find_map(|w| {
        full.strip_prefix(w)
            .and_then(|rest| rest.strip_prefix(' '))
            .map(|name| (*w, name.trim().to_string()))
    })
}

fn province_name(full: &str) -> (String, bool) {
    match full.strip_prefix("Thành phố ") {
        Some(name) => (name.to_string(), true),
        None => (
            full.strip_prefix("Tỉnh ").unwrap_or(full).to_string(),
            false,
        ),
    }
}

impl UnitTable {
    fn parse(text: &str, path: &Path) -> Result<UnitTable, GenerateError> {
        let bad = |line: usize, detail: &str| GenerateError::UnitTable {
            path: path.to_path_buf(),
            detail: format!("line {line}: {detail}"),
        };
        let mut communes: BTreeMap<String, OldCommune> = BTreeMap::new();
        let mut new_provinces: HashMap<String, &'static Province> = HashMap::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [old_p, old_d, old_c, old_address, new_p, new_p_name, new_c, new_c_name, merge, ..] =
                cols[..]
            else {
                return Err(bad(i + 1, "expected 11 tab-separated columns"));
            };
            let parts: Vec<&str> = old_address.split(", ").collect();
            let [commune, district, province] = parts[..] else {
                return Err(bad(
                    i + 1,
                    "old_address is not `commune, district, province`",
                ));
            };
            let (Some((kind, name)), Some((d_kind, d_name))) = (
                split_kind(commune, COMMUNE_WORDS),
                split_kind(district, DISTRICT_WORDS),
            ) else {
                // A unit word this generator does not print (none in the 2025 table).
                continue;
            };
            new_provinces.entry(new_p.to_string()).or_insert_with(|| {
                let (name, city) = province_name(new_p_name);
                let leaked: &'static Province = Box::leak(Box::new(Province {
                    code: Box::leak(format!("0{new_p}").into_boxed_str()),
                    name: Box::leak(name.into_boxed_str()),
                    city,
                }));
                leaked
            });
            let entry = communes
                .entry(old_c.to_string())
                .or_insert_with(|| OldCommune {
                    code: old_c.to_string(),
                    kind,
                    name,
                    district: (old_d.to_string(), d_kind, d_name),
                    province: (old_p.to_string(), province.to_string()),
                    into: Vec::new(),
                });
            entry.into.push(NewCommune {
                code: new_c.to_string(),
                name: new_c_name.to_string(),
                province_code: new_p.to_string(),
                province_name: new_p_name.to_string(),
                merge: merge.to_string(),
            });
        }
        let mut by_province: HashMap<String, Vec<OldCommune>> = HashMap::new();
        for (_, c) in communes {
            by_province.entry(c.province.0.clone()).or_default().push(c);
        }
        Ok(UnitTable {
            by_province,
            new_provinces,
        })
    }

    /// The table at `path`, read once per process.
    pub fn load(path: &Path) -> Result<&'static UnitTable, GenerateError> {
        static LOADED: OnceLock<Mutex<HashMap<PathBuf, &'static UnitTable>>> = OnceLock::new();
        let loaded = LOADED.get_or_init(|| Mutex::new(HashMap::new()));
        let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(table) = loaded.get(path) {
            return Ok(table);
        }
        let text = std::fs::read_to_string(path).map_err(|e| GenerateError::UnitTable {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let table: &'static UnitTable = Box::leak(Box::new(UnitTable::parse(&text, path)?));
        loaded.insert(path.to_path_buf(), table);
        Ok(table)
    }
}

/// A real place drawn from the table: what the address prints and its truth.
pub struct Drawn {
    pub ward_kind: &'static str,
    pub ward: String,
    pub district: Option<(&'static str, &'static str)>,
    pub province: &'static Province,
    pub truth: TruthUnits,
}

const BEFORE: &str = "before-2025-07-01";
const FROM: &str = "from-2025-07-01";

/// Draws a commune of the old province the card numbering calls `province` (its code is
/// the statistics office's with a leading zero), printed in today's units with
/// probability `p_new`, with its district unless `drop_district`.
pub fn draw(
    rng: &mut crate::people::Rng8,
    province: &'static Province,
    p_new: f64,
    drop_district: bool,
) -> Option<Drawn> {
    use rand::Rng;
    let table = installed()?;
    let communes = table.by_province.get(province.code.get(1..)?)?;
    let old = crate::people::pick(rng, communes);
    let into = crate::people::pick(rng, &old.into);
    let current = TruthCurrent {
        commune: TruthUnit {
            code: into.code.clone(),
            name: into.name.clone(),
        },
        province: TruthUnit {
            code: into.province_code.clone(),
            name: into.province_name.clone(),
        },
        merge: into.merge.clone(),
        candidates: old.into.len(),
    };
    if rng.gen_bool(p_new) {
        let (kind, name) = split_kind(&into.name, COMMUNE_WORDS)?;
        let new_province = *table.new_provinces.get(&into.province_code)?;
        return Some(Drawn {
            ward_kind: kind,
            ward: name,
            district: None,
            province: new_province,
            truth: TruthUnits {
                printed: TruthPrinted {
                    period: FROM.to_string(),
                    commune: current.commune.clone(),
                    district: None,
                    province: current.province.clone(),
                },
                current: TruthCurrent {
                    merge: "same".to_string(),
                    candidates: 1,
                    ..current
                },
            },
        });
    }
    // The renderer keeps `&'static` district names; the table lives for the process.
    let district: (&'static str, &'static str) = {
        let d: &'static OldCommune = old;
        (d.district.1, d.district.2.as_str())
    };
    Some(Drawn {
        ward_kind: old.kind,
        ward: old.name.clone(),
        district: (!drop_district).then_some(district),
        province,
        truth: TruthUnits {
            printed: TruthPrinted {
                period: BEFORE.to_string(),
                commune: TruthUnit {
                    code: old.code.clone(),
                    name: format!("{} {}", old.kind, old.name),
                },
                district: (!drop_district).then(|| TruthUnit {
                    code: old.district.0.clone(),
                    name: format!("{} {}", old.district.1, old.district.2),
                }),
                province: TruthUnit {
                    code: old.province.0.clone(),
                    name: old.province.1.clone(),
                },
            },
            current,
        },
    })
}

thread_local! {
    static TABLE: RefCell<Option<&'static UnitTable>> = const { RefCell::new(None) };
    /// Each rendered place of the specimen, lowercased, with its truth.
    static LEDGER: RefCell<Vec<(String, TruthUnits)>> = const { RefCell::new(Vec::new()) };
}

fn installed() -> Option<&'static UnitTable> {
    TABLE.with(|t| *t.borrow())
}

/// Whether the specimen being built draws real units.
pub fn drawing_real_units() -> bool {
    installed().is_some()
}

/// The table and ledger of the specimen built on this thread, cleared when it ends.
pub struct Session;

impl Session {
    pub fn start(table: Option<&'static UnitTable>) -> Session {
        TABLE.with(|t| *t.borrow_mut() = table);
        LEDGER.with(|l| l.borrow_mut().clear());
        Session
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        TABLE.with(|t| *t.borrow_mut() = None);
        LEDGER.with(|l| l.borrow_mut().clear());
    }
}

/// Notes that `rendered` was printed for a place with these units.
pub fn note(rendered: &str, units: &TruthUnits) {
    let key = crate::truth::normalize_text(rendered).to_lowercase();
    LEDGER.with(|l| l.borrow_mut().push((key, units.clone())));
}

/// The units of a place field's value: those of the longest rendered place it ends with
/// (a registration authority prints "Ủy ban nhân dân" before the place; a head office may
/// add "Việt Nam" after it).
pub fn units_of(value: &str) -> Option<TruthUnits> {
    let value = crate::truth::normalize_text(value).to_lowercase();
    let value = value.strip_suffix(", việt nam").unwrap_or(&value);
    LEDGER.with(|l| {
        l.borrow()
            .iter()
            .filter(|(key, _)| value.ends_with(key.as_str()))
            .max_by_key(|(key, _)| key.len())
            .map(|(_, units)| units.clone())
    })
}
