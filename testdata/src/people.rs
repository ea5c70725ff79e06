//! Synthetic people, addresses and companies, composed at random from the word lists.

use rand::seq::SliceRandom;
use rand::Rng;

use crate::codes::{citizen_id, enterprise_check_digit};
use crate::data::{self, Province};
use crate::date::Date;
use crate::units::TruthUnits;
use crate::words::capitalize_first;

pub type Rng8 = rand_chacha::ChaCha8Rng;

pub fn pick<'a, T>(rng: &mut Rng8, items: &'a [T]) -> &'a T {
    // Callers only pass the non-empty constant lists of `data`.
    items.choose(rng).unwrap_or(&items[0])
}

pub fn random_date(rng: &mut Rng8, from: Date, to: Date) -> Date {
    let (a, b) = (from.to_days(), to.to_days());
    Date::from_days(rng.gen_range(a.min(b)..=a.max(b)))
}

pub fn date(y: i32, m: u32, d: u32) -> Date {
    Date::new(y, m, d).unwrap_or(Date {
        year: y,
        month: 1,
        day: 1,
    })
}

pub fn random_province(rng: &mut Rng8) -> &'static Province {
    if rng.gen_bool(0.55) {
        let code = pick(rng, data::FREQUENT_PROVINCES);
        if let Some(p) = data::province_by_code(code) {
            return p;
        }
    }
    pick(rng, data::PROVINCES)
}

/// One place down to the ward, with optional street detail.
#[derive(Debug, Clone)]
pub struct Address {
    pub detail: Option<String>,
    pub ward_kind: &'static str,
    pub ward: String,
    pub district: Option<(&'static str, &'static str)>,
    pub province: &'static Province,
    /// The units' codes before and after 2025, when the place is a real one.
    pub units: Option<TruthUnits>,
}

/// How an address is spelled out; documents of different eras and issuers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressStyle {
    /// "Số 12, ngõ 45, phố Kim Mã, phường Kim Mã, quận Ba Đình, thành phố Hà Nội"
    Prose,
    /// "Số 12, Đường Lê Lợi, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"
    Formal,
    /// "Tổ 5, Kim Mã, Ba Đình, Hà Nội", as the 2021 card prints it
    Card,
}

impl Address {
    pub fn random(rng: &mut Rng8, province: &'static Province, with_detail: bool) -> Address {
        if crate::units::drawing_real_units() {
            if let Some(address) = Address::real(rng, province, with_detail) {
                return address;
            }
        }
        let districts = data::districts_of(province.code);
        let district = *pick(rng, districts);
        let urban = matches!(district.0, "Quận" | "Thành phố" | "Thị xã");
        let ward_kind = if urban {
            "Phường"
        } else if rng.gen_bool(0.15) {
            "Thị trấn"
        } else {
            "Xã"
        };
        let ward = if province.code == "079" && urban && rng.gen_bool(0.4) {
            rng.gen_range(1..=15).to_string()
        } else {
            pick(rng, data::WARDS).to_string()
        };
        let detail = with_detail.then(|| {
            if urban {
                let street = pick(rng, data::STREETS);
                match rng.gen_range(0..4) {
                    0 => format!(
                        "Số {}, ngõ {}, đường {street}",
                        rng.gen_range(1..80),
                        rng.gen_range(2..300)
                    ),
                    1 => format!(
                        "{}/{} {street}",
                        rng.gen_range(10..400),
                        rng.gen_range(1..30)
                    ),
                    2 => format!("Số {} đường {street}", rng.gen_range(1..500)),
                    _ => format!("Tổ {}", rng.gen_range(1..40)),
                }
            } else {
                pick(rng, data::HAMLETS).to_string()
            }
        });
        // After the 2025 reform most units lost the district level.
        let district = (!rng.gen_bool(0.12)).then_some(district);
        Address {
            detail,
            ward_kind,
            ward,
            district,
            province,
            units: None,
        }
    }

