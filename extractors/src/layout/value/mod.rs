//! The value a label introduces: to its right, or on the line(s) below.

use super::labels::{is_item_mark, is_numbering, Hit, Hits};
use super::lines::{Layout, Line, COLUMN_GAP};
use super::token::Token;
use crate::model::{BBox, Method};
use crate::text::{clean, is_vietnamese_syllable, opens_a_place};

/// How far a value may run.
#[derive(Debug, Clone, Copy)]
pub struct ValueOpts {
    /// Continue onto following lines (addresses, long names).
    pub multiline: bool,
    /// Lines in total, the first included.
    pub max_lines: usize,
    /// A name in capitals may wrap once onto a line that holds only more capitals:
    /// narrow columns break long names, and the capitals tell the rest apart from
    /// the next label or running text.
    pub name_wrap: bool,
}

impl ValueOpts {
    pub const SINGLE: ValueOpts = ValueOpts {
        multiline: false,
        max_lines: 1,
        name_wrap: false,
    };
    pub const MULTI: ValueOpts = ValueOpts {
        multiline: true,
        max_lines: 3,
        name_wrap: false,
    };
}

/// A value as read, with where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// NFC, single spaces, without leaders and stray punctuation.
    pub text: String,
    /// The words as read, joined by spaces.
    pub raw: String,
    pub page: u32,
    pub method: Method,
    pub bbox: BBox,
    /// Mean OCR confidence of the value's characters.
    pub ocr_confidence: f32,
    /// How well the label matched.
    pub label_score: f32,
    /// The value's tokens as read, noise included, in reading order.
    pub tokens: Vec<Token>,
}

impl Value {
    /// The same value cut to tokens `from..to`, for evidence that covers only what a
    /// format matched (the date, not the address OCR put after it).
    pub fn span(&self, from: usize, to: usize) -> Value {
        let to = to.min(self.tokens.len());
        let from = from.min(to);
        from_tokens(
            &self.tokens[from..to],
            self.page,
            self.method,
            self.label_score,
        )
    }
}

/// The widest space, in line heights, a value's run crosses right after a comma.
const COMMA_GAP: f32 = 4.0;
/// A value may sit this many label heights below its label.
const BELOW_GAP: f32 = 2.5;
/// A continuation line starts at most this many line heights below the previous one.
const WRAP_GAP: f32 = 1.2;
/// How many lines under a label are tried for a value a format checks.
const BELOW_READINGS: usize = 3;
/// Tokens up to this many line heights left of the label still belong to its column.
const COLUMN_SLACK: f32 = 1.5;

/// Whether a token is only a form's leader dots, an underline or a scanning speck.
fn is_noise(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(
            c,
            '.' | '…' | '_' | '|' | '~' | '`' | '\'' | '"' | '*' | '•' | '·' | ':' | ';' | '^'
        )
    })
}

/// Tokens `from..stop` of a line, minus leading punctuation, ending at a column break.
fn take_run(line: &Line, from: usize, stop: usize) -> Vec<usize> {
    let mut i = from;
    while i < stop && line.tokens[i].is_punct() {
        i += 1;
    }
    let mut out: Vec<usize> = Vec::new();
    while i < stop {
        // A comma says the value goes on: a wider space after it (a phone photo's
        // small print, measured loosely) is still no column's edge.
        if let Some(&prev) = out.last() {
            let widest = if line.tokens[prev].text.ends_with(',') {
                COMMA_GAP
            } else {
                COLUMN_GAP
            };
            if line.gap_before(i) > widest {
                break;
            }
        }
        out.push(i);
        i += 1;
    }
    while let Some(&last) = out.last() {
        let t = &line.tokens[last];
        if t.is_punct() || is_numbering(&t.text) {
            out.pop();
        } else {
            break;
        }
    }
    out
}

