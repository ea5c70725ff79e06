//! The card's codes as candidates: the QR payload's fields and the machine-readable
//! zone's, each with its evidence and the confidence its checks earn.

use super::*;

/// The printed nationality of a citizen, from the MRZ's code: cards are issued to
/// citizens only, so any other code names no nationality this card prints.
pub(super) fn printed_nationality(code: &str) -> Option<String> {
    (code == "VNM").then(|| "Việt Nam".to_string())
}

pub(super) fn qr_candidates(qr: &QrData, page: u32, bbox: BBox, payload: &str, c: &mut Reading) {
    let mk = |value: String| Field {
        value,
        confidence: QR_CONFIDENCE,
        method: Method::Qr,
        evidence: vec![Evidence {
            page,
            bbox,
            raw: payload.to_string(),
        }],
    };
    c.push(FieldKey::IdNumber, Source::Qr, mk(qr.id_number.clone()));
    let values: [(FieldKey, Option<String>); 6] = [
        (FieldKey::PreviousIdNumber, qr.previous_id_number.clone()),
        (FieldKey::FullName, qr.full_name.clone()),
        (FieldKey::DateOfBirth, qr.date_of_birth.map(|d| d.iso())),
        (FieldKey::Sex, qr.sex_str().map(str::to_string)),
        (FieldKey::PlaceOfResidence, qr.place_of_residence.clone()),
        (FieldKey::DateOfIssue, qr.date_of_issue.map(|d| d.iso())),
    ];
    for (key, v) in values {
        if let Some(v) = v {
            c.push(key, Source::Qr, mk(v));
        }
    }
}

pub(super) fn mrz_candidates(mrz: &Mrz, data: &MrzData, c: &mut Reading) {
    let checked = if data.composite_ok {
        MRZ_CONFIDENCE
    } else {
        MRZ_PARTIAL_CONFIDENCE
    };
    let mk = |value: String, line: usize, confidence: f32| {
        let l = &mrz.lines[line];
        Field {
            value,
            confidence,
            method: Method::Mrz,
            evidence: vec![Evidence {
                page: l.page,
                bbox: l.bbox,
                raw: l.raw.clone(),
            }],
        }
    };
    let values: [(FieldKey, Option<String>, usize, f32); 6] = [
        (
            FieldKey::IdNumber,
            data.id_number.clone(),
            0,
            if data.id_prefix_unchecked {
                MRZ_PARTIAL_CONFIDENCE
            } else {
                MRZ_CONFIDENCE
            },
        ),
        (
            FieldKey::DateOfBirth,
            data.date_of_birth.map(|d| d.iso()),
            1,
            checked,
        ),
        (
            FieldKey::Sex,
            data.sex.map(|s| s.as_str().to_string()),
            1,
            checked * 0.95,
        ),
        (
            FieldKey::DateOfExpiry,
            data.date_of_expiry
                .map(|d| d.iso())
                .or_else(|| data.no_expiry.then(|| "unlimited".to_string())),
            1,
            checked,
        ),
        (
            FieldKey::FullName,
            data.full_name.clone(),
            2,
            MRZ_NAME_CONFIDENCE,
        ),
        (
            FieldKey::Nationality,
            data.nationality.as_deref().and_then(printed_nationality),
            1,
            MRZ_NATIONALITY_CONFIDENCE,
        ),
    ];
    for (key, v, line, conf) in values {
        if let Some(v) = v {
            c.push(key, Source::Mrz, mk(v, line, conf));
        }
    }
}
