//! The "Căn cước" card issued from July 2024, which moved the residence to the back beside
//! the birth-registration place and the issue and expiry dates.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn cancuoc_2024(
    rng: &mut Rng8,
    typo: &Typo,
    dpi: f32,
    person: &Person,
    facts: &CardFacts,
    residence: &str,
    payload: &str,
    mrz: &[String; 3],
) -> Result<Faces, GenerateError> {
    let k = dpi / 25.4;
    let mut c = card_canvas(dpi, [226, 234, 244], [240, 232, 220]);
    for i in 0..9 {
        c.ring(
            30.0 * k,
            30.0 * k,
            (4.0 + i as f32 * 2.6) * k,
            (0.15 * k).max(0.8),
            [206, 214, 230],
        );
    }
    guilloche(&mut c, rng, k, [214, 220, 234]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 0,
        draw: true,
    };
    emblem(&mut pen.c, 9.5 * k, 9.5 * k, 5.8 * k);
    let cx = 42.5;
    let head = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let hp = pen.fit(head, W::Bold, 6.4, 48.0);
    pen.center(cx, 6.0, head, W::Bold, hp, BLACK);
    pen.center(
        cx,
        8.8,
        "SOCIALIST REPUBLIC OF VIET NAM",
        W::Regular,
        5.0,
        BLACK,
    );
    pen.center(cx, 15.4, "CĂN CƯỚC", W::Title, 12.0, [30, 60, 140]);
    pen.center(cx, 18.8, "IDENTITY CARD", W::Regular, 5.8, [30, 60, 140]);
    draw_qr(&mut pen, payload, 68.5, 3.0, 15.0)?;
    photo(&mut pen.c, rng, 3.5 * k, 21.5 * k, 19.0 * k, 25.0 * k);

    let name = person.upper_name();
    let x0 = 25.0;
    let x1 = 83.8;
    let slash = if rng.gen_bool(0.8) { "/" } else { " / " };
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cancuoc_front_fields(&mut pen, scale, x0, x1, slash, person, &name);
        if end <= 52.5 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cancuoc_front_fields(&mut pen, scale, x0, x1, slash, person, &name);
    let front = pen.c;
    let front_fonts = typo.take_used();
    let mut fields = std::mem::take(&mut pen.fields);

    let mut c = card_canvas(dpi, [236, 232, 222], [224, 232, 242]);
    guilloche(&mut c, rng, k, [222, 222, 232]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 1,
        draw: true,
    };
    let birth_reg = person.birth_place.unit_only().render(if rng.gen_bool(0.5) {
        AddressStyle::Formal
    } else {
        AddressStyle::Prose
    });
    let expiry_print = facts
        .expiry
        .map_or_else(|| "Không thời hạn".to_string(), dmy);
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cancuoc_back_fields(
            &mut pen,
            scale,
            slash,
            residence,
            &birth_reg,
            facts,
            &expiry_print,
        );
        if end <= 38.0 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cancuoc_back_fields(
        &mut pen,
        scale,
        slash,
        residence,
        &birth_reg,
        facts,
        &expiry_print,
    );
    chip(&mut pen.c, 68.0 * k, 5.0 * k, 11.5 * k, 9.0 * k);
    pen.center(73.5, 22.0, "BỘ CÔNG AN", W::Bold, 6.0, BLACK);
    let ministry = "MINISTRY OF PUBLIC SECURITY";
    let mp = pen.fit(ministry, W::Regular, 4.4, 22.0);
    pen.center(73.5, 24.6, ministry, W::Regular, mp, BLACK);
    draw_small_stamp(&mut pen.c, 70.0 * k, 31.0 * k, k);
    draw_signature(&mut pen.c, rng, 66.0 * k, 28.0 * k, 14.0 * k, 5.0 * k, dpi);
    draw_mrz(&mut pen, mrz);
    fields.append(&mut pen.fields);
    Ok((front, pen.c, fields, [front_fonts, typo.take_used()]))
}

#[allow(clippy::too_many_arguments)]
fn cancuoc_front_fields(
    pen: &mut Pen,
    s: f32,
    x0: f32,
    x1: f32,
    slash: &str,
    person: &Person,
    name: &str,
) -> f32 {
    let lp = 5.0 * s;
    let vp = 6.5 * s;
    let pitch = 2.75 * s;
    let mut y = 24.5;
    let label = format!("Số định danh cá nhân{slash}Personal identification number:");
    let p = pen.fit(&label, W::Regular, lp, x1 - x0);
    pen.put(x0, y, &label, W::Regular, p, BLACK);
    y += pitch * 1.45;
    pen.put(x0, y, &person.id_number, W::Bold, 9.5 * s, BLACK);
    pen.record(FieldKey::IdNumber, person.id_number.clone());
    y += pitch * 1.2;
    let label = format!("Họ, chữ đệm và tên khai sinh{slash}Surname, middle and given name:");
    let p = pen.fit(&label, W::Regular, lp, x1 - x0);
    pen.put(x0, y, &label, W::Regular, p, BLACK);
    y += pitch * 1.3;
    let np = pen.fit(name, W::Bold, 8.0 * s, x1 - x0);
    pen.put(x0, y, name, W::Bold, np, BLACK);
    pen.record(FieldKey::FullName, name);
    y += pitch * 1.2;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm sinh{slash}Date of birth:"),
        lp,
        &dmy(person.dob),
        W::Regular,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::DateOfBirth, person.dob.iso());
    let end = pen.put(
        x0,
        y,
        &format!("Giới tính{slash}Sex:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, person.sex_vi(), W::Regular, vp, BLACK);
    pen.record(FieldKey::Sex, person.sex_truth());
    let end = pen.put(
        x0 + 20.0,
        y,
        &format!("Quốc tịch{slash}Nationality:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, "Việt Nam", W::Regular, vp, BLACK);
    pen.record(FieldKey::Nationality, "Việt Nam");
    y
}

fn cancuoc_back_fields(
    pen: &mut Pen,
    s: f32,
    slash: &str,
    residence: &str,
    birth_reg: &str,
    facts: &CardFacts,
    expiry_print: &str,
) -> f32 {
    let (x0, x1) = (3.5, 63.0);
    let lp = 5.0 * s;
    let vp = 6.2 * s;
    let pitch = 2.7 * s;
    let mut y = 5.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi cư trú{slash}Place of residence:"),
        lp,
        residence,
        W::Regular,
        vp,
        true,
        pitch,
    );
    pen.record(FieldKey::PlaceOfResidence, residence);
    y += 0.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi đăng ký khai sinh{slash}Place of birth registration:"),
        lp,
        birth_reg,
        W::Regular,
        vp,
        true,
        pitch,
    );
    pen.record(FieldKey::PlaceOfBirthRegistration, birth_reg);
    y += 0.5;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm cấp{slash}Date of issue:"),
        lp,
        &dmy(facts.issue),
        W::Bold,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::DateOfIssue, facts.issue.iso());
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày, tháng, năm hết hạn{slash}Date of expiry:"),
        lp,
        expiry_print,
        W::Bold,
        vp,
        false,
        pitch,
    );
    pen.record(
        FieldKey::DateOfExpiry,
        facts
            .expiry
            .map_or_else(|| "unlimited".to_string(), |d| d.iso()),
    );
    y - pitch
}
