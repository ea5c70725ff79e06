//! A printed place as units: read from its end (province, then district, then commune),
//! each looked for only inside the unit found after it, and converted to today's units.

use serde::Serialize;

use crate::names::Level;
use crate::table::{Crosswalk, Target};

/// One unit: its General Statistics Office code and its name as the table spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
}

/// Which units a place is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    /// 63 provinces, with districts.
    #[serde(rename = "before-2025-07-01")]
    Before2025,
    /// 34 provinces, no districts.
    #[serde(rename = "from-2025-07-01")]
    From2025,
}

/// How a printed unit became a current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Merge {
    /// The old commune went whole into this one.
    Full,
    /// Only a part did: one of several candidates, a clerk chooses.
    Partial,
    /// Printed in today's units already.
    Same,
}

impl Merge {
    pub fn as_str(self) -> &'static str {
        match self {
            Merge::Full => "full",
            Merge::Partial => "partial",
            Merge::Same => "same",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedUnits {
    pub period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<Unit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<Unit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub province: Option<Unit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentUnit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<Unit>,
    pub province: Unit,
    pub merge: Merge,
}

/// A place field's `units`, as the spec's "Places as units" gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceUnits {
    /// What comes before the commune: house, street, hamlet, group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub printed: PrintedUnits,
    pub current: Vec<CurrentUnit>,
    pub crosswalk: String,
}

impl PlaceUnits {
    /// Whether a clerk must choose among several current communes.
    pub fn needs_a_choice(&self) -> bool {
        self.current.len() > 1
    }
}

impl Crosswalk {
    /// The units of a place as printed (`value` of a place field): `None` when not even
    /// its province can be identified.
    pub fn place(&self, printed: &str) -> Option<PlaceUnits> {
        let mut parts: Vec<&str> = printed
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        // A business's address may end with the country.
        if parts
            .last()
            .is_some_and(|p| crate::names::key(p) == "việt nam")
        {
            parts.pop();
        }
        let (last, rest) = parts.split_last()?;
        let old = self
            .old_province_names
            .find_within("", last, Level::Province);
        let new = self
            .new_province_names
            .find_within("", last, Level::Province);
        // The province named after something else ("Bệnh viện Phụ sản thành phố Hà
        // Nội"): that something is the detail, and nothing before it is a unit.
        let lead = old.or(new).and_then(|(_, prefix)| prefix);
        let (old, new) = (old.map(|(code, _)| code), new.map(|(code, _)| code));
        if old.is_none() && new.is_none() {
            return None;
        }
        // What comes before the units used, and what a used unit was printed after.
        let detail = |used: usize, lead: Option<&str>| -> Option<String> {
            let mut kept: Vec<&str> = rest[..rest.len().saturating_sub(used)].to_vec();
            kept.extend(lead);
            (!kept.is_empty()).then(|| kept.join(", "))
        };
        if lead.is_some() {
            return match (old, new) {
                (Some(op), _) => Some(self.in_old_units(op, None, None, detail(0, lead))),
                (None, Some(np)) => Some(self.in_new_units(np, None, detail(0, lead))),
                (None, None) => None,
            };
        }
        // Before 2025: a district of the old province, then a commune of that district.
        if let Some(op) = old {
            if let Some((district_seg, before)) = rest.split_last() {
                if let Some((d, lead)) =
                    self.district_names
                        .find_within(op, district_seg, Level::District)
                {
                    // A district-level authority ("Ủy ban nhân dân huyện Y"): no commune.
                    if lead.is_some() {
                        return Some(self.in_old_units(op, Some(d), None, detail(1, lead)));
                    }
                    let commune = before.last().and_then(|c| {
                        self.old_commune_names
                            .find_within(&format!("{op}/{d}"), c, Level::Commune)
                    });
                    return Some(match commune {
                        Some((c, lead)) => self.in_old_units(op, Some(d), Some(c), detail(2, lead)),
                        None => self.in_old_units(op, Some(d), None, detail(1, None)),
                    });
                }
            }
        }
        // From 2025: a commune of the new province, no district.
        if let Some(np) = new {
            if let Some((c, lead)) = rest
                .last()
                .and_then(|c| self.new_commune_names.find_within(np, c, Level::Commune))
            {
                return Some(self.in_new_units(np, Some(c), detail(1, lead)));
            }
        }
        // Before 2025 without its district printed: a commune of the old province.
        if let Some(op) = old {
            if let Some((c, lead)) = rest
                .last()
                .and_then(|c| self.old_commune_names.find_within(op, c, Level::Commune))
            {
                return Some(self.in_old_units(op, None, Some(c), detail(1, lead)));
            }
        }
        // The province alone: in the old units when more than the province was printed
        // or the name is only an old province's.
        match (old, new) {
            (Some(op), np) if np.is_none() || rest.len() >= 2 => {
                Some(self.in_old_units(op, None, None, detail(0, None)))
            }
            (_, Some(np)) => Some(self.in_new_units(np, None, detail(0, None))),
            _ => None,
        }
    }

