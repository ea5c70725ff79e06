//! Places as units at the edge: the crosswalk loaded once from its file (a newer table is
//! a new file and version, not a new build), and the `units` of each place field added
//! beside what was printed, which stays the `value`.

use std::sync::{Arc, OnceLock};

use hoso_extractors::{DocumentType, ExtractedDocument, FieldKey, Format};
use hoso_units::{Crosswalk, PlaceUnits};

use crate::config::UnitsSettings;

/// The table loaded at start-up: read-only for the life of the process, so the API's
/// answers need no handle to it.
static INSTALLED: OnceLock<Arc<Crosswalk>> = OnceLock::new();

/// Loads the configured crosswalk for the process; a second call keeps the first.
pub fn install(settings: &UnitsSettings) -> anyhow::Result<Option<Arc<Crosswalk>>> {
    if let Some(table) = INSTALLED.get() {
        return Ok(Some(Arc::clone(table)));
    }
    Ok(match load(settings)? {
        Some(table) => Some(Arc::clone(INSTALLED.get_or_init(|| Arc::new(table)))),
        None => None,
    })
}

/// The table `hoso serve` installed, if any.
pub fn installed() -> Option<&'static Crosswalk> {
    INSTALLED.get().map(|table| table.as_ref())
}

/// A place field's `units` as JSON, when a table is installed and the field is a place.
pub fn units_of(
    document_type: DocumentType,
    key: FieldKey,
    value: &str,
) -> Option<serde_json::Value> {
    if !is_place(document_type, key) {
        return None;
    }
    let units = INSTALLED.get()?.place(value)?;
    serde_json::to_value(units).ok()
}

/// A place's `units` (the contract's JSON): as stored for the value, with a clerk's
/// choice, or else converted by the installed table.
pub fn units_for(
    document_type: DocumentType,
    key: FieldKey,
    value: &str,
    stored: Option<&hoso_pipeline::registry::StoredPlace>,
) -> Option<serde_json::Value> {
    stored
        .filter(|p| p.printed == value)
        .map(hoso_pipeline::places::units_json)
        .filter(|u| !u.is_null())
        .or_else(|| units_of(document_type, key, value))
}

/// A printed place in today's units (`units` its contract JSON): its detail, then the one
/// current commune and its province. `None` when it is not one commune today (a split
/// not chosen yet, or unknown); a place printed in today's units comes back as printed.
pub fn in_current_units(printed: &str, units: &serde_json::Value) -> Option<String> {
    let [current] = units["current"].as_array()?.as_slice() else {
        return None;
    };
    let commune = current["commune"]["name"].as_str()?;
    if current["merge"] == "same" {
        return Some(printed.to_string());
    }
    let province = current["province"]["name"].as_str()?;
    Some(match units["detail"].as_str() {
        // A detail printed before the commune without a comma is a name the commune
        // belongs to ("Ủy ban nhân dân xã ..."): it stays joined to it.
        Some(detail) if !printed.contains(&format!("{detail},")) => {
            format!("{detail} {}, {province}", lower_first(commune))
        }
        Some(detail) => format!("{detail}, {commune}, {province}"),
        None => format!("{commune}, {province}"),
    })
}

/// "Xã Dân Chủ" as it reads after a name: "xã Dân Chủ".
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn is_place(document_type: DocumentType, key: FieldKey) -> bool {
    document_type.format_of(key) == Some(Format::Place)
}

/// The configured crosswalk; `None` when none is configured.
pub fn load(settings: &UnitsSettings) -> anyhow::Result<Option<Crosswalk>> {
    let Some((path, version)) = &settings.crosswalk else {
        return Ok(None);
    };
    Crosswalk::load(path, version)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("setting units.crosswalk (HOSO_UNITS_CROSSWALK): {e}"))
}

/// Each place field of the document with its units, in field order.
pub fn places<'a>(crosswalk: &Crosswalk, doc: &'a ExtractedDocument) -> Vec<(&'a str, PlaceUnits)> {
    doc.fields
        .iter()
        .filter(|(key, _)| is_place(doc.document_type, **key))
        .filter_map(|(key, field)| Some((key.as_str(), crosswalk.place(&field.value)?)))
        .collect()
}

/// The document's JSON with `units` beside the `value` of each place field.
pub fn annotate(crosswalk: &Crosswalk, doc: &ExtractedDocument, json: &mut serde_json::Value) {
    for (key, units) in places(crosswalk, doc) {
        if let Some(field) = json["fields"].get_mut(key) {
            if let Ok(units) = serde_json::to_value(&units) {
                field["units"] = units;
            }
        }
    }
}

