//! The crosswalk table, loaded and indexed by name within each parent unit.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::names::{bare, key, Level};
use crate::place::Merge;
use crate::UnitsError;

/// The columns the table must have, in any order.
const COLUMNS: [&str; 9] = [
    "old_province_code",
    "old_district_code",
    "old_commune_code",
    "old_address",
    "new_province_code",
    "new_province_name",
    "new_commune_code",
    "new_commune_name",
    "merge",
];

/// Old names of provinces that the table gives under a later name, as documents issued
/// before still print them: Thừa Thiên Huế became Thành phố Huế in January 2025.
const OLD_PROVINCE_ALIASES: &[(&str, &str)] = &[("Tỉnh Thừa Thiên Huế", "46")];

/// Where an old commune went: one new commune, whole or in part.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub commune: String,
    pub province: String,
    pub merge: Merge,
}

#[derive(Debug, Clone)]
pub(crate) struct OldCommune {
    pub name: String,
    pub district: String,
    pub targets: Vec<Target>,
}

/// Names to codes within a scope (a parent unit's code, or "" for provinces): by the
/// name's key with its unit word, and by the key without it.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    full: HashMap<(String, String), BTreeSet<String>>,
    bare: HashMap<(String, String), BTreeSet<String>>,
    /// Each scope's names (bare key, code), for reading through an OCR slip.
    by_scope: HashMap<String, Vec<(String, String)>>,
}

/// A name read with one slip (a letter dropped, added or misread) still names its unit
/// when no other in its scope is as close; shorter names are too easily another's.
const SLIP_MIN_CHARS: usize = 5;

impl NameIndex {
    fn insert(&mut self, scope: &str, name: &str, code: &str) {
        let k = key(name);
        let (b, _) = bare(&k);
        self.bare
            .entry((scope.to_string(), b.to_string()))
            .or_default()
            .insert(code.to_string());
        self.by_scope
            .entry(scope.to_string())
            .or_default()
            .push((b.to_string(), code.to_string()));
        self.full
            .entry((scope.to_string(), k))
            .or_default()
            .insert(code.to_string());
    }

    /// The one unit of the scope whose bare name is one edit from `printed`'s, the unit
    /// word (itself maybe misread) aside.
    fn find_slipped(&self, scope: &str, printed: &str, level: Level) -> Option<&str> {
        let k = key(printed);
        let (b, levels) = bare(&k);
        if levels.len() < 3 && !levels.contains(&level) {
            return None;
        }
        // A misread unit word ("tuyện" for "huyện") leaves the name after it.
        let names: Vec<&str> = if levels.len() < 3 {
            vec![b]
        } else {
            vec![b, b.split_once(' ').map_or(b, |(_, rest)| rest)]
        };
        // One name at one edit, and no other within two: a slip that could as well be
        // two slips from another name is not read as either.
        let mut near: Vec<(usize, &str)> = Vec::new();
        for (candidate, code) in self.by_scope.get(scope)? {
            let distance = names
                .iter()
                .filter(|n| {
                    n.chars().count() >= SLIP_MIN_CHARS && n.len().abs_diff(candidate.len()) <= 6
                })
                .map(|n| strsim::levenshtein(n, candidate))
                .min();
            // Nought is the name after a misread unit word: itself one slip.
            if let Some(d @ 0..=2) = distance {
                if !near.iter().any(|(_, c)| *c == code.as_str()) {
                    near.push((d.max(1), code));
                }
            }
        }
        match near.as_slice() {
            [(1, code)] => Some(code),
            _ => None,
        }
    }

    /// The one unit of `level` in `scope` that `printed` names; none when it names
    /// none or several. A name printed with its unit word must match with it.
    pub fn find(&self, scope: &str, printed: &str, level: Level) -> Option<&str> {
        let k = key(printed);
        let (b, levels) = bare(&k);
        let typed = levels.len() < 3;
        if typed && !levels.contains(&level) {
            return None;
        }
        let found = if typed {
            self.full.get(&(scope.to_string(), k.clone()))
        } else {
            self.bare.get(&(scope.to_string(), b.to_string()))
        }?;
        match found.len() {
            1 => found.iter().next().map(String::as_str),
            _ => None,
        }
    }

    /// Like [`NameIndex::find`], and failing that, a unit named inside a longer text (an
    /// authority's or a health station's name): the code, and what came before the unit.
    pub fn find_within<'a>(
        &self,
        scope: &str,
        printed: &'a str,
        level: Level,
    ) -> Option<(&str, Option<&'a str>)> {
        if let Some(code) = self.find(scope, printed, level) {
            return Some((code, None));
        }
        let embedded = crate::names::embedded_units(printed, level);
        if let Some(found) = embedded
            .iter()
            .find_map(|(prefix, unit)| Some((self.find(scope, unit, level)?, Some(*prefix))))
        {
            return Some(found);
        }
        if let Some(code) = self.find_slipped(scope, printed, level) {
            return Some((code, None));
        }
        embedded
            .into_iter()
            .find_map(|(prefix, unit)| Some((self.find_slipped(scope, unit, level)?, Some(prefix))))
    }
}