/// The first token of `line` in the column starting at `x0`, and where the run from
/// it ends; `None` when the line has nothing there or a label starts there.
fn column_run(layout: &Layout, hits: &Hits, li: usize, x0: f32) -> Option<Result<Vec<usize>, ()>> {
    let line = &layout.lines[li];
    let slack = COLUMN_SLACK * line.height;
    let first = line
        .tokens
        .iter()
        // Specks OCR reads as stray marks are no line of text.
        .position(|t| t.bbox.x0 >= x0 - slack && !is_noise(&t.text) && !t.is_punct())?;
    if hits.at(li, first).is_some() {
        return Some(Err(()));
    }
    let stop = hits.next_start(li, first, line.tokens.len());
    Some(Ok(take_run(line, first, stop)))
}

/// Where the label's column starts: item numbering before it (`5. Nơi thường trú`)
/// belongs to the column, and wrapped lines start under the number.
fn label_x0(line: &Line, h: &Hit) -> f32 {
    let mut x0 = h.bbox.x0;
    for t in line.tokens[..h.start].iter().rev() {
        if t.is_punct() || is_item_mark(&t.text) {
            x0 = t.bbox.x0;
        } else {
            break;
        }
    }
    x0
}

/// Where the lines a value wraps onto start: under its label, or, when only the
/// label's translation was read as the label and its Vietnamese half before the slash
/// was garbled (`an nóổn /Place of origin:`), under that garbled half: the card
/// wraps the value back to where the label's line starts.
fn wrap_x0(line: &Line, hits: &Hits, h: &Hit) -> f32 {
    let x0 = label_x0(line, h);
    let slash = if line.tokens[h.start].text.starts_with('/') {
        h.start
    } else if h.start > 0 && line.tokens[h.start - 1].text == "/" {
        h.start - 1
    } else {
        return x0;
    };
    // Back over the garbled half: words of no other label, up to a column gap or a
    // colon, which ends the label before.
    let mut start = slash;
    while start > 0
        && line.gap_before(start) <= COLUMN_GAP
        && !line.tokens[start - 1].has_colon()
        && hits.at(h.line, start - 1).is_none()
    {
        start -= 1;
    }
    line.tokens[start].bbox.x0.min(x0)
}

/// Whether line `li` starts with another hit of `h`'s label: its translation, which
/// some forms print under the Vietnamese.
fn translation_below(layout: &Layout, hits: &Hits, h: &Hit, li: usize) -> bool {
    let line = &layout.lines[li];
    let slack = COLUMN_SLACK * line.height;
    hits.on_line(li).any(|(_, o)| {
        o.key == h.key
            && o.key != "-"
            && (o.bbox.x0 - label_x0(&layout.lines[h.line], h)).abs() < slack
    })
}

/// Whether `line`'s text in the column from `x0` starts right of `x1` by more than a
/// column gap: it belongs to the next column, not under the label ending at `x1`.
fn starts_beyond(line: &Line, x0: f32, x1: f32, height: f32) -> bool {
    let slack = COLUMN_SLACK * line.height;
    line.tokens
        .iter()
        .find(|t| t.bbox.x0 >= x0 - slack && !is_noise(&t.text) && !t.is_punct())
        .is_some_and(|t| (t.bbox.x0 - x1) / height > COLUMN_GAP)
}

/// Where a label of another column starts on line `li`: a label after the first,
/// beyond a column gap.
fn next_column_label(layout: &Layout, hits: &Hits, li: usize) -> Option<f32> {
    let line = &layout.lines[li];
    let mut on = hits.on_line(li).map(|(_, o)| o);
    let first = on.next()?;
    let next = on.next()?;
    let gap = (line.tokens.get(next.start)?.bbox.x0
        - line.tokens.get(first.end.checked_sub(1)?)?.bbox.x1)
        / line.height;
    (gap > COLUMN_GAP).then_some(next.bbox.x0)
}

