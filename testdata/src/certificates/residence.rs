//! The residence confirmation (form CT07) and the household it lists, with relations
//! to the head that are plausible for the members' sexes and ages.

use super::*;

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
