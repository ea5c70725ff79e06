//! The birth certificate, the longest of the four forms, with the family it is issued for.

use super::*;

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