/// The first line of the value printed under hit `h`, left of `right`, after `skip`
/// lines of text in the label's column.
fn run_below(
    layout: &Layout,
    hits: &Hits,
    h: &Hit,
    mut right: f32,
    mut skip: usize,
) -> Option<(usize, Vec<usize>)> {
    let line = layout.lines.get(h.line)?;
    let mut bottom = h.bbox.y1;
    for li in h.line + 1..layout.lines.len() {
        let below = &layout.lines[li];
        if below.page != line.page || below.bbox.y0 - bottom > BELOW_GAP * line.height {
            break;
        }
        match column_run(layout, hits, li, label_x0(line, h)) {
            None => continue,
            // The label's translation printed on a line of its own.
            Some(Err(())) if translation_below(layout, hits, h, li) => {
                bottom = below.bbox.y1;
                if let Some(x) = next_column_label(layout, hits, li) {
                    right = right.min(x);
                }
                continue;
            }
            // A label of the column to the right, on a line of its own.
            Some(Err(())) if starts_beyond(below, label_x0(line, h), h.bbox.x1, line.height) => {
                continue
            }
            Some(Err(())) => return None,
            // Only the other column has text on this line.
            Some(Ok(run))
                if run
                    .first()
                    .is_some_and(|&ti| below.tokens[ti].bbox.x0 >= right)
                    || starts_beyond(below, label_x0(line, h), h.bbox.x1, line.height) =>
            {
                continue
            }
            Some(Ok(run)) => {
                let run: Vec<usize> = run
                    .into_iter()
                    .take_while(|&ti| below.tokens[ti].bbox.x1 <= right)
                    .collect();
                if skip > 0 && !run.is_empty() {
                    skip -= 1;
                    bottom = below.bbox.y1;
                    continue;
                }
                return (!run.is_empty()).then_some((li, run));
            }
        }
    }
    None
}

/// The value of hit `hi`.
pub fn value_of(layout: &Layout, hits: &Hits, hi: usize, opts: ValueOpts) -> Option<Value> {
    value_at(layout, hits, hi, opts, None)
}

/// The value of hit `hi` read under the label, after `skip` lines of its column, even
/// when OCR put text to its right: further readings for when what `value_of` found is
/// not a valid value (specks and the neighbouring column's words a merged line puts
/// right of the label; the label's translation, garbled, on the line under it).
pub fn value_below(
    layout: &Layout,
    hits: &Hits,
    hi: usize,
    opts: ValueOpts,
    skip: usize,
) -> Option<Value> {
    value_at(layout, hits, hi, opts, Some(skip))
}

/// The value of hit `hi`: to the label's right or, with nothing there, under it; or,
/// with `below` set, under it after that many lines of its column.
fn value_at(
    layout: &Layout,
    hits: &Hits,
    hi: usize,
    opts: ValueOpts,
    below: Option<usize>,
) -> Option<Value> {
    let h: &Hit = hits.all.get(hi)?;
    let line = layout.lines.get(h.line)?;
    let stop = hits.next_start(h.line, h.end, line.tokens.len());
    let same = take_run(line, h.end, stop);
    // A label of another column further along the line leaves this one's value below
    // it, as on cards whose left column prints its label and value on two lines.
    let other_column = stop < line.tokens.len()
        && h.end > 0
        && (line.tokens[stop].bbox.x0 - line.tokens[h.end - 1].bbox.x1) / line.height > COLUMN_GAP;
    let right = if other_column {
        line.tokens[stop].bbox.x0
    } else {
        f32::INFINITY
    };
    let mut parts: Vec<(usize, Vec<usize>)> = Vec::new();
    match below {
        None if !same.is_empty() => parts.push((h.line, same)),
        // Nothing to the right: the value is printed under the label.
        None if stop == line.tokens.len() || other_column => {
            parts.extend(run_below(layout, hits, h, right, 0))
        }
        None => {}
        // Nothing to the right, so the natural reading already looked below.
        Some(0) if same.is_empty() => {}
        Some(skip) => parts.extend(run_below(layout, hits, h, right, skip)),
    }
    if parts.is_empty() {
        return None;
    }
    if opts.multiline {
        let x0 = wrap_x0(line, hits, h);
        while parts.len() < opts.max_lines {
            let Some(&(last, _)) = parts.last() else {
                break;
            };
            let prev = &layout.lines[last];
            let mut next = None;
            for li in last + 1..layout.lines.len() {
                let l = &layout.lines[li];
                if l.page != prev.page || l.bbox.y0 - prev.bbox.y1 > WRAP_GAP * prev.height {
                    break;
                }
                match column_run(layout, hits, li, x0) {
                    None => continue,
                    Some(Err(())) => break,
                    Some(Ok(run)) if run.is_empty() => break,
                    Some(Ok(run)) => {
                        next = Some((li, run));
                        break;
                    }
                }
            }
            match next {
                Some(p) => parts.push(p),
                None => break,
            }
        }
    }
    if opts.name_wrap && !opts.multiline {
        if let Some(p) = name_continuation(layout, hits, &parts, label_x0(line, h)) {
            parts.push(p);
        }
    }
    Some(assemble(layout, &parts, line.page, line.method, h.score))
}