/// The conversion table from the units before 1 July 2025 to today's, with its version.
#[derive(Debug)]
pub struct Crosswalk {
    pub(crate) version: String,
    pub(crate) old_provinces: HashMap<String, String>,
    pub(crate) old_districts: HashMap<(String, String), String>,
    pub(crate) old_communes: HashMap<String, OldCommune>,
    pub(crate) new_provinces: HashMap<String, String>,
    pub(crate) new_communes: HashMap<String, (String, String)>,
    /// The new province each old one went into.
    pub(crate) province_now: HashMap<String, BTreeSet<String>>,
    pub(crate) old_province_names: NameIndex,
    pub(crate) new_province_names: NameIndex,
    /// Scope: the old province's code.
    pub(crate) district_names: NameIndex,
    /// Scope: `province/district` codes, and the province's code alone.
    pub(crate) old_commune_names: NameIndex,
    /// Scope: the new province's code.
    pub(crate) new_commune_names: NameIndex,
}

impl Crosswalk {
    /// Reads the table from a tab-separated file with a header row (the columns of
    /// `../shared/data/admin-units-2025/old_to_new.tsv`).
    pub fn load(path: &Path, version: &str) -> Result<Self, UnitsError> {
        let text = std::fs::read_to_string(path).map_err(|e| UnitsError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_tsv(version, &text)
    }

    pub fn from_tsv(version: &str, text: &str) -> Result<Self, UnitsError> {
        let mut lines = text.lines().enumerate();
        let header: Vec<&str> = lines
            .next()
            .map(|(_, h)| h.split('\t').map(str::trim).collect())
            .unwrap_or_default();
        let mut at = [0usize; COLUMNS.len()];
        for (i, column) in COLUMNS.iter().enumerate() {
            at[i] = header
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| UnitsError::Invalid {
                    line: 1,
                    detail: format!("no column {column}"),
                })?;
        }
        let mut table = Crosswalk {
            version: version.to_string(),
            old_provinces: HashMap::new(),
            old_districts: HashMap::new(),
            old_communes: HashMap::new(),
            new_provinces: HashMap::new(),
            new_communes: HashMap::new(),
            province_now: HashMap::new(),
            old_province_names: NameIndex::default(),
            new_province_names: NameIndex::default(),
            district_names: NameIndex::default(),
            old_commune_names: NameIndex::default(),
            new_commune_names: NameIndex::default(),
        };
        for (index, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            let mut row = [""; COLUMNS.len()];
            for (i, value) in row.iter_mut().enumerate() {
                *value = cells
                    .get(at[i])
                    .copied()
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| UnitsError::Invalid {
                        line: index + 1,
                        detail: format!("{} is empty", COLUMNS[i]),
                    })?;
            }
            table.add_row(row, index + 1)?;
        }
        for (alias, code) in OLD_PROVINCE_ALIASES {
            if table.old_provinces.contains_key(*code) {
                table.old_province_names.insert("", alias, code);
            }
        }
        if table.old_communes.is_empty() {
            return Err(UnitsError::Invalid {
                line: 1,
                detail: "no rows".to_string(),
            });
        }
        Ok(table)
    }

    fn add_row(&mut self, c: [&str; 9], line: usize) -> Result<(), UnitsError> {
        let [old_province, old_district, old_commune, old_address, new_province, new_province_name, new_commune, new_commune_name, merge] =
            c;
        let invalid = |detail: String| UnitsError::Invalid { line, detail };
        let parts: Vec<&str> = old_address.split(',').map(str::trim).collect();
        let [commune_name, district_name, province_name] = parts[..] else {
            return Err(invalid(format!(
                "old_address {old_address:?} is not `commune, district, province`"
            )));
        };
        let merge = match merge {
            "full" => Merge::Full,
            "partial" => Merge::Partial,
            other => return Err(invalid(format!("merge {other:?} is not full or partial"))),
        };
        if !self.old_provinces.contains_key(old_province) {
            self.old_provinces
                .insert(old_province.to_string(), province_name.to_string());
            self.old_province_names
                .insert("", province_name, old_province);
        }
        let district_key = (old_province.to_string(), old_district.to_string());
        if let std::collections::hash_map::Entry::Vacant(e) = self.old_districts.entry(district_key)
        {
            e.insert(district_name.to_string());
            self.district_names
                .insert(old_province, district_name, old_district);
        }
        if !self.new_provinces.contains_key(new_province) {
            self.new_provinces
                .insert(new_province.to_string(), new_province_name.to_string());
            self.new_province_names
                .insert("", new_province_name, new_province);
        }
        if !self.new_communes.contains_key(new_commune) {
            self.new_communes.insert(
                new_commune.to_string(),
                (new_commune_name.to_string(), new_province.to_string()),
            );
            self.new_commune_names
                .insert(new_province, new_commune_name, new_commune);
        }
        self.province_now
            .entry(old_province.to_string())
            .or_default()
            .insert(new_province.to_string());
        let entry = self
            .old_communes
            .entry(old_commune.to_string())
            .or_insert_with(|| OldCommune {
                name: commune_name.to_string(),
                district: old_district.to_string(),
                targets: Vec::new(),
            });
        if entry.targets.is_empty() {
            self.old_commune_names.insert(
                &format!("{old_province}/{old_district}"),
                commune_name,
                old_commune,
            );
            self.old_commune_names
                .insert(old_province, commune_name, old_commune);
        }
        entry.targets.push(Target {
            commune: new_commune.to_string(),
            province: new_province.to_string(),
            merge,
        });
        Ok(())
    }

    /// The table's name and version, carried with every conversion.
    pub fn version(&self) -> &str {
        &self.version
    }
}
