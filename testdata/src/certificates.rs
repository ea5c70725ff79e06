//! The four A4 certificate types, set with the flowing layout. Label wording, line breaking
//! and date spelling vary between specimens the way real forms of different years do.

use rand::Rng;

use hoso_extractors::{DocumentType, FieldKey};

use crate::canvas::{star, Canvas, Rgb, BLACK, RED};
use crate::data;
use crate::date::Date;
use crate::fonts::{Typo, W};
use crate::layout::{Align, Cell, Doc, Flow, Span};
use crate::people::{date, pick, random_date, AddressStyle, Company, CompanyKind, Person, Rng8};
use crate::words::{date_words, dotted, money_words};

pub const A4_MM: (f32, f32) = (210.0, 297.0);

fn a4(dpi: f32, paper: Rgb) -> Canvas {
    let k = dpi / 25.4;
    Canvas::new(
        (A4_MM.0 * k).round() as usize,
        (A4_MM.1 * k).round() as usize,
        paper,
    )
}

fn framed_paper(dpi: f32, paper: Rgb, ink: Rgb, ornate: bool) -> Canvas {
    let mut c = a4(dpi, paper);
    let k = dpi / 25.4;
    let (w, h) = (c.w as f32, c.h as f32);
    let m1 = 8.0 * k;
    let m2 = 10.0 * k;
    c.stroke_rect(m1, m1, w - m1, h - m1, (0.9 * k).max(2.0), ink);
    c.stroke_rect(m2, m2, w - m2, h - m2, (0.3 * k).max(1.0), ink);
    if ornate {
        let step = 6.0 * k;
        let mid = 9.0 * k;
        let mut x = m2 + step;
        while x < w - m2 - step / 2.0 {
            for y in [mid, h - mid] {
                c.fill_polygon(
                    &[
                        (x, y - 0.8 * k),
                        (x + 0.8 * k, y),
                        (x, y + 0.8 * k),
                        (x - 0.8 * k, y),
                    ],
                    ink,
                );
            }
            x += step;
        }
        for (cx, cy) in [(m2, m2), (w - m2, m2), (m2, h - m2), (w - m2, h - m2)] {
            c.fill_polygon(&star(cx, cy, 3.5 * k), ink);
        }
    }
    c
}

fn emblem_at(f: &mut Flow, size_mm: f32) {
    let r = f.mm(size_mm / 2.0);
    let cx = (f.left + f.right) / 2.0;
    let cy = f.y + r;
    let i = f.page_index();
    let c = &mut f.pages[i];
    c.fill_ellipse(cx, cy, r, r, [200, 150, 50], true);
    c.fill_ellipse(cx, cy, r * 0.86, r * 0.86, [205, 35, 35], true);
    c.fill_polygon(&star(cx, cy, r * 0.5), [250, 215, 40]);
    f.y = cy + r + f.mm(2.0);
}

fn motto_centered(f: &mut Flow) {
    let pt = f.pt;
    f.centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", W::Bold, pt, BLACK);
    f.centered("Độc lập - Tự do - Hạnh phúc", W::Bold, pt, BLACK);
    let cx = (f.left + f.right) / 2.0;
    let half = f.mm(24.0);
    f.hline(cx - half, cx + half, f.mm(0.3).max(1.0), BLACK);
    f.gap(4.0);
}

/// Issuing agency on the left, national motto on the right, as administrative letters are laid out.
fn motto_two_columns(f: &mut Flow, agency: &[String], pt: f32) {
    let mid = f.left + (f.right - f.left) * 0.42;
    let top = f.y;
    for (i, a) in agency.iter().enumerate() {
        let w = if i + 1 == agency.len() {
            W::Bold
        } else {
            W::Regular
        };
        f.cells(&[Cell {
            spans: vec![Span::new(a.as_str(), w, pt)],
            x0: f.left,
            x1: mid - f.mm(2.0),
            align: Align::Center,
        }]);
    }
    let left_bottom = f.y;
    f.y = top;
    f.cells(&[Cell {
        spans: vec![Span::new("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", W::Bold, pt)],
        x0: mid,
        x1: f.right,
        align: Align::Center,
    }]);
    f.cells(&[Cell {
        spans: vec![Span::new("Độc lập - Tự do - Hạnh phúc", W::Bold, pt * 1.05)],
        x0: mid,
        x1: f.right,
        align: Align::Center,
    }]);
    let right_cx = (mid + f.right) / 2.0;
    let half = f.mm(22.0);
    f.hline(right_cx - half, right_cx + half, f.mm(0.3).max(1.0), BLACK);
    let left_cx = (f.left + mid) / 2.0;
    let lh = f.mm(12.0);
    let y_save = f.y;
    f.y = left_bottom;
    f.hline(left_cx - lh, left_cx + lh, f.mm(0.3).max(1.0), BLACK);
    f.y = y_save.max(left_bottom) + f.mm(3.0);
}

/// How one certificate prints its label/value pairs.
struct Style {
    /// Probability a value goes on the line after its label.
    next_line: f64,
    /// A value column, as on pre-printed forms; `None` lets values follow their labels.
    tab: Option<f32>,
    value_w: W,
}

impl Style {
    fn random(rng: &mut Rng8, f: &Flow) -> Style {
        Style {
            next_line: if rng.gen_bool(0.3) { 0.25 } else { 0.0 },
            tab: rng
                .gen_bool(0.3)
                .then(|| f.left + f.mm(rng.gen_range(55.0..68.0))),
            value_w: if rng.gen_bool(0.6) {
                W::Bold
            } else {
                W::Regular
            },
        }
    }
}

fn kv(
    f: &mut Flow,
    st: &Style,
    rng: &mut Rng8,
    label: &str,
    value: &str,
    field: Option<(FieldKey, String)>,
) {
    let pt = f.pt;
    let mut v = Span::new(value, st.value_w, pt);
    v.field = field;
    if rng.gen_bool(st.next_line) {
        f.para(&[Span::new(label, W::Regular, pt)]);
        let indent = f.left + f.mm(8.0);
        let right = f.right;
        f.para_at(&[v], indent, indent, right);
    } else {
        f.para(&[Span::new(label, W::Regular, pt), v.tab(st.tab)]);
    }
}