/// Lines for a person: each place field's units as printed and as they are today.
pub fn describe(crosswalk: &Crosswalk, doc: &ExtractedDocument) -> Vec<String> {
    let name =
        |u: &Option<hoso_units::Unit>| u.as_ref().map(|u| format!("{} ({})", u.name, u.code));
    places(crosswalk, doc)
        .into_iter()
        .map(|(key, p)| {
            let printed: Vec<String> =
                [&p.printed.commune, &p.printed.district, &p.printed.province]
                    .into_iter()
                    .filter_map(name)
                    .collect();
            let current: Vec<String> = p
                .current
                .iter()
                .map(|c| {
                    let units: Vec<String> = [&c.commune, &Some(c.province.clone())]
                        .into_iter()
                        .filter_map(name)
                        .collect();
                    format!("{} [{}]", units.join(", "), c.merge.as_str())
                })
                .collect();
            let choice = if p.needs_a_choice() {
                " (split: a clerk chooses)"
            } else {
                ""
            };
            format!(
                "  {key}: printed {}; today {}{choice}",
                if printed.is_empty() {
                    "-".to_string()
                } else {
                    printed.join(", ")
                },
                if current.is_empty() {
                    "unknown".to_string()
                } else {
                    current.join(" or ")
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hoso_extractors::{DocumentType, Field, FieldKey, Method};

    use super::*;

    fn card(residence: &str) -> ExtractedDocument {
        let field = |value: &str| Field {
            value: value.to_string(),
            confidence: 0.9,
            method: Method::Ocr,
            evidence: Vec::new(),
        };
        let mut fields = BTreeMap::new();
        fields.insert(FieldKey::PlaceOfResidence, field(residence));
        fields.insert(FieldKey::FullName, field("NGUYỄN VĂN AN"));
        ExtractedDocument {
            document_type: DocumentType::CitizenId,
            pages: vec![1],
            confidence: 0.9,
            fields,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_place_in_today_s_units_keeps_its_detail_as_printed() {
        let units = |detail: &str| {
            serde_json::json!({"detail": detail, "current": [{
                "commune": {"code": "08254", "name": "Xã Dân Chủ"},
                "province": {"code": "25", "name": "Tỉnh Phú Thọ"}, "merge": "full"}]})
        };
        assert_eq!(
            in_current_units(
                "Ủy ban nhân dân xã Hạ Giáp, huyện Phù Ninh, tỉnh Phú Thọ",
                &units("Ủy ban nhân dân")
            )
            .as_deref(),
            Some("Ủy ban nhân dân xã Dân Chủ, Tỉnh Phú Thọ")
        );
        assert_eq!(
            in_current_units(
                "Thôn 3, Xã Hạ Giáp, Huyện Phù Ninh, Tỉnh Phú Thọ",
                &units("Thôn 3")
            )
            .as_deref(),
            Some("Thôn 3, Xã Dân Chủ, Tỉnh Phú Thọ")
        );
    }

    #[test]
    fn a_card_s_residence_gets_its_units_beside_the_printed_value() {
        let settings = crate::config::Settings::load(
            &crate::config::Overrides::default(),
            &crate::config::ProcessEnv,
        )
        .unwrap();
        let crosswalk = load(&settings.units)
            .unwrap()
            .expect("the checkout's crosswalk in ../shared/data");
        let printed = "Tổ 23, Khu phố 9, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh";
        let doc = card(printed);
        let mut json = serde_json::to_value(&doc).unwrap();
        annotate(&crosswalk, &doc, &mut json);
        let residence = &json["fields"]["place_of_residence"];
        assert_eq!(residence["value"], printed, "the value stays as printed");
        assert_eq!(residence["units"]["printed"]["commune"]["code"], "26734");
        assert_eq!(residence["units"]["current"][0]["commune"]["code"], "26737");
        assert_eq!(residence["units"]["crosswalk"], crosswalk.version());
        assert!(
            json["fields"]["full_name"].get("units").is_none(),
            "names are not places"
        );
        let lines = describe(&crosswalk, &doc);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].contains("printed Phường Tân Định (26734), Quận 1 (760)"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains("today Phường Tân Định (26737)"),
            "{}",
            lines[0]
        );
        // A split commune asks for a choice.
        let split = card("Phường Cống Vị, Quận Ba Đình, Thành phố Hà Nội");
        let lines = describe(&crosswalk, &split);
        assert!(lines[0].contains(" or "), "{}", lines[0]);
        assert!(
            lines[0].ends_with("(split: a clerk chooses)"),
            "{}",
            lines[0]
        );
    }
}
