//! A calendar date small enough to keep the generator free of a date crate.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil), so random dates can be drawn
    /// uniformly from a range.
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days() + n)
    }

    /// Same day and month `n` years later; 29 February falls back to the 28th.
    pub fn add_years(self, n: i32) -> Date {
        let year = self.year + n;
        let day = self.day.min(days_in_month(year, self.month));
        Date {
            year,
            month: self.month,
            day,
        }
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `12/03/2020` with the given separator.
    pub fn dmy(self, sep: char) -> String {
        format!("{:02}{sep}{:02}{sep}{:04}", self.day, self.month, self.year)
    }

    /// `12032020`, the QR payload form.
    pub fn ddmmyyyy(self) -> String {
        format!("{:02}{:02}{:04}", self.day, self.month, self.year)
    }

    /// `200312`, the MRZ form.
    pub fn yymmdd(self) -> String {
        format!(
            "{:02}{:02}{:02}",
            self.year.rem_euclid(100),
            self.month,
            self.day
        )
    }

    /// `ngày 12 tháng 03 năm 2020`, as dates are written in Vietnamese prose.
    pub fn long_vi(self, pad: bool) -> String {
        if pad {
            format!(
                "ngày {:02} tháng {:02} năm {}",
                self.day, self.month, self.year
            )
        } else {
            format!("ngày {} tháng {} năm {}", self.day, self.month, self.year)
        }
    }

    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut it = s.split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Whole years from `self` to `other`, as ages are counted.
    pub fn years_until(self, other: Date) -> i32 {
        let mut years = other.year - self.year;
        if (other.month, other.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in [-30_000i64, -1, 0, 1, 10_957, 19_000, 20_500] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::from_days(0).iso(), "1970-01-01");
        assert_eq!(
            Date::new(2000, 2, 29).map(|d| d.to_days()),
            Some(11_016),
            "2000-02-29 is day 11016"
        );
    }

    #[test]
    fn formats() {
        let d = Date::new(1999, 3, 7).expect("valid date");
        assert_eq!(d.iso(), "1999-03-07");
        assert_eq!(d.dmy('/'), "07/03/1999");
        assert_eq!(d.ddmmyyyy(), "07031999");
        assert_eq!(d.yymmdd(), "990307");
        assert_eq!(Date::parse_iso("1999-03-07"), Some(d));
        assert_eq!(Date::parse_iso("1999-02-30"), None);
        let leap = Date::new(2004, 2, 29).expect("valid date");
        assert_eq!(leap.add_years(1).iso(), "2005-02-28");
    }
}