    /// A real commune of the province, printed in the units before 1 July 2025 or in
    /// today's, from the unit table of the specimen being built.
    fn real(rng: &mut Rng8, province: &'static Province, with_detail: bool) -> Option<Address> {
        // Before 2025 an address named its district: without it, an old commune reads
        // as the new one of the same name, and no reader could tell them apart.
        let drawn = crate::units::draw(rng, province, 0.35, false)?;
        let urban = drawn.ward_kind == "Phường";
        let detail = with_detail.then(|| {
            if urban {
                let street = pick(rng, data::STREETS);
                match rng.gen_range(0..3) {
                    0 => format!("Số {} đường {street}", rng.gen_range(1..500)),
                    1 => format!(
                        "{}/{} {street}",
                        rng.gen_range(10..400),
                        rng.gen_range(1..30)
                    ),
                    _ => format!("Tổ {}", rng.gen_range(1..40)),
                }
            } else {
                pick(rng, data::HAMLETS).to_string()
            }
        });
        Some(Address {
            detail,
            ward_kind: drawn.ward_kind,
            ward: drawn.ward,
            district: drawn.district,
            province: drawn.province,
            units: Some(drawn.truth),
        })
    }

    pub fn render(&self, style: AddressStyle) -> String {
        let rendered = self.spell(style);
        if let Some(units) = &self.units {
            crate::units::note(&rendered, units);
        }
        rendered
    }

    fn spell(&self, style: AddressStyle) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = &self.detail {
            parts.push(match style {
                AddressStyle::Prose => lower_first_word(d),
                _ => d.clone(),
            });
        }
        let unit = |kind: &str, name: &str| match style {
            AddressStyle::Prose => format!("{} {name}", kind.to_lowercase()),
            AddressStyle::Formal => format!("{kind} {name}"),
            AddressStyle::Card => {
                // A bare number ("5") needs its unit word to stay meaningful.
                if name.chars().all(|c| c.is_ascii_digit()) {
                    format!("{kind} {name}")
                } else {
                    name.to_string()
                }
            }
        };
        match style {
            AddressStyle::Card => parts.push(format!("{} {}", self.ward_kind, self.ward)),
            _ => parts.push(unit(self.ward_kind, &self.ward)),
        }
        if let Some((kind, name)) = self.district {
            parts.push(unit(kind, name));
        }
        let (pkind, pname) = if self.province.city {
            ("Thành phố", self.province.name)
        } else {
            ("Tỉnh", self.province.name)
        };
        parts.push(match style {
            AddressStyle::Card if self.province.name == "Hồ Chí Minh" => "TP Hồ Chí Minh".into(),
            _ => unit(pkind, pname),
        });
        capitalize_first(&parts.join(", "))
    }

    /// The ward-level unit with its district and province, without street detail.
    pub fn unit_only(&self) -> Address {
        Address {
            detail: None,
            ..self.clone()
        }
    }
}

fn lower_first_word(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[derive(Debug, Clone)]
pub struct Person {
    pub surname: &'static str,
    pub middle: Vec<&'static str>,
    pub given: &'static str,
    pub female: bool,
    pub dob: Date,
    pub id_number: String,
    /// The nine-digit CMND of the pre-2016 system, when the person had one.
    pub old_id: Option<String>,
    pub ethnicity: &'static str,
    pub origin: Address,
    pub residence: Address,
    pub birth_place: Address,
}

impl Person {
    pub fn random(rng: &mut Rng8, female: Option<bool>, born: (Date, Date)) -> Person {
        let female = female.unwrap_or_else(|| rng.gen_bool(0.5));
        let surname = *pick(rng, data::SURNAMES);
        let middles = if female {
            data::MIDDLE_FEMALE
        } else {
            data::MIDDLE_MALE
        };
        let mut middle = vec![*pick(rng, middles)];
        if rng.gen_bool(0.2) {
            let second = *pick(rng, middles);
            if second != middle[0] {
                middle.push(second);
            }
            // "Thị" and "Văn" lead a double middle name ("Trần Thị Phương Anh").
            if matches!(middle.get(1), Some(&"Thị") | Some(&"Văn")) {
                middle.swap(0, 1);
            }
        }
        let given = *pick(
            rng,
            if female {
                data::GIVEN_FEMALE
            } else {
                data::GIVEN_MALE
            },
        );
        let dob = random_date(rng, born.0, born.1);
        let birth_province = random_province(rng);
        let serial = rng.gen_range(0..1_000_000);
        let id_number = citizen_id(birth_province.code, dob, female, serial)
            .unwrap_or_else(|| format!("{}0{:08}", birth_province.code, serial));
        let old_id = (dob.year < 1999 && rng.gen_bool(0.6)).then(|| {
            format!(
                "{:03}{:06}",
                rng.gen_range(1..400),
                rng.gen_range(0..1_000_000)
            )
        });
        let ethnicity = *pick(rng, data::ETHNICITIES);
        let origin_province = if rng.gen_bool(0.5) {
            birth_province
        } else {
            random_province(rng)
        };
        let origin = Address::random(rng, origin_province, false);
        let residence_province = if rng.gen_bool(0.6) {
            birth_province
        } else {
            random_province(rng)
        };
        let residence = Address::random(rng, residence_province, true);
        let birth_place = Address::random(rng, birth_province, false);
        Person {
            surname,
            middle,
            given,
            female,
            dob,
            id_number,
            old_id,
            ethnicity,
            origin,
            residence,
            birth_place,
        }
    }

    /// "Nguyễn Văn An"
    pub fn name(&self) -> String {
        let mut words = vec![self.surname];
        words.extend(self.middle.iter().copied());
        words.push(self.given);
        words.join(" ")
    }

    /// "NGUYỄN VĂN AN", as cards print it.
    pub fn upper_name(&self) -> String {
        self.name().to_uppercase()
    }

    pub fn sex_vi(&self) -> &'static str {
        if self.female {
            "Nữ"
        } else {
            "Nam"
        }
    }

    pub fn sex_truth(&self) -> &'static str {
        if self.female {
            "female"
        } else {
            "male"
        }
    }

    /// Surname shared with a father, as Vietnamese children usually take it.
    pub fn child_of(rng: &mut Rng8, father: &Person, born: (Date, Date)) -> Person {
        let mut child = Person::random(rng, None, born);
        child.surname = father.surname;
        child
    }
}