/// Short pairs side by side ("Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam").
/// A value with the truth field it proves, if any.
type Valued = (String, Option<(FieldKey, String)>);
/// A label, its printed value and the truth field it proves, if any.
type Labelled<'a> = (&'a str, String, Option<(FieldKey, String)>);

fn kv_row(f: &mut Flow, st: &Style, items: &[Labelled]) {
    let pt = f.pt;
    let n = items.len() as f32;
    let width = (f.right - f.left) / n;
    let cells: Vec<Cell> = items
        .iter()
        .enumerate()
        .map(|(i, (label, value, field))| {
            let mut v = Span::new(value.clone(), st.value_w, pt);
            v.field = field.clone();
            Cell {
                spans: vec![Span::new(*label, W::Regular, pt), v],
                x0: f.left + width * i as f32,
                x1: f.left + width * (i as f32 + 1.0) - f.mm(2.0),
                align: Align::Left,
            }
        })
        .collect();
    f.cells(&cells);
}

fn printed_date(rng: &mut Rng8, d: Date) -> String {
    match rng.gen_range(0..5) {
        0 => d.dmy('-'),
        1 => d.long_vi(true),
        2 => d.long_vi(false),
        _ => d.dmy('/'),
    }
}

fn as_printed_name(rng: &mut Rng8, p: &Person, upper_prob: f64) -> String {
    if rng.gen_bool(upper_prob) {
        p.upper_name()
    } else {
        p.name()
    }
}

fn authority(rng: &mut Rng8, p: &Person) -> String {
    let unit = p.birth_place.unit_only().render(AddressStyle::Prose);
    let head = if rng.gen_bool(0.75) {
        "Ủy ban nhân dân"
    } else {
        "UBND"
    };
    // Prose addresses start capitalised; inside the name the unit word is lower case.
    let mut chars = unit.chars();
    let unit = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
        None => unit,
    };
    format!("{head} {unit}")
}

fn book(rng: &mut Rng8, year: i32) -> String {
    match rng.gen_range(0..3) {
        0 => format!("{:02}", rng.gen_range(1..6)),
        _ => format!("{:02}/{year}", rng.gen_range(1..6)),
    }
}

fn cert_number(rng: &mut Rng8) -> String {
    let n = rng.gen_range(1..600);
    if rng.gen_bool(0.3) {
        format!("{n:03}")
    } else {
        n.to_string()
    }
}

fn signer(rng: &mut Rng8) -> String {
    Person::random(rng, None, (date(1960, 1, 1), date(1985, 12, 31))).name()
}

fn new_flow<'a>(
    typo: &'a Typo<'a>,
    rng: &mut Rng8,
    dpi: f32,
    bg: Box<dyn Fn(usize) -> Canvas + 'a>,
    margins: [f32; 4],
    pt: (f32, f32),
) -> Flow<'a> {
    let mut f = Flow::new(typo, dpi, margins, rng.gen_range(pt.0..pt.1), bg);
    f.leading = rng.gen_range(1.3..1.6);
    f
}

pub struct Family {
    pub child: Person,
    pub mother: Person,
    pub father: Person,
}

pub fn family(rng: &mut Rng8) -> Family {
    let father = Person::random(rng, Some(false), (date(1972, 1, 1), date(1998, 12, 31)));
    let mother = Person::random(rng, Some(true), (date(1975, 1, 1), date(2000, 12, 31)));
    let older = father.dob.max(mother.dob);
    let from = older.add_years(20).max(date(2016, 1, 1));
    let to = date(2025, 6, 30).max(from.add_days(30));
    let child = Person::child_of(rng, &father, (from, to));
    Family {
        child,
        mother,
        father,
    }
}

