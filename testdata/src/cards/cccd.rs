//! The chip-based "Căn cước công dân" card issued 2021 to mid-2024: holder and residence
//! on the front; issue date, fingerprints and the machine-readable zone on the back.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn cccd_2021(
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
    let mut c = card_canvas(dpi, [216, 236, 230], [196, 220, 236]);
    guilloche(&mut c, rng, k, [176, 208, 214]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 0,
        draw: true,
    };
    emblem(&mut pen.c, 10.0 * k, 10.0 * k, 6.0 * k);
    let cx = 43.5;
    let head = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let hp = pen.fit(head, W::Bold, 6.6, 50.0);
    pen.center(cx, 6.0, head, W::Bold, hp, BLACK);
    pen.center(
        cx,
        9.0,
        "Độc lập - Tự do - Hạnh phúc",
        W::Bold,
        hp * 0.95,
        BLACK,
    );
    pen.center(
        cx,
        11.7,
        "SOCIALIST REPUBLIC OF VIET NAM",
        W::Regular,
        5.0,
        BLACK,
    );
    pen.center(
        cx,
        14.1,
        "Independence - Freedom - Happiness",
        W::Regular,
        4.8,
        BLACK,
    );
    let title = "CĂN CƯỚC CÔNG DÂN";
    let tp = pen.fit(title, W::Title, 10.5, 48.0);
    pen.center(cx, 19.6, title, W::Title, tp, RED);
    pen.center(cx, 22.4, "Citizen Identity Card", W::Regular, 5.4, BLACK);
    draw_qr(&mut pen, payload, 69.5, 3.2, 14.0)?;
    photo(&mut pen.c, rng, 3.5 * k, 19.5 * k, 19.0 * k, 25.0 * k);

    let expiry_print = facts
        .expiry
        .map_or_else(|| "Không thời hạn".to_string(), dmy);
    pen.put(3.5, 47.2, "Có giá trị đến:", W::Regular, 5.0, BLACK);
    pen.put(3.5, 49.5, "Date of expiry", W::Italic, 4.4, BLACK);
    let ep = pen.fit(&expiry_print, W::Bold, 6.4, 20.0);
    pen.put(3.5, 52.4, &expiry_print, W::Bold, ep, BLACK);
    pen.record(
        FieldKey::DateOfExpiry,
        facts
            .expiry
            .map_or_else(|| "unlimited".to_string(), |d| d.iso()),
    );

    let name = person.upper_name();
    let origin = person.origin.render(if rng.gen_bool(0.5) {
        AddressStyle::Card
    } else {
        AddressStyle::Formal
    });
    let origin_next = rng.gen_bool(0.4);
    let slash = if rng.gen_bool(0.7) { " / " } else { "/" };
    let x0 = 25.0;
    let x1 = 83.8;
    let mut scale = 1.0;
    for attempt in 0..6 {
        pen.draw = false;
        let end = cccd_front_fields(
            &mut pen,
            scale,
            x0,
            x1,
            slash,
            person,
            &name,
            &origin,
            origin_next,
            residence,
        );
        if end <= 52.6 || attempt == 5 {
            break;
        }
        scale *= 0.93;
    }
    pen.draw = true;
    cccd_front_fields(
        &mut pen,
        scale,
        x0,
        x1,
        slash,
        person,
        &name,
        &origin,
        origin_next,
        residence,
    );
    let front = pen.c;
    let front_fonts = typo.take_used();
    let mut fields = std::mem::take(&mut pen.fields);

    let mut c = card_canvas(dpi, [222, 238, 236], [206, 226, 238]);
    guilloche(&mut c, rng, k, [186, 214, 220]);
    let mut pen = Pen {
        c,
        typo,
        k,
        fields: Vec::new(),
        face: 1,
        draw: true,
    };
    let mark = format!(
        "{} C:{}cm {}",
        pick(rng, data::MARK_KINDS),
        pick(rng, &["1", "1,5", "2", "2,5", "3"]),
        pick(rng, data::MARK_PLACES)
    );
    let mut y = pen.labelled(
        3.5,
        5.2,
        50.0,
        &format!("Đặc điểm nhân dạng{slash}Personal identification:"),
        5.0,
        &mark,
        W::Regular,
        5.8,
        true,
        2.7,
    );
    y += 1.2;
    let issue_label = format!("Ngày, tháng, năm{slash}Date, month, year:");
    let y_after = pen.labelled(
        3.5,
        y,
        50.0,
        &issue_label,
        5.0,
        &dmy(facts.issue),
        W::Bold,
        6.0,
        false,
        2.7,
    );
    pen.record(FieldKey::DateOfIssue, facts.issue.iso());
    let mut y = y_after + 0.6;
    for line in [
        "CỤC TRƯỞNG CỤC CẢNH SÁT",
        "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
    ] {
        let p = pen.fit(line, W::Bold, 5.2, 46.0);
        pen.center(26.5, y, line, W::Bold, p, BLACK);
        y += 2.4;
    }
    for line in [
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT",
        "FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER",
    ] {
        let p = pen.fit(line, W::Regular, 4.2, 46.0);
        pen.center(26.5, y, line, W::Regular, p, BLACK);
        y += 2.0;
    }
    let stamp_mm = y.min(31.0);
    draw_small_stamp(&mut pen.c, 17.0 * k, (stamp_mm + 3.5) * k, k);
    draw_signature(
        &mut pen.c,
        rng,
        20.0 * k,
        stamp_mm * k,
        18.0 * k,
        5.0 * k,
        dpi,
    );
    let officer = Person::random(rng, None, (date(1965, 1, 1), date(1975, 12, 31))).name();
    pen.center(
        26.5,
        (stamp_mm + 8.0).min(37.5),
        &officer,
        W::Bold,
        5.6,
        BLACK,
    );
    chip(&mut pen.c, 56.0 * k, 4.0 * k, 11.5 * k, 9.0 * k);
    for (i, (vi, en)) in [
        ("Ngón trỏ trái", "Left index finger"),
        ("Ngón trỏ phải", "Right index finger"),
    ]
    .iter()
    .enumerate()
    {
        let fx = 53.0 + i as f32 * 15.5;
        pen.c.ink_rect(
            fx * k,
            15.0 * k,
            (fx + 14.0) * k,
            31.0 * k,
            0.15,
            [120, 130, 140],
        );
        fingerprint(&mut pen.c, rng, (fx + 7.0) * k, 23.0 * k, 5.0 * k, 6.5 * k);
        pen.center(fx + 7.0, 33.6, vi, W::Regular, 4.4, BLACK);
        pen.center(fx + 7.0, 35.6, en, W::Italic, 3.9, BLACK);
    }
    draw_mrz(&mut pen, mrz);
    fields.append(&mut pen.fields);
    Ok((front, pen.c, fields, [front_fonts, typo.take_used()]))
}

