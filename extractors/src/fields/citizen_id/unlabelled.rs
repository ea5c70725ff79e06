//! Card fields read where their label was lost: by their place in the face's field
//! column, by what only they print, or by the zone's letters.

use super::*;

/// A nationality read without its label counts for less than one read beside it.
pub(super) const UNLABELLED_NATIONALITY: f32 = 0.7;

/// Most words a card's sex and nationality line holds when both labels faded away.
pub(super) const BARE_SEX_LINE_WORDS: usize = 4;

/// Fewest letters of a garbled label whose closing mark vouches for the value after it.
pub(super) const LABEL_REMAINS: usize = 4;

/// The nationality at the end of the line that prints the sex, when its own label was
/// garbled past recognition (`Giới tính/Sex: Nữ Quốc tewNasonaey. Việt Nam`) or faded
/// away with the sex's (`Nữ Việt Nam`). Both card templates print the two on one line.
pub(super) fn nationality_beside_sex(layout: &Layout, hits: &Hits) -> Option<Field> {
    let viet_nam = label_key("Việt Nam");
    layout.lines.iter().enumerate().find_map(|(li, line)| {
        let words: Vec<_> = line.tokens.iter().filter(|t| !t.is_punct()).collect();
        let [.., first, second] = words.as_slice() else {
            return None;
        };
        let key = format!("{}{}", first.key, second.key);
        if levenshtein(&key, &viet_nam) > 1 {
            return None;
        }
        let labelled = hits.on_line(li).any(|(_, h)| h.key == "sex");
        let bare = words.len() <= BARE_SEX_LINE_WORDS
            && words.len() > 2
            && parse_sex(&words[0].text).is_some();
        // Both labels garbled (`Giới 6#ySex Nữ Quốc §ch/Nawosawy. Việt Nam`): the sex,
        // spelt out, still stands before the country, or a label's closing mark does.
        // Neither the title's `VIỆT NAM`, in capitals, nor a place ends that way.
        let before = &words[..words.len() - 2];
        let sex_before = before
            .iter()
            .any(|t| matches!(t.key.as_str(), "nam" | "nu") && t.text.chars().count() <= 3);
        let label_closed = before.last().is_some_and(|t| {
            t.text.ends_with([':', '.']) && t.key.chars().count() >= LABEL_REMAINS
        });
        let printed_as_value = first.text.chars().skip(1).any(char::is_lowercase);
        if !labelled && !bare && !(printed_as_value && (sex_before || label_closed)) {
            return None;
        }
        Some(unlabelled_field(
            "Việt Nam".to_string(),
            UNLABELLED_NATIONALITY * (first.confidence + second.confidence) / 2.0,
            line,
            &[first, second],
        ))
    })
}

/// A place read without its label counts for less than one read beside it.
pub(super) const UNLABELLED_PLACE: f32 = 0.6;

/// A card's place whose label was garbled past matching (`C6 wéo/ Face sí àiyp: Xã
/// Phước Long, Kim Sơn,`) or lost, read by its row in a face's field column
/// (`template.rs`): the lines just above the next row's label, in the column, that make
/// a whole division (a unit word, a name, and a province to end it). A line above them
/// that already ends in a province is the row before's last, not the place's first; and
/// a value that ends the row before's value as another source read it (the QR code's
/// residence) is that value's tail, the place not read at all. When the next row's
/// label is printed on another face too, a label of an earlier row must be read to tell
/// the face. `None` when a label for the place was read, since its own rule decides
/// then.
pub(super) fn place_by_position(
    layout: &Layout,
    hits: &Hits,
    key: FieldKey,
    before: &dyn Fn(FieldKey) -> Vec<String>,
) -> Option<Field> {
    if hits.all.iter().any(|h| h.key == key.as_str()) {
        return None;
    }
    FACES.iter().find_map(|face| {
        let at = face.position(key)?;
        let next_row = face.rows.get(at + 1)?;
        let next = hits.all.iter().find(|h| h.key == next_row.key.as_str())?;
        let next_line = &layout.lines[next.line];
        let above = hits
            .all
            .iter()
            .filter(|h| h.line < next.line)
            .filter(|h| face.rows[..at].iter().any(|r| r.key.as_str() == h.key))
            .map(|h| h.line)
            .max();
        if next_row.elsewhere && above.is_none() {
            return None;
        }
        let x0 = next.bbox.x0 - face.column_slack * next_line.height;
        let window: Vec<(&Line, Vec<&Token>)> = layout.lines[above.map_or(0, |a| a + 1)..next.line]
            .iter()
            .rev()
            .filter(|l| l.page == next_line.page)
            .map(|l| (l, l.tokens.iter().filter(|t| t.bbox.x0 >= x0).collect()))
            .filter(|(_, words): &(&Line, Vec<&Token>)| !words.is_empty())
            .take(face.place_lines)
            .collect();
        let (value, first_line, words) = (1..=window.len()).rev().find_map(|n| {
            let upper = &window[n - 1];
            if n > 1 && ends_with_province(&joined_text(upper.1.iter().copied())) {
                return None;
            }
            let words: Vec<&Token> = window[..n]
                .iter()
                .rev()
                .flat_map(|(_, w)| w.iter().copied())
                .collect();
            let value = normalize(Kind::Division, &joined_text(words.iter().copied())).ok()?;
            is_whole_division(&value).then_some((value, upper.0, words))
        })?;
        let folded = compact_fold(&value);
        let tail_of_before = at > 0
            && before(face.rows[at - 1].key)
                .iter()
                .any(|r| compact_fold(r).ends_with(&folded));
        if tail_of_before {
            return None;
        }
        // The evidence is the words the place kept, not a garbled label before it.
        let first_word = label_key(value.split_whitespace().next()?);
        let from = words
            .iter()
            .position(|t| label_key(&t.text) == first_word)
            .unwrap_or(0);
        let kept = &words[from..];
        let confidence = UNLABELLED_PLACE * mean_confidence(kept);
        Some(unlabelled_field(value, confidence, first_line, kept))
    })
}