    fn in_old_units(
        &self,
        province: &str,
        district: Option<&str>,
        commune: Option<&str>,
        detail: Option<String>,
    ) -> PlaceUnits {
        let old_commune = commune.and_then(|c| self.old_communes.get(c));
        // A commune identified without its district tells the district too.
        let district = district.or(old_commune.map(|c| c.district.as_str()));
        let current = match old_commune {
            Some(c) => c.targets.iter().filter_map(|t| self.target(t)).collect(),
            // Provinces were merged whole: the province alone still converts.
            None => self
                .province_now
                .get(province)
                .filter(|now| now.len() == 1)
                .and_then(|now| now.iter().next())
                .and_then(|p| self.new_province(p))
                .map(|province| {
                    vec![CurrentUnit {
                        commune: None,
                        province,
                        merge: Merge::Full,
                    }]
                })
                .unwrap_or_default(),
        };
        PlaceUnits {
            detail,
            printed: PrintedUnits {
                period: Period::Before2025,
                commune: old_commune.zip(commune).map(|(c, code)| Unit {
                    code: code.to_string(),
                    name: c.name.clone(),
                }),
                district: district.and_then(|d| {
                    self.old_districts
                        .get(&(province.to_string(), d.to_string()))
                        .map(|name| Unit {
                            code: d.to_string(),
                            name: name.clone(),
                        })
                }),
                province: self.old_provinces.get(province).map(|name| Unit {
                    code: province.to_string(),
                    name: name.clone(),
                }),
            },
            current,
            crosswalk: self.version.clone(),
        }
    }

    fn in_new_units(
        &self,
        province: &str,
        commune: Option<&str>,
        detail: Option<String>,
    ) -> PlaceUnits {
        let commune = commune.and_then(|c| self.new_commune(c));
        let province = self.new_province(province);
        PlaceUnits {
            detail,
            printed: PrintedUnits {
                period: Period::From2025,
                commune: commune.clone(),
                district: None,
                province: province.clone(),
            },
            current: province
                .map(|province| {
                    vec![CurrentUnit {
                        commune,
                        province,
                        merge: Merge::Same,
                    }]
                })
                .unwrap_or_default(),
            crosswalk: self.version.clone(),
        }
    }

    fn target(&self, t: &Target) -> Option<CurrentUnit> {
        Some(CurrentUnit {
            commune: self.new_commune(&t.commune),
            province: self.new_province(&t.province)?,
            merge: t.merge,
        })
    }

    fn new_commune(&self, code: &str) -> Option<Unit> {
        self.new_communes.get(code).map(|(name, _)| Unit {
            code: code.to_string(),
            name: name.clone(),
        })
    }

    fn new_province(&self, code: &str) -> Option<Unit> {
        self.new_provinces.get(code).map(|name| Unit {
            code: code.to_string(),
            name: name.clone(),
        })
    }
}