/// Most words a wrapped name's second line carries.
const NAME_WRAP_WORDS: usize = 3;
/// Most words a wrapped name's second line carries when the name is not in capitals.
const TITLE_WRAP_WORDS: usize = 2;
/// Most words of a whole name; more means the second line is something else.
const NAME_WORDS: usize = 6;

/// Whether a token is a word in capitals (`NGUYỄN`, `THỊ,`), as names are printed.
fn is_capital_word(t: &Token) -> bool {
    let letters: Vec<char> = t.text.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.iter().all(|c| c.is_uppercase())
        && t.text
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ',' | '.' | '-'))
}

/// Whether a token is a name's word as certificates print names in small letters
/// (`Tuyết`, `Lan,`): a capital, then small letters, spelling a Vietnamese syllable.
fn is_title_word(t: &Token) -> bool {
    let word = t.text.trim_end_matches([',', '.']);
    let mut letters = word.chars();
    letters.next().is_some_and(char::is_uppercase)
        && letters.all(char::is_lowercase)
        && is_vietnamese_syllable(word)
}

/// The rest of a name wrapped onto the line below the one it starts on, printed as the
/// name's first line is: in capitals, or each word capitalised.
fn name_continuation(
    layout: &Layout,
    hits: &Hits,
    parts: &[(usize, Vec<usize>)],
    x0: f32,
) -> Option<(usize, Vec<usize>)> {
    let (last, run) = parts.last()?;
    let prev = &layout.lines[*last];
    let words: Vec<&Token> = parts
        .iter()
        .flat_map(|(li, r)| r.iter().map(move |&ti| &layout.lines[*li].tokens[ti]))
        .filter(|t| !is_noise(&t.text))
        .collect();
    // Capitals tell a name's rest from what follows; capitalised words do less well
    // (a place, a heading), so their rest is shorter and never opens a place.
    let capitals = words.iter().all(|t| is_capital_word(t));
    let (style, most): (fn(&Token) -> bool, usize) = if capitals {
        (is_capital_word, NAME_WRAP_WORDS)
    } else if !words.is_empty() && words.iter().all(|t| is_title_word(t)) {
        (is_title_word, TITLE_WRAP_WORDS)
    } else {
        return None;
    };
    if run.is_empty() {
        return None;
    }
    for li in last + 1..layout.lines.len() {
        let l = &layout.lines[li];
        if l.page != prev.page || l.bbox.y0 - prev.bbox.y1 > WRAP_GAP * prev.height {
            return None;
        }
        let next = match column_run(layout, hits, li, x0) {
            // Nothing in this column: a line of the neighbouring column.
            None => continue,
            Some(Ok(next)) => next,
            Some(Err(())) => return None,
        };
        let toks: Vec<&Token> = next
            .iter()
            .map(|&ti| &l.tokens[ti])
            .filter(|t| !is_noise(&t.text))
            .collect();
        let ok = !toks.is_empty()
            && toks.len() <= most
            && (capitals || !opens_a_place(&toks[0].text))
            && words.len() + toks.len() <= NAME_WORDS
            && toks.iter().all(|t| style(t))
            // The run must be the whole of the line in this column: a longer line
            // is a heading or a value of its own.
            && next.last().is_some_and(|&e| {
                e + 1 == l.tokens.len() || l.gap_before(e + 1) > COLUMN_GAP
                    || hits.at(li, e + 1).is_some()
            });
        return ok.then_some((li, next));
    }
    None
}

