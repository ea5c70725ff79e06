//! The marriage certificate and the couple it records; the spouses' id papers are printed
//! the way the registration year had them (CMND before 2016, CCCD after).

use super::*;

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