#[allow(clippy::too_many_arguments)]
fn cccd_front_fields(
    pen: &mut Pen,
    s: f32,
    x0: f32,
    x1: f32,
    slash: &str,
    person: &Person,
    name: &str,
    origin: &str,
    origin_next: bool,
    residence: &str,
) -> f32 {
    let lp = 5.4 * s;
    let vp = 6.5 * s;
    let pitch = 2.75 * s;
    let mut y = 27.2;
    let end = pen.put(x0, y, &format!("Số{slash}No.:"), W::Regular, lp, BLACK);
    let np = pen.fit(&person.id_number, W::Bold, 9.5 * s, x1 - end - 2.0);
    pen.put(end + 1.8, y, &person.id_number, W::Bold, np, BLACK);
    pen.record(FieldKey::IdNumber, person.id_number.clone());
    y += pitch * 1.25;
    pen.put(
        x0,
        y,
        &format!("Họ và tên{slash}Full name:"),
        W::Regular,
        lp,
        BLACK,
    );
    y += pitch * 1.2;
    let namep = pen.fit(name, W::Bold, 8.0 * s, x1 - x0);
    pen.put(x0, y, name, W::Bold, namep, BLACK);
    pen.record(FieldKey::FullName, name);
    y += pitch * 1.15;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Ngày sinh{slash}Date of birth:"),
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
    let nat_x = x0 + 22.0;
    let end = pen.put(
        nat_x,
        y,
        &format!("Quốc tịch{slash}Nationality:"),
        W::Regular,
        lp,
        BLACK,
    );
    pen.put(end + 1.0, y, "Việt Nam", W::Regular, vp, BLACK);
    pen.record(FieldKey::Nationality, "Việt Nam");
    y += pitch;
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Quê quán{slash}Place of origin:"),
        lp,
        origin,
        W::Regular,
        vp,
        origin_next,
        pitch,
    );
    pen.record(FieldKey::PlaceOfOrigin, origin);
    y = pen.labelled(
        x0,
        y,
        x1,
        &format!("Nơi thường trú{slash}Place of residence:"),
        lp,
        residence,
        W::Regular,
        vp,
        false,
        pitch,
    );
    pen.record(FieldKey::PlaceOfResidence, residence);
    y - pitch
}
