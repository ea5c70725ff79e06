//! `marriage_certificate`: Giấy chứng nhận kết hôn. Wife and husband are printed with
//! the same labels, either side by side (two columns), one after the other, or as the
//! two value columns of a table; each layout is reduced to one region per spouse.

use super::common::{
    apply_rules, certificate_number_above_book, focus, normalize, printed_field, Kind, Output, Rule,
};
use super::sections::first_line;
use crate::classify::keywords::{kw, title, Keyword};
use crate::layout::{column_value, find_hits, Hit, Hits, Label, Layout};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};

/// The type's schema: its fields in the contract's order, what names its subjects and
/// makes its content key, its signals and its reading.
pub const SPEC: DocumentSpec = DocumentSpec {
    document_type: DocumentType::MarriageCertificate,
    fields: &[
        FieldSpec::new(FieldKey::WifeFullName, Format::Name).name_of(FieldKey::WifeIdNumber),
        FieldSpec::new(FieldKey::WifeDateOfBirth, Format::Date),
        FieldSpec::new(FieldKey::WifeIdNumber, Format::Digits(&[12, 9]))
            .names(SubjectKind::Citizen)
            .keyed(),
        FieldSpec::new(FieldKey::HusbandFullName, Format::Name).name_of(FieldKey::HusbandIdNumber),
        FieldSpec::new(FieldKey::HusbandDateOfBirth, Format::Date),
        FieldSpec::new(FieldKey::HusbandIdNumber, Format::Digits(&[12, 9]))
            .names(SubjectKind::Citizen)
            .keyed(),
        FieldSpec::new(FieldKey::RegistrationAuthority, Format::Place),
        FieldSpec::new(FieldKey::RegistrationDate, Format::Date).keyed(),
        FieldSpec::new(FieldKey::CertificateNumber, Format::Reference).keyed(),
        FieldSpec::new(FieldKey::BookNumber, Format::Reference),
    ],
    supersedes_through: &[SubjectKind::Citizen, SubjectKind::Enterprise],
    keywords: KEYWORDS,
    constraints: &[],
    extract: |layout, _| extract(layout).into(),
};

const KEYWORDS: &[Keyword] = &[
    title("giấy chứng nhận kết hôn", 6.0),
    title("trích lục kết hôn", 5.0),
    kw("kết hôn", 1.0),
    kw("tên vợ", 1.5),
    kw("tên chồng", 1.5),
    kw("nơi đăng ký kết hôn", 1.0),
    kw("quyển số", 0.5),
];

const VOCAB: &[Label] = &[
    Label::new(
        "wife_name",
        &[
            "Họ, chữ đệm, tên vợ",
            "Họ, chữ đệm và tên vợ",
            "Họ và tên vợ",
            "Họ tên vợ",
        ],
        &[],
    ),
    Label::new(
        "husband_name",
        &[
            "Họ, chữ đệm, tên chồng",
            "Họ, chữ đệm và tên chồng",
            "Họ và tên chồng",
            "Họ tên chồng",
        ],
        &[],
    ),
    Label::new(
        "wife_anchor",
        &[
            "Bên vợ",
            "Thông tin người vợ",
            "Thông tin về vợ",
            "Người vợ",
            "Bên nữ",
        ],
        &[],
    ),
    Label::new(
        "husband_anchor",
        &[
            "Bên chồng",
            "Thông tin người chồng",
            "Thông tin về chồng",
            "Người chồng",
            "Bên nam",
        ],
        &[],
    ),
    Label::new("name", super::common::PERSON_NAME_LABELS, &[]),
    Label::new("date_of_birth", super::common::DATE_OF_BIRTH_LABELS, &[]),
    Label::new(
        "id_number",
        &[
            "Giấy tờ tùy thân",
            "Giấy tờ tuỳ thân",
            "Số định danh cá nhân",
            "Giấy tờ tùy thân/Số định danh cá nhân",
            "Số CMND",
            "Số CCCD",
        ],
        &[],
    ),
    Label::new(
        "registration_authority",
        &["Nơi đăng ký kết hôn", "Nơi đăng ký", "Cơ quan đăng ký"],
        &[],
    ),
    Label::new(
        "registration_date",
        // A scan loses the short last word most (`năm đăng :`), or the middle one
        // under a speck (`Ngày, _ năm đăng ký`); the date's own label ends `sinh`.
        &[
            "Ngày, tháng, năm đăng ký",
            "Ngày, tháng, năm đăng",
            "Ngày, năm đăng ký",
            "Ngày đăng ký",
            "Đăng ký ngày",
        ],
        &[],
    ),
    Label::new("certificate_number", &["Số"], &[]),
    Label::new("book_number", &["Quyển số"], &[]),
    Label::new("-", &["Dân tộc"], &[]),
    Label::new("-", &["Quốc tịch"], &[]),
    Label::new("-", &["Nơi cư trú", "Nơi thường trú"], &[]),
    Label::new("-", &["Chữ ký của vợ", "Vợ (ký, ghi rõ họ tên)"], &[]),
    Label::new("-", &["Chữ ký của chồng", "Chồng (ký, ghi rõ họ tên)"], &[]),
    Label::new("-", &["Cộng hòa xã hội chủ nghĩa Việt Nam"], &[]),
    Label::new("-", &["Độc lập - Tự do - Hạnh phúc"], &[]),
    Label::new("-", &["Giấy chứng nhận kết hôn"], &[]),
];