/// An id number read without its label, recognised by its length and province code.
pub(super) const UNLABELLED_ID: f32 = 0.6;

/// The card's id number when its label was not read: the one 12-digit number on the
/// document that opens with a province's code. Two different such numbers leave it
/// unread, since one of them may be another person's.
pub(super) fn id_without_label(layout: &Layout) -> Option<Field> {
    let mut found: Option<(String, &Line, &Token)> = None;
    for line in &layout.lines {
        for t in &line.tokens {
            let bare = t.text.trim_matches(|c: char| !c.is_alphanumeric());
            let digits = fix_digit_token(bare).unwrap_or_else(|| bare.to_string());
            if !(digits.bytes().all(|b| b.is_ascii_digit()) && has_province_code(&digits)) {
                continue;
            }
            match &found {
                Some((seen, _, _)) if *seen != digits => return None,
                Some(_) => {}
                None => found = Some((digits, line, t)),
            }
        }
    }
    let (digits, line, t) = found?;
    Some(unlabelled_field(
        digits,
        UNLABELLED_ID * t.confidence,
        line,
        &[t],
    ))
}

/// A name found by the zone's spelling counts for less than one read beside its label.
pub(super) const NAME_BY_ZONE: f32 = 0.7;

/// Letters OCR may add at the ends of the zone's name line (`YS` from the photo's edge,
/// a filler read as `K`), beyond which the printed line is some other name.
pub(super) const ZONE_NAME_JUNK: usize = 2;

/// The printed name when its label was lost: the line of capitals whose letters, tone
/// marks aside, spell the zone's name line, which has no tone marks to give. A zone
/// name with a letter or two of OCR junk at its ends still finds its line.
pub(super) fn name_by_zone(layout: &Layout, zone_name: &str) -> Option<Field> {
    let target = compact_fold(zone_name);
    if target.chars().count() < 4 {
        return None;
    }
    layout.lines.iter().find_map(|line| {
        let words: Vec<&Token> = line
            .tokens
            .iter()
            .filter(|t| t.text.chars().any(char::is_alphabetic))
            .collect();
        // The zone line itself, with its fillers, is not print.
        if words.is_empty() || line.tokens.iter().any(|t| t.text.contains('<')) {
            return None;
        }
        let name = normalize(Kind::CapitalName, &joined_text(words.iter().copied())).ok()?;
        let got = compact_fold(&name);
        let fits = got == target
            || (got.chars().count() >= 8
                && target.contains(&got)
                && target.chars().count() - got.chars().count() <= ZONE_NAME_JUNK);
        fits.then(|| unlabelled_field(name, NAME_BY_ZONE * mean_confidence(&words), line, &words))
    })
}

/// "Không thời hạn" (no expiry) is printed nowhere on a card but as the expiry's value,
/// so it says what it is even when its label was lost or its line ran into another.
pub(super) fn unlimited_expiry_unlabelled(layout: &Layout) -> Option<Field> {
    layout.lines.iter().find_map(|line| {
        line.tokens.windows(3).find_map(|w| {
            matches!(parse_expiry(&joined_text(w)), Some(Expiry::Unlimited)).then(|| {
                let tokens: Vec<&Token> = w.iter().collect();
                let confidence = w.iter().map(|t| t.confidence).fold(1.0, f32::min);
                unlabelled_field(
                    "unlimited".to_string(),
                    UNLABELLED_EXPIRY * confidence,
                    line,
                    &tokens,
                )
            })
        })
    })
}