fn assemble(
    layout: &Layout,
    parts: &[(usize, Vec<usize>)],
    page: u32,
    method: Method,
    label_score: f32,
) -> Value {
    let tokens: Vec<Token> = parts
        .iter()
        .flat_map(|(li, toks)| {
            toks.iter()
                .map(move |&ti| layout.lines[*li].tokens[ti].clone())
        })
        .collect();
    from_tokens(&tokens, page, method, label_score)
}

fn from_tokens(tokens: &[Token], page: u32, method: Method, label_score: f32) -> Value {
    let mut raw_words: Vec<&str> = Vec::new();
    let mut text_words: Vec<&str> = Vec::new();
    let mut bbox: Option<BBox> = None;
    let mut conf_sum = 0.0f32;
    let mut chars = 0usize;
    for t in tokens {
        raw_words.push(&t.text);
        if is_noise(&t.text) {
            continue;
        }
        text_words.push(&t.text);
        bbox = Some(bbox.map_or(t.bbox, |b| b.union(&t.bbox)));
        let n = t.text.chars().count().max(1);
        conf_sum += t.confidence * n as f32;
        chars += n;
    }
    let text = trim_punct(&clean(&text_words.join(" ")));
    Value {
        text,
        raw: clean(&raw_words.join(" ")),
        page,
        method,
        bbox: bbox.unwrap_or(BBox::new(0.0, 0.0, 0.0, 0.0)),
        ocr_confidence: if chars == 0 {
            0.0
        } else {
            conf_sum / chars as f32
        },
        label_score,
        tokens: tokens.to_vec(),
    }
}

/// Strips leaders and separators OCR leaves at the ends of a value.
fn trim_punct(s: &str) -> String {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | ';' | ',' | '.' | '…' | '_' | '|' | '~' | '-' | '/' | '*' | '•'
            )
    })
    .to_string()
}

/// The value of hit `hi` in a table row, restricted to the column `x0..x1`: the
/// row's tokens right of the label whose centres fall in the column.
pub fn column_value(layout: &Layout, hits: &Hits, hi: usize, x0: f32, x1: f32) -> Option<Value> {
    let h = hits.all.get(hi)?;
    let line = layout.lines.get(h.line)?;
    let run: Vec<usize> = (h.end..line.tokens.len())
        .filter(|&i| {
            let t = &line.tokens[i];
            let c = (t.bbox.x0 + t.bbox.x1) / 2.0;
            c >= x0 && c < x1 && hits.at(h.line, i).is_none() && !t.is_punct()
        })
        .collect();
    if run.is_empty() {
        return None;
    }
    Some(assemble(
        layout,
        &[(h.line, run)],
        line.page,
        line.method,
        h.score,
    ))
}

/// Values of every hit of label `key`, in reading order.
pub fn values_for<'a>(
    layout: &'a Layout,
    hits: &'a Hits,
    key: &'a str,
    opts: ValueOpts,
) -> impl Iterator<Item = Value> + 'a {
    hits.of(key)
        .into_iter()
        .filter_map(move |hi| value_of(layout, hits, hi, opts))
}

/// The values of every hit of label `key`, then for hits with text to their right the
/// readings under them. For values a format checks, where the first reading that
/// validates wins.
pub fn candidate_values<'a>(
    layout: &'a Layout,
    hits: &'a Hits,
    key: &'a str,
    opts: ValueOpts,
) -> impl Iterator<Item = Value> + 'a {
    let below = (0..BELOW_READINGS).flat_map(move |skip| {
        hits.of(key)
            .into_iter()
            .filter_map(move |hi| value_below(layout, hits, hi, opts, skip))
    });
    values_for(layout, hits, key, opts).chain(below)
}

#[cfg(test)]
mod tests;