pub fn birth_certificate(rng: &mut Rng8, typo: &Typo, dpi: f32, fam: &Family) -> Doc {
    let paper: Rgb = [252, 250, 240];
    let ink: Rgb = [170, 70, 60];
    let bg = Box::new(move |_| framed_paper(dpi, paper, ink, false));
    let mut f = new_flow(typo, rng, dpi, bg, [22.0, 20.0, 15.0, 15.0], (11.5, 13.0));
    // The longest certificate: keep it on one page as the real form is.
    f.leading = rng.gen_range(1.28..1.5);
    let st = Style::random(rng, &f);
    let c = &fam.child;
    emblem_at(&mut f, 16.0);
    motto_centered(&mut f);
    let pt = f.pt;
    f.centered("GIẤY KHAI SINH", W::Title, pt * 1.7, RED);
    if rng.gen_bool(0.5) {
        f.centered("(Bản chính)", W::Italic, pt * 0.9, BLACK);
    }
    f.gap(6.0);
    let registered = c.dob.add_days(rng.gen_range(3..60));
    let number = cert_number(rng);
    let book_no = book(rng, registered.year);
    if rng.gen_bool(0.5) {
        kv_row(
            &mut f,
            &st,
            &[
                (
                    "Số:",
                    number.clone(),
                    Some((FieldKey::CertificateNumber, number.clone())),
                ),
                (
                    "Quyển số:",
                    book_no.clone(),
                    Some((FieldKey::BookNumber, book_no.clone())),
                ),
            ],
        );
    } else {
        kv(
            &mut f,
            &st,
            rng,
            "Số:",
            &number,
            Some((FieldKey::CertificateNumber, number.clone())),
        );
        kv(
            &mut f,
            &st,
            rng,
            "Quyển số:",
            &book_no,
            Some((FieldKey::BookNumber, book_no.clone())),
        );
    }
    f.gap(3.0);
    let name_label = *pick(
        rng,
        &["Họ, chữ đệm, tên:", "Họ, chữ đệm và tên:", "Họ và tên:"],
    );
    let name = c.upper_name();
    kv(
        &mut f,
        &st,
        rng,
        name_label,
        &name,
        Some((FieldKey::FullName, name.clone())),
    );
    let dob_label = *pick(rng, &["Ngày, tháng, năm sinh:", "Sinh ngày:"]);
    kv(
        &mut f,
        &st,
        rng,
        dob_label,
        &c.dob.dmy('/'),
        Some((FieldKey::DateOfBirth, c.dob.iso())),
    );
    if rng.gen_bool(0.8) {
        kv(&mut f, &st, rng, "ghi bằng chữ:", &date_words(c.dob), None);
    }
    kv_row(
        &mut f,
        &st,
        &[
            (
                "Giới tính:",
                c.sex_vi().into(),
                Some((FieldKey::Sex, c.sex_truth().into())),
            ),
            (
                "Dân tộc:",
                c.ethnicity.into(),
                Some((FieldKey::Ethnicity, c.ethnicity.into())),
            ),
            (
                "Quốc tịch:",
                "Việt Nam".into(),
                Some((FieldKey::Nationality, "Việt Nam".into())),
            ),
        ],
    );
    let place_of_birth = if rng.gen_bool(0.7) {
        let province = c.birth_place.province;
        let kind = if province.city {
            "thành phố"
        } else {
            "tỉnh"
        };
        format!("{} {kind} {}", pick(rng, data::HOSPITALS), province.name)
    } else {
        format!(
            "Trạm Y tế {}",
            c.birth_place
                .unit_only()
                .render(AddressStyle::Prose)
                .to_lowercase_first()
        )
    };
    kv(
        &mut f,
        &st,
        rng,
        "Nơi sinh:",
        &place_of_birth,
        Some((FieldKey::PlaceOfBirth, place_of_birth.clone())),
    );
    let origin = c.origin.render(AddressStyle::Formal);
    kv(
        &mut f,
        &st,
        rng,
        "Quê quán:",
        &origin,
        Some((FieldKey::PlaceOfOrigin, origin.clone())),
    );
    kv(
        &mut f,
        &st,
        rng,
        "Số định danh cá nhân:",
        &c.id_number,
        Some((FieldKey::PersonalIdNumber, c.id_number.clone())),
    );
    f.gap(4.0);
    for (role, parent, key_name, key_year) in [
        (
            "mẹ",
            &fam.mother,
            FieldKey::MotherFullName,
            FieldKey::MotherBirthYear,
        ),
        (
            "cha",
            &fam.father,
            FieldKey::FatherFullName,
            FieldKey::FatherBirthYear,
        ),
    ] {
        let label = if rng.gen_bool(0.6) {
            format!("Họ, chữ đệm, tên người {role}:")
        } else {
            format!("Họ và tên {role}:")
        };
        let pname = as_printed_name(rng, parent, 0.7);
        kv(
            &mut f,
            &st,
            rng,
            &label,
            &pname,
            Some((key_name, pname.clone())),
        );
        let year = parent.dob.year.to_string();
        kv_row(
            &mut f,
            &st,
            &[
                ("Năm sinh:", year.clone(), Some((key_year, year.clone()))),
                ("Dân tộc:", parent.ethnicity.into(), None),
                ("Quốc tịch:", "Việt Nam".into(), None),
            ],
        );
        let res = parent.residence.render(AddressStyle::Prose);
        kv(&mut f, &st, rng, "Nơi cư trú:", &res, None);
        f.gap(2.0);
    }
    let declarant = if rng.gen_bool(0.5) {
        &fam.father
    } else {
        &fam.mother
    };
    kv(
        &mut f,
        &st,
        rng,
        "Họ, chữ đệm, tên người đi khai sinh:",
        &declarant.name(),
        None,
    );
    kv(
        &mut f,
        &st,
        rng,
        "Giấy tờ tùy thân:",
        &format!("Căn cước công dân số {}", declarant.id_number),
        None,
    );
    f.gap(3.0);
    let auth = authority(rng, c);
    let auth_label = *pick(rng, &["Nơi đăng ký khai sinh:", "Nơi đăng ký:"]);
    kv(
        &mut f,
        &st,
        rng,
        auth_label,
        &auth,
        Some((FieldKey::RegistrationAuthority, auth.clone())),
    );
    let reg_label = *pick(rng, &["Ngày, tháng, năm đăng ký:", "Ngày đăng ký:"]);
    let reg_print = printed_date(rng, registered);
    kv(
        &mut f,
        &st,
        rng,
        reg_label,
        &reg_print,
        Some((FieldKey::RegistrationDate, registered.iso())),
    );
    f.gap(6.0);
    let mid = (f.left + f.right) / 2.0;
    let right = f.right;
    let title = *pick(
        rng,
        &["NGƯỜI KÝ GIẤY KHAI SINH", "CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    );
    let official = signer(rng);
    f.signature_block(
        rng,
        mid,
        right,
        &[title],
        Some("(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)"),
        &official,
        true,
    );
    Doc {
        doc_type: DocumentType::BirthCertificate,
        template: "birth_certificate".into(),
        faces: f.pages,
        fonts: Vec::new(),
        fields: f.fields,
        codes: Vec::new(),
    }
}

trait LowerFirst {
    fn to_lowercase_first(&self) -> String;
}

impl LowerFirst for String {
    fn to_lowercase_first(&self) -> String {
        let mut chars = self.chars();
        match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

pub struct Couple {
    pub wife: Person,
    pub husband: Person,
    pub registered: Date,
}

pub fn couple(rng: &mut Rng8) -> Couple {
    let husband = Person::random(rng, Some(false), (date(1970, 1, 1), date(2001, 12, 31)));
    let wife = Person::random(rng, Some(true), (date(1972, 1, 1), date(2003, 12, 31)));
    let younger = husband.dob.max(wife.dob);
    let from = younger.add_years(20).max(date(2008, 1, 1));
    let to = date(2025, 9, 30).max(from.add_days(30));
    let registered = random_date(rng, from, to);
    Couple {
        wife,
        husband,
        registered,
    }
}

fn id_paper(rng: &mut Rng8, p: &Person, at: Date) -> (String, String) {
    if at.year < 2016 {
        let cmnd = p
            .old_id
            .clone()
            .unwrap_or_else(|| format!("{:09}", rng.gen_range(10_000_000..400_000_000u32)));
        let label = if rng.gen_bool(0.5) {
            "CMND số"
        } else {
            "Chứng minh nhân dân số"
        };
        (format!("{label} {cmnd}"), cmnd)
    } else {
        let label = if rng.gen_bool(0.5) {
            "CCCD số"
        } else {
            "Căn cước công dân số"
        };
        (format!("{label} {}", p.id_number), p.id_number.clone())
    }
}

pub fn marriage_certificate(rng: &mut Rng8, typo: &Typo, dpi: f32, cp: &Couple) -> Doc {
    let paper: Rgb = [253, 247, 238];
    let ink: Rgb = [185, 55, 55];
    let bg = Box::new(move |_| framed_paper(dpi, paper, ink, true));
    let mut f = new_flow(typo, rng, dpi, bg, [22.0, 20.0, 16.0, 16.0], (12.0, 13.5));
    let st = Style::random(rng, &f);
    emblem_at(&mut f, 16.0);
    motto_centered(&mut f);
    let pt = f.pt;
    f.centered("GIẤY CHỨNG NHẬN KẾT HÔN", W::Title, pt * 1.6, RED);
    f.gap(6.0);
    let number = cert_number(rng);
    let book_no = book(rng, cp.registered.year);
    kv_row(
        &mut f,
        &st,
        &[
            (
                "Số:",
                number.clone(),
                Some((FieldKey::CertificateNumber, number.clone())),
            ),
            (
                "Quyển số:",
                book_no.clone(),
                Some((FieldKey::BookNumber, book_no.clone())),
            ),
        ],
    );
    f.gap(4.0);
    let wife_name = as_printed_name(rng, &cp.wife, 0.8);
    let husband_name = as_printed_name(rng, &cp.husband, 0.8);
    let (wife_paper, wife_id) = id_paper(rng, &cp.wife, cp.registered);
    let (husband_paper, husband_id) = id_paper(rng, &cp.husband, cp.registered);
    struct Side<'p> {
        who: &'static str,
        name: String,
        person: &'p Person,
        paper: String,
        id: String,
        keys: [FieldKey; 3],
    }
    let wife = Side {
        who: "vợ",
        name: wife_name,
        person: &cp.wife,
        paper: wife_paper,
        id: wife_id,
        keys: [
            FieldKey::WifeFullName,
            FieldKey::WifeDateOfBirth,
            FieldKey::WifeIdNumber,
        ],
    };
    let husband = Side {
        who: "chồng",
        name: husband_name,
        person: &cp.husband,
        paper: husband_paper,
        id: husband_id,
        keys: [
            FieldKey::HusbandFullName,
            FieldKey::HusbandDateOfBirth,
            FieldKey::HusbandIdNumber,
        ],
    };
    let sides = if rng.gen_bool(0.5) {
        [wife, husband]
    } else {
        [husband, wife]
    };
    if rng.gen_bool(0.55) {
        // Two columns, one per spouse, as the 2020 form prints them.
        let mid = (f.left + f.right) / 2.0;
        let cols = [(f.left, mid - f.mm(4.0)), (mid + f.mm(2.0), f.right)];
        let rows: Vec<[Vec<Span>; 2]> = {
            let row = |label: &dyn Fn(&Side) -> String,
                       value: &dyn Fn(&Side) -> Valued|
             -> [Vec<Span>; 2] {
                let make = |s: &Side| {
                    let (v, field) = value(s);
                    let mut span = Span::new(v, st.value_w, pt);
                    span.field = field;
                    vec![Span::new(label(s), W::Regular, pt), span]
                };
                [make(&sides[0]), make(&sides[1])]
            };
            vec![
                row(&|s| format!("Họ, chữ đệm, tên {}:", s.who), &|s| {
                    (s.name.clone(), Some((s.keys[0], s.name.clone())))
                }),
                row(&|_| "Ngày, tháng, năm sinh:".into(), &|s| {
                    (s.person.dob.dmy('/'), Some((s.keys[1], s.person.dob.iso())))
                }),
                row(&|_| "Dân tộc:".into(), &|s| {
                    (s.person.ethnicity.into(), None)
                }),
                row(&|_| "Quốc tịch:".into(), &|_| ("Việt Nam".into(), None)),
                row(&|_| "Nơi cư trú:".into(), &|s| {
                    (s.person.residence.render(AddressStyle::Prose), None)
                }),
                row(&|_| "Giấy tờ tùy thân:".into(), &|s| {
                    (s.paper.clone(), Some((s.keys[2], s.id.clone())))
                }),
            ]
        };
        for [a, b] in rows {
            f.cells(&[
                Cell {
                    spans: a,
                    x0: cols[0].0,
                    x1: cols[0].1,
                    align: Align::Left,
                },
                Cell {
                    spans: b,
                    x0: cols[1].0,
                    x1: cols[1].1,
                    align: Align::Left,
                },
            ]);
            f.gap(2.0);
        }
    } else {
        for s in &sides {
            let heading = if s.who == "vợ" {
                "THÔNG TIN BÊN VỢ"
            } else {
                "THÔNG TIN BÊN CHỒNG"
            };
            f.para(&[Span::new(heading, W::Bold, pt)]);
            kv(
                &mut f,
                &st,
                rng,
                &format!("Họ, chữ đệm, tên {}:", s.who),
                &s.name,
                Some((s.keys[0], s.name.clone())),
            );
            kv(
                &mut f,
                &st,
                rng,
                "Ngày, tháng, năm sinh:",
                &s.person.dob.dmy('/'),
                Some((s.keys[1], s.person.dob.iso())),
            );
            kv_row(
                &mut f,
                &st,
                &[
                    ("Dân tộc:", s.person.ethnicity.into(), None),
                    ("Quốc tịch:", "Việt Nam".into(), None),
                ],
            );
            kv(
                &mut f,
                &st,
                rng,
                "Nơi cư trú:",
                &s.person.residence.render(AddressStyle::Prose),
                None,
            );
            kv(
                &mut f,
                &st,
                rng,
                "Giấy tờ tùy thân:",
                &s.paper,
                Some((s.keys[2], s.id.clone())),
            );
            f.gap(4.0);
        }
    }
    f.gap(3.0);
    let auth = authority(rng, &cp.husband);
    kv(
        &mut f,
        &st,
        rng,
        "Nơi đăng ký kết hôn:",
        &auth,
        Some((FieldKey::RegistrationAuthority, auth.clone())),
    );
    let reg_print = printed_date(rng, cp.registered);
    kv(
        &mut f,
        &st,
        rng,
        "Ngày, tháng, năm đăng ký:",
        &reg_print,
        Some((FieldKey::RegistrationDate, cp.registered.iso())),
    );
    f.gap(5.0);
    let third = (f.right - f.left) / 3.0;
    let (l, r) = (f.left, f.right);
    let top = f.y;
    f.cells(&[
        Cell {
            spans: vec![Span::new("Vợ", W::Bold, pt)],
            x0: l,
            x1: l + third,
            align: Align::Center,
        },
        Cell {
            spans: vec![Span::new("Chồng", W::Bold, pt)],
            x0: l + third,
            x1: l + 2.0 * third,
            align: Align::Center,
        },
    ]);
    let sig_y = f.y + f.mm(2.0);
    let i = f.page_index();
    let sig_w = f.mm(26.0);
    let sig_h = f.mm(10.0);
    crate::layout::draw_signature(
        &mut f.pages[i],
        rng,
        l + third / 2.0 - sig_w / 2.0,
        sig_y,
        sig_w,
        sig_h,
        dpi,
    );
    crate::layout::draw_signature(
        &mut f.pages[i],
        rng,
        l + 1.5 * third - sig_w / 2.0,
        sig_y,
        sig_w,
        sig_h,
        dpi,
    );
    f.y = top;
    let official = signer(rng);
    f.signature_block(
        rng,
        l + 2.0 * third,
        r,
        &["NGƯỜI KÝ GIẤY CHỨNG NHẬN"],
        Some("(Ký, ghi rõ họ tên, đóng dấu)"),
        &official,
        true,
    );
    Doc {
        doc_type: DocumentType::MarriageCertificate,
        template: "marriage_certificate".into(),
        faces: f.pages,
        fonts: Vec::new(),
        fields: f.fields,
        codes: Vec::new(),
    }
}

pub struct Business {
    pub company: Company,
    pub representative: Person,
    pub owner: Person,
    pub rep_issue: Date,
}

pub fn business(rng: &mut Rng8) -> Business {
    let representative = Person::random(rng, None, (date(1960, 1, 1), date(1998, 12, 31)));
    let owner = if rng.gen_bool(0.5) {
        representative.clone()
    } else {
        Person::random(rng, None, (date(1955, 1, 1), date(1995, 12, 31)))
    };
    let rep_issue = random_date(rng, date(2021, 2, 1), date(2024, 6, 1));
    Business {
        company: Company::random(rng),
        representative,
        owner,
        rep_issue,
    }
}

/// `one_page` sets a compact certificate for single-image files; otherwise the legal
/// representative goes on a second page, as long certificates run.
pub fn business_registration(
    rng: &mut Rng8,
    typo: &Typo,
    dpi: f32,
    b: &Business,
    one_page: bool,
) -> Doc {
    let border = rng.gen_bool(0.4);
    let bg = Box::new(move |_| {
        if border {
            framed_paper(dpi, [255, 255, 255], [40, 70, 140], false)
        } else {
            a4(dpi, [255, 255, 255])
        }
    });
    let pt_range = if one_page { (10.0, 11.0) } else { (12.0, 13.0) };
    let mut f = new_flow(typo, rng, dpi, bg, [22.0, 18.0, 16.0, 16.0], pt_range);
    if one_page {
        f.leading = rng.gen_range(1.25..1.4);
    }
    let st = Style::random(rng, &f);
    let c = &b.company;
    let pt = f.pt;
    let province_upper = if c.province.city {
        format!("THÀNH PHỐ {}", c.province.name.to_uppercase())
    } else {
        format!("TỈNH {}", c.province.name.to_uppercase())
    };
    let dept = if rng.gen_bool(0.8) {
        format!("SỞ KẾ HOẠCH VÀ ĐẦU TƯ {province_upper}")
    } else {
        format!("SỞ TÀI CHÍNH {province_upper}")
    };
    motto_two_columns(
        &mut f,
        &[dept, "PHÒNG ĐĂNG KÝ KINH DOANH".into()],
        pt * 0.92,
    );
    f.gap(4.0);
    f.centered(
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP",
        W::Title,
        pt * 1.35,
        BLACK,
    );
    f.centered(c.kind.title(), W::Title, pt * 1.1, BLACK);
    f.gap(4.0);
    let code_label = *pick(rng, &["Mã số doanh nghiệp:", "Mã số doanh nghiệp :"]);
    let mid = (f.left + f.right) / 2.0;
    let (l, r) = (f.left, f.right);
    f.cells(&[Cell {
        spans: vec![
            Span::new(code_label, W::Bold, pt * 1.05),
            Span::new(&c.code, W::Bold, pt * 1.15).field(FieldKey::EnterpriseCode, c.code.clone()),
        ],
        x0: l + f.mm(20.0),
        x1: r,
        align: Align::Left,
    }]);
    let first = random_date(rng, date(2012, 1, 1), date(2023, 12, 31));
    let first_print = printed_date(rng, first);
    let reg_label = *pick(rng, &["Đăng ký lần đầu:", "Đăng ký lần đầu, ngày"]);
    let first_print = if reg_label.ends_with("ngày") {
        first_print.trim_start_matches("ngày ").to_string()
    } else {
        first_print
    };
    f.cells(&[Cell {
        spans: vec![
            Span::new(reg_label, W::Regular, pt),
            Span::new(&first_print, W::Regular, pt)
                .field(FieldKey::FirstRegistrationDate, first.iso()),
        ],
        x0: l + f.mm(20.0),
        x1: r,
        align: Align::Left,
    }]);
    if rng.gen_bool(0.7) {
        let changed = random_date(
            rng,
            first.add_days(200),
            date(2025, 9, 30).max(first.add_days(201)),
        );
        f.cells(&[Cell {
            spans: vec![
                Span::new(
                    format!("Đăng ký thay đổi lần thứ {}:", rng.gen_range(1..9)),
                    W::Regular,
                    pt,
                ),
                Span::new(printed_date(rng, changed), W::Regular, pt),
            ],
            x0: l + f.mm(20.0),
            x1: r,
            align: Align::Left,
        }]);
    }
    f.gap(5.0);
    let _ = mid;
    let section = |f: &mut Flow, text: &str| {
        f.gap(2.0);
        let pt = f.pt;
        f.para(&[Span::new(text, W::Bold, pt)]);
    };
    section(&mut f, "1. Tên công ty");
    kv(
        &mut f,
        &st,
        rng,
        "Tên công ty viết bằng tiếng Việt:",
        &c.name_vi,
        Some((FieldKey::EnterpriseName, c.name_vi.clone())),
    );
    kv(
        &mut f,
        &st,
        rng,
        "Tên công ty viết bằng tiếng nước ngoài:",
        &c.name_en,
        None,
    );
    kv(
        &mut f,
        &st,
        rng,
        "Tên công ty viết tắt:",
        &c.short_name,
        None,
    );
    section(&mut f, "2. Địa chỉ trụ sở chính");
    let mut office = b.representative.residence.clone();
    office.province = c.province;
    let mut address = office.render(AddressStyle::Formal);
    if rng.gen_bool(0.5) {
        address.push_str(", Việt Nam");
    }
    f.para(&[
        Span::new(&address, st.value_w, pt).field(FieldKey::HeadOfficeAddress, address.clone())
    ]);
    f.para(&[Span::new(
        format!(
            "Điện thoại: 0{}{:08}    Email: lienhe@{}.vn",
            rng.gen_range(2..10),
            rng.gen_range(0..100_000_000u32),
            crate::codes::strip_diacritics(
                c.short_name.split_whitespace().next().unwrap_or("congty")
            )
            .to_lowercase()
        ),
        W::Regular,
        pt,
    )]);
    section(&mut f, "3. Vốn điều lệ");
    let capital: u64 = rng.gen_range(5..500u64) * 100_000_000;
    let capital_print = format!("{} đồng", dotted(capital));
    kv(
        &mut f,
        &st,
        rng,
        "Vốn điều lệ:",
        &capital_print,
        Some((FieldKey::CharterCapitalVnd, capital.to_string())),
    );
    kv(&mut f, &st, rng, "Bằng chữ:", &money_words(capital), None);
    if c.kind == CompanyKind::JointStock {
        kv(&mut f, &st, rng, "Mệnh giá cổ phần:", "10.000 đồng", None);
        kv(
            &mut f,
            &st,
            rng,
            "Tổng số cổ phần:",
            &dotted(capital / 10_000),
            None,
        );
    }
    if !one_page {
        f.new_page();
    }
    let rep = &b.representative;
    let person_block =
        |f: &mut Flow, rng: &mut Rng8, p: &Person, keys: Option<(FieldKey, FieldKey)>| {
            let pt = f.pt;
            let name = p.upper_name();
            let mut name_span = Span::new(&name, W::Bold, pt);
            if let Some((k, _)) = keys {
                name_span = name_span.field(k, name.clone());
            }
            f.para(&[
                Span::new("Họ và tên:", W::Regular, pt),
                name_span,
                Span::new("    Giới tính:", W::Regular, pt),
                Span::new(p.sex_vi(), W::Regular, pt),
            ]);
            if keys.is_some() {
                f.para(&[
                    Span::new("Chức danh:", W::Regular, pt),
                    Span::new(
                        *pick(
                            rng,
                            &["Giám đốc", "Tổng giám đốc", "Chủ tịch Hội đồng thành viên"],
                        ),
                        W::Regular,
                        pt,
                    ),
                ]);
            }
            f.para(&[
                Span::new("Sinh ngày:", W::Regular, pt),
                Span::new(p.dob.dmy('/'), W::Regular, pt),
                Span::new("    Dân tộc:", W::Regular, pt),
                Span::new(p.ethnicity, W::Regular, pt),
                Span::new("    Quốc tịch:", W::Regular, pt),
                Span::new("Việt Nam", W::Regular, pt),
            ]);
            let doc_label = if rng.gen_bool(0.6) {
                "Loại giấy tờ pháp lý của cá nhân:"
            } else {
                "Loại giấy tờ chứng thực cá nhân:"
            };
            f.para(&[
                Span::new(doc_label, W::Regular, pt),
                Span::new("Căn cước công dân", W::Regular, pt),
            ]);
            let num_label = if rng.gen_bool(0.6) {
                "Số giấy tờ pháp lý của cá nhân:"
            } else {
                "Số giấy chứng thực cá nhân:"
            };
            let mut id_span = Span::new(&p.id_number, W::Regular, pt);
            if let Some((_, k)) = keys {
                id_span = id_span.field(k, p.id_number.clone());
            }
            f.para(&[Span::new(num_label, W::Regular, pt), id_span]);
            f.para(&[
                Span::new("Ngày cấp:", W::Regular, pt),
                Span::new(b.rep_issue.dmy('/'), W::Regular, pt),
                Span::new("    Nơi cấp:", W::Regular, pt),
                Span::new(
                    "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                    W::Regular,
                    pt,
                ),
            ]);
            let label = if rng.gen_bool(0.5) {
                "Địa chỉ thường trú:"
            } else {
                "Nơi đăng ký hộ khẩu thường trú:"
            };
            f.para(&[
                Span::new(label, W::Regular, pt),
                Span::new(p.residence.render(AddressStyle::Formal), W::Regular, pt),
            ]);
            f.para(&[
                Span::new("Địa chỉ liên lạc:", W::Regular, pt),
                Span::new(p.residence.render(AddressStyle::Formal), W::Regular, pt),
            ]);
        };
    match c.kind {
        CompanyKind::SingleMemberLlc => {
            section(&mut f, "4. Thông tin về chủ sở hữu");
            person_block(&mut f, rng, &b.owner, None);
        }
        CompanyKind::MultiMemberLlc => {
            section(&mut f, "4. Danh sách thành viên góp vốn");
            f.para(&[Span::new(
                "(Chi tiết tại danh sách thành viên kèm theo)",
                W::Italic,
                pt,
            )]);
        }
        CompanyKind::JointStock => {
            section(&mut f, "4. Danh sách cổ đông sáng lập");
            f.para(&[Span::new(
                "(Chi tiết tại danh sách cổ đông sáng lập kèm theo)",
                W::Italic,
                pt,
            )]);
        }
    }
    section(&mut f, "5. Người đại diện theo pháp luật của công ty");
    person_block(
        &mut f,
        rng,
        rep,
        Some((
            FieldKey::LegalRepresentativeName,
            FieldKey::LegalRepresentativeIdNumber,
        )),
    );
    f.gap(6.0);
    let mid = (f.left + f.right) / 2.0;
    let right = f.right;
    let official = signer(rng);
    f.signature_block(rng, mid, right, &["TRƯỞNG PHÒNG"], None, &official, true);
    Doc {
        doc_type: DocumentType::BusinessRegistration,
        template: if one_page {
            "business_registration/one_page".into()
        } else {
            "business_registration/two_pages".into()
        },
        faces: f.pages,
        fonts: Vec::new(),
        fields: f.fields,
        codes: Vec::new(),
    }
}

pub struct Household {
    pub citizen: Person,
    pub head: Person,
    pub relation: &'static str,
    pub members: Vec<(Person, &'static str)>,
    pub temporary: Option<String>,
    pub current: String,
    pub issued: Date,
}

/// How `member` is related to the household head, plausible for their sexes and ages.
fn relation_to(
    rng: &mut Rng8,
    member: &Person,
    head: &Person,
    spouse_taken: &mut bool,
) -> &'static str {
    let older_by = member.dob.years_until(head.dob);
    let younger_by = head.dob.years_until(member.dob);
    if younger_by >= 16 {
        let rel = *pick(rng, data::RELATIONS_CHILD);
        return rel;
    }
    if older_by >= 16 {
        return if member.female { "Mẹ" } else { "Bố" };
    }
    if member.female != head.female && !*spouse_taken {
        *spouse_taken = true;
        return if member.female { "Vợ" } else { "Chồng" };
    }
    match (older_by > 0, member.female) {
        (true, true) => "Chị",
        (true, false) => "Anh",
        _ => "Em",
    }
}

pub fn household(rng: &mut Rng8, citizen: Person) -> Household {
    let is_head = rng.gen_bool(0.45);
    let mut spouse_taken = false;
    let (head, relation) = if is_head {
        (citizen.clone(), "Chủ hộ")
    } else {
        let head = Person::random(rng, None, (date(1950, 1, 1), date(1985, 12, 31)));
        let rel = relation_to(rng, &citizen, &head, &mut spouse_taken);
        (head, rel)
    };
    let mut members = Vec::new();
    if !is_head {
        members.push((head.clone(), "Chủ hộ"));
    }
    for _ in 0..rng.gen_range(0..3) {
        let m = Person::random(rng, None, (date(1950, 1, 1), date(2020, 12, 31)));
        let rel = relation_to(rng, &m, &head, &mut spouse_taken);
        members.push((m, rel));
    }
    let temporary = rng.gen_bool(0.5).then(|| {
        let p = Person::random(rng, None, (date(1980, 1, 1), date(1990, 1, 1)));
        p.residence.render(AddressStyle::Prose)
    });
    let current = temporary
        .clone()
        .unwrap_or_else(|| citizen.residence.render(AddressStyle::Prose));
    let issued = random_date(rng, date(2022, 1, 1), date(2025, 10, 31));
    Household {
        citizen,
        head,
        relation,
        members,
        temporary,
        current,
        issued,
    }
}

pub fn residence_confirmation(rng: &mut Rng8, typo: &Typo, dpi: f32, h: &Household) -> Doc {
    let bg = Box::new(move |_| a4(dpi, [255, 255, 255]));
    let mut f = new_flow(typo, rng, dpi, bg, [22.0, 18.0, 14.0, 16.0], (11.5, 13.0));
    let st = Style::random(rng, &f);
    let pt = f.pt;
    let c = &h.citizen;
    let unit = &c.residence;
    let circular = if rng.gen_bool(0.6) {
        "Mẫu CT07 ban hành kèm theo Thông tư số 66/2023/TT-BCA ngày 17/11/2023 của Bộ trưởng Bộ Công an"
    } else {
        "Mẫu CT07 ban hành kèm theo Thông tư số 56/2021/TT-BCA ngày 15/5/2021 của Bộ trưởng Bộ Công an"
    };
    let (l, r) = (f.left, f.right);
    f.cells(&[Cell {
        spans: vec![Span::new(circular, W::Italic, pt * 0.75)],
        x0: l + (r - l) * 0.55,
        x1: r,
        align: Align::Center,
    }]);
    f.gap(3.0);
    let province_line = if unit.province.city {
        format!("CÔNG AN THÀNH PHỐ {}", unit.province.name.to_uppercase())
    } else {
        format!("CÔNG AN TỈNH {}", unit.province.name.to_uppercase())
    };
    let ward_line = format!(
        "CÔNG AN {} {}",
        unit.ward_kind.to_uppercase(),
        unit.ward.to_uppercase()
    );
    motto_two_columns(&mut f, &[province_line, ward_line], pt * 0.92);
    let number = format!("Số: {}/XN", rng.gen_range(100..9999));
    let place_date = format!("{}, {}", unit.province.name, h.issued.long_vi(true));
    let mid = l + (r - l) * 0.42;
    f.cells(&[
        Cell {
            spans: vec![Span::new(number, W::Regular, pt)],
            x0: l,
            x1: mid,
            align: Align::Center,
        },
        Cell {
            spans: vec![Span::new(place_date, W::Italic, pt)],
            x0: mid,
            x1: r,
            align: Align::Center,
        },
    ]);
    f.gap(8.0);
    f.centered("XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", W::Title, pt * 1.3, BLACK);
    f.gap(6.0);
    f.para(&[Span::new(
        format!(
            "Công an {} {} xác nhận thông tin về cư trú của công dân như sau:",
            unit.ward_kind.to_lowercase(),
            unit.ward
        ),
        W::Regular,
        pt,
    )]);
    f.gap(2.0);
    let numbered = rng.gen_bool(0.7);
    let n = |i: u32, label: &str| {
        if numbered {
            format!("{i}. {label}")
        } else {
            label.to_string()
        }
    };
    let name = as_printed_name(rng, c, 0.7);
    kv(
        &mut f,
        &st,
        rng,
        &n(1, "Họ, chữ đệm và tên:"),
        &name,
        Some((FieldKey::FullName, name.clone())),
    );
    kv_row(
        &mut f,
        &st,
        &[
            (
                &n(2, "Ngày, tháng, năm sinh:"),
                c.dob.dmy('/'),
                Some((FieldKey::DateOfBirth, c.dob.iso())),
            ),
            (
                &n(3, "Giới tính:"),
                c.sex_vi().into(),
                Some((FieldKey::Sex, c.sex_truth().into())),
            ),
        ],
    );
    let id_label = *pick(
        rng,
        &["Số định danh cá nhân:", "Số định danh cá nhân/CCCD:"],
    );
    kv(
        &mut f,
        &st,
        rng,
        &n(4, id_label),
        &c.id_number,
        Some((FieldKey::IdNumber, c.id_number.clone())),
    );
    let permanent = c.residence.render(AddressStyle::Prose);
    kv(
        &mut f,
        &st,
        rng,
        &n(5, "Nơi thường trú:"),
        &permanent,
        Some((FieldKey::PermanentResidence, permanent.clone())),
    );
    match &h.temporary {
        Some(t) => kv(
            &mut f,
            &st,
            rng,
            &n(6, "Nơi tạm trú:"),
            t,
            Some((FieldKey::TemporaryResidence, t.clone())),
        ),
        // An empty line, not a value: the truth must not list it.
        None => f.para(&[Span::new(n(6, "Nơi tạm trú:"), W::Regular, pt)]),
    }
    kv(
        &mut f,
        &st,
        rng,
        &n(7, "Nơi ở hiện tại:"),
        &h.current,
        Some((FieldKey::CurrentResidence, h.current.clone())),
    );
    let head_name = if name == c.upper_name() {
        h.head.upper_name()
    } else {
        h.head.name()
    };
    let head_name = if h.relation == "Chủ hộ" {
        name.clone()
    } else {
        head_name
    };
    kv(
        &mut f,
        &st,
        rng,
        &n(8, "Họ, chữ đệm và tên chủ hộ:"),
        &head_name,
        Some((FieldKey::HouseholdHeadName, head_name.clone())),
    );
    kv(
        &mut f,
        &st,
        rng,
        &n(9, "Quan hệ với chủ hộ:"),
        h.relation,
        Some((FieldKey::RelationToHouseholdHead, h.relation.into())),
    );
    if !h.members.is_empty() {
        f.para(&[Span::new(
            n(10, "Thông tin về các thành viên khác trong hộ gia đình:"),
            W::Regular,
            pt,
        )]);
        let small = pt * 0.85;
        let widths = [0.07, 0.3, 0.17, 0.11, 0.2, 0.15];
        let mut xs = vec![l];
        for w in widths {
            let last = xs[xs.len() - 1];
            xs.push(last + (r - l) * w);
        }
        let thick = f.mm(0.25).max(1.0);
        let header = [
            "TT",
            "Họ, chữ đệm và tên",
            "Ngày, tháng, năm sinh",
            "Giới tính",
            "Số định danh cá nhân",
            "Quan hệ với chủ hộ",
        ];
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
        for (i, (m, rel)) in h.members.iter().enumerate() {
            rows.push(vec![
                (i + 1).to_string(),
                m.name(),
                m.dob.dmy('/'),
                m.sex_vi().to_string(),
                m.id_number.clone(),
                rel.to_string(),
            ]);
        }
        for (ri, row) in rows.iter().enumerate() {
            // A row never splits, so break before drawing its top rule.
            f.ensure(f.px(small) * f.leading + f.mm(1.0));
            let row_top = f.y;
            f.hline(l, r, thick, BLACK);
            f.gap(1.5);
            let cells: Vec<Cell> = row
                .iter()
                .enumerate()
                .map(|(ci, text)| Cell {
                    spans: vec![Span::new(
                        text,
                        if ri == 0 { W::Bold } else { W::Regular },
                        small,
                    )],
                    x0: xs[ci] + f.mm(1.0),
                    x1: xs[ci + 1] - f.mm(1.0),
                    align: Align::Center,
                })
                .collect();
            let (_, bottom) = f.cells(&cells);
            for x in &xs {
                f.vline(*x, row_top, bottom, thick, BLACK);
            }
        }
        f.hline(l, r, thick, BLACK);
        f.gap(4.0);
    }
    f.gap(3.0);
    f.para(&[Span::new(
        "Xác nhận này có giá trị 30 ngày kể từ ngày cấp.",
        W::Italic,
        pt * 0.95,
    )]);
    f.gap(4.0);
    let mid = (l + r) / 2.0;
    let title = *pick(
        rng,
        &["TRƯỞNG CÔNG AN", "THỦ TRƯỞNG CƠ QUAN", "KT. TRƯỞNG CÔNG AN"],
    );
    let official = signer(rng);
    f.signature_block(
        rng,
        mid,
        r,
        &[title],
        Some("(Ký, ghi rõ họ tên, đóng dấu)"),
        &official,
        true,
    );
    Doc {
        doc_type: DocumentType::ResidenceConfirmation,
        template: "residence_confirmation_ct07".into(),
        faces: f.pages,
        fonts: Vec::new(),
        fields: f.fields,
        codes: Vec::new(),
    }
}
