//! The enterprise registration certificate, on one page or two, with the company and the
//! people it names.

use super::*;

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
    let office = if crate::units::drawing_real_units() {
        // A real commune belongs to one province: draw one in the company's.
        crate::people::Address::random(rng, c.province, true)
    } else {
        let mut office = b.representative.residence.clone();
        office.province = c.province;
        office
    };
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