const REGISTRATION: &[Rule] = &[
    Rule::new(
        FieldKey::RegistrationAuthority,
        "registration_authority",
        Kind::Text,
    )
    .multiline(),
    Rule::new(FieldKey::RegistrationDate, "registration_date", Kind::Date),
    Rule::new(
        FieldKey::CertificateNumber,
        "certificate_number",
        Kind::Reference,
    ),
    Rule::new(FieldKey::BookNumber, "book_number", Kind::Reference),
];

const REGISTRATION_KEYS: &[&str] = &["registration_authority", "registration_date"];

#[derive(Clone, Copy)]
struct Spouse {
    prefix: &'static str,
    name_label: &'static str,
}

const WIFE: Spouse = Spouse {
    prefix: "wife",
    name_label: "wife_name",
};
const HUSBAND: Spouse = Spouse {
    prefix: "husband",
    name_label: "husband_name",
};

fn rules(s: Spouse) -> [Rule; 4] {
    let (name, dob, id) = match s.prefix {
        "wife" => (
            FieldKey::WifeFullName,
            FieldKey::WifeDateOfBirth,
            FieldKey::WifeIdNumber,
        ),
        _ => (
            FieldKey::HusbandFullName,
            FieldKey::HusbandDateOfBirth,
            FieldKey::HusbandIdNumber,
        ),
    };
    [
        Rule::new(name, s.name_label, Kind::Name),
        Rule::new(name, "name", Kind::Name),
        Rule::new(dob, "date_of_birth", Kind::Date),
        Rule::new(id, "id_number", Kind::Id(&[12, 9])),
    ]
}

/// Where the spouses' blocks end: at the registration lines after `from`.
fn block_end(hits: &Hits, from: usize, total: usize) -> usize {
    hits.all
        .iter()
        .filter(|h| h.line > from && REGISTRATION_KEYS.contains(&h.key))
        .map(|h| h.line)
        .min()
        .unwrap_or(total)
}

fn first<'a>(hits: &'a Hits, key: &str) -> Option<&'a Hit> {
    hits.all.iter().find(|h| h.key == key)
}

fn read_region(region: &Layout, s: Spouse, out: &mut Output) {
    let hits = find_hits(region, VOCAB);
    apply_rules(region, &hits, &rules(s), out);
}