/// A company as the registration certificate names it.
#[derive(Debug, Clone)]
pub struct Company {
    pub kind: CompanyKind,
    pub name_vi: String,
    pub name_en: String,
    pub short_name: String,
    pub code: String,
    pub province: &'static Province,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyKind {
    SingleMemberLlc,
    MultiMemberLlc,
    JointStock,
}

impl CompanyKind {
    pub fn title(self) -> &'static str {
        match self {
            CompanyKind::SingleMemberLlc => "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN",
            CompanyKind::MultiMemberLlc => "CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN",
            CompanyKind::JointStock => "CÔNG TY CỔ PHẦN",
        }
    }
}

impl Company {
    pub fn random(rng: &mut Rng8) -> Company {
        let kind = match rng.gen_range(0..3) {
            0 => CompanyKind::SingleMemberLlc,
            1 => CompanyKind::MultiMemberLlc,
            _ => CompanyKind::JointStock,
        };
        let brand = *pick(rng, data::BRANDS);
        let n_sectors = rng.gen_range(1..=2);
        let mut sectors: Vec<(&str, &str)> = Vec::new();
        while sectors.len() < n_sectors {
            let s = *pick(rng, data::SECTORS);
            if !sectors.contains(&s) {
                sectors.push(s);
            }
        }
        let vi_sectors: Vec<&str> = sectors.iter().map(|s| s.0).collect();
        let en_sectors: Vec<&str> = sectors.iter().map(|s| s.1).collect();
        let brand_en = crate::codes::strip_diacritics(brand);
        let (prefix, suffix_en, short_suffix) = match kind {
            CompanyKind::JointStock => ("CÔNG TY CỔ PHẦN", "JOINT STOCK COMPANY", "JSC"),
            _ if rng.gen_bool(0.2) => {
                ("CÔNG TY TRÁCH NHIỆM HỮU HẠN", "COMPANY LIMITED", "CO., LTD")
            }
            _ => ("CÔNG TY TNHH", "COMPANY LIMITED", "CO., LTD"),
        };
        let name_vi = format!("{prefix} {} {brand}", vi_sectors.join(" "));
        let name_en = format!("{brand_en} {} {suffix_en}", en_sectors.join(" "));
        let short_name = format!("{brand_en} {short_suffix}");
        let (pcode, tax_prefix) = *pick(rng, data::BUSINESS_PROVINCES);
        let province = data::province_by_code(pcode).unwrap_or(&data::PROVINCES[0]);
        let code = loop {
            let first9 = format!("{tax_prefix}{:07}", rng.gen_range(0..10_000_000));
            if let Some(check) = enterprise_check_digit(&first9) {
                break format!("{first9}{check}");
            }
        };
        Company {
            kind,
            name_vi,
            name_en,
            short_name,
            code,
            province,
        }
    }
}