/// Two spouses side by side from line `from`: split at `boundary`, the wife on the
/// left unless `husband_left`.
fn columns(
    layout: &Layout,
    hits: &Hits,
    from: usize,
    boundary: f32,
    husband_left: bool,
    out: &mut Output,
) {
    let end = block_end(hits, from, layout.lines.len());
    let block = layout.slice(from, end);
    let center = |t: &crate::layout::Token| (t.bbox.x0 + t.bbox.x1) / 2.0;
    let (left, right) = if husband_left {
        (HUSBAND, WIFE)
    } else {
        (WIFE, HUSBAND)
    };
    read_region(&block.filter(|_, t| center(t) < boundary), left, out);
    read_region(&block.filter(|_, t| center(t) >= boundary), right, out);
}

/// One spouse after the other, from anchors on lines `a` and `b`.
fn stacked(layout: &Layout, hits: &Hits, (wife, husband): (usize, usize), out: &mut Output) {
    let total = layout.lines.len();
    let (first_s, first_l, second_s, second_l) = if wife < husband {
        (WIFE, wife, HUSBAND, husband)
    } else {
        (HUSBAND, husband, WIFE, wife)
    };
    read_region(&layout.slice(first_l, second_l), first_s, out);
    read_region(
        &layout.slice(second_l, block_end(hits, second_l, total)),
        second_s,
        out,
    );
}

/// A table whose header row names the spouses over two value columns.
fn table(layout: &Layout, hits: &Hits, header: usize, boundary: f32, left: f32, out: &mut Output) {
    for s in [WIFE, HUSBAND] {
        let (x0, x1) = if s.prefix == "wife" {
            (left, boundary)
        } else {
            (boundary, f32::INFINITY)
        };
        for rule in rules(s) {
            if out.fields.contains_key(&rule.field) {
                continue;
            }
            for hi in hits.of(rule.label) {
                if hits.all[hi].line <= header {
                    continue;
                }
                let Some(v) = column_value(layout, hits, hi, x0, x1) else {
                    continue;
                };
                if let Ok(value) = normalize(rule.kind, &v.text) {
                    let v = focus(v, rule.kind, &value);
                    out.offer(rule.field, printed_field(&v, value, rule.kind));
                    break;
                }
            }
        }
    }
}

pub fn extract(layout: &Layout) -> Output {
    let mut out = Output::default();
    let hits = find_hits(layout, VOCAB);
    let same_line = |a: &Hit, b: &Hit| a.line == b.line && a.bbox.x1 <= b.bbox.x0;
    match (first(&hits, "wife_name"), first(&hits, "husband_name")) {
        (Some(w), Some(h)) if same_line(w, h) => {
            columns(layout, &hits, w.line, h.bbox.x0, false, &mut out)
        }
        // Forms differ in which spouse they print first.
        (Some(w), Some(h)) if same_line(h, w) => {
            columns(layout, &hits, w.line, w.bbox.x0, true, &mut out)
        }
        (Some(w), Some(h)) if w.line != h.line => {
            stacked(layout, &hits, (w.line, h.line), &mut out)
        }
        _ => match (first(&hits, "wife_anchor"), first(&hits, "husband_anchor")) {
            (Some(w), Some(h)) if same_line(w, h) => {
                let boundary = (w.bbox.x1 + h.bbox.x0) / 2.0;
                let labels_right = hits
                    .all
                    .iter()
                    .any(|x| x.key == "name" && x.line > w.line && x.bbox.x0 >= boundary);
                if labels_right {
                    columns(layout, &hits, w.line, boundary, false, &mut out);
                } else {
                    // Values sit under each header; the label column lies left of both.
                    let left = w.bbox.x0 - (h.bbox.x0 - w.bbox.x1) / 2.0;
                    table(layout, &hits, w.line, boundary, left, &mut out);
                }
            }
            (Some(w), Some(h)) if w.line != h.line => {
                stacked(layout, &hits, (w.line, h.line), &mut out)
            }
            _ => {
                // No structure found: a lone spouse section is still read.
                if first_line(&hits, "wife_name").is_some() {
                    read_region(layout, WIFE, &mut out);
                } else if first_line(&hits, "husband_name").is_some() {
                    read_region(layout, HUSBAND, &mut out);
                }
            }
        },
    }
    apply_rules(layout, &hits, REGISTRATION, &mut out);
    certificate_number_above_book(layout, &hits, &mut out);
    out
}
