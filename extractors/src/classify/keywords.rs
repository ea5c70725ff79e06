//! The words that identify each document type.
//!
//! Titles are decisive when they stand alone on their line; anything else (field
//! labels, issuing offices) only adds evidence, since other documents mention them
//! too (a business registration names the representative's "Căn cước công dân").

use crate::model::DocumentType;

/// Which face of an ID card a keyword is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Front,
    /// The front of the 2021 chip card (CCCD), the one face that prints the place of
    /// origin and, beside the photo, the expiry. A front as well.
    ChipFront,
    Back,
}

#[derive(Debug, Clone, Copy)]
pub struct Keyword {
    pub text: &'static str,
    pub weight: f32,
    /// A document title: full weight only when it fills most of its line.
    pub title: bool,
    pub face: Option<Face>,
}

const fn kw(text: &'static str, weight: f32) -> Keyword {
    Keyword {
        text,
        weight,
        title: false,
        face: None,
    }
}

const fn title(text: &'static str, weight: f32) -> Keyword {
    Keyword {
        text,
        weight,
        title: true,
        face: None,
    }
}

const fn front(mut k: Keyword) -> Keyword {
    k.face = Some(Face::Front);
    k
}

const fn chip_front(mut k: Keyword) -> Keyword {
    k.face = Some(Face::ChipFront);
    k
}

const fn back(mut k: Keyword) -> Keyword {
    k.face = Some(Face::Back);
    k
}

pub const CITIZEN_ID: &[Keyword] = &[
    chip_front(title("căn cước công dân", 5.0)),
    chip_front(title("citizen identity card", 4.0)),
    front(title("căn cước", 4.0)),
    front(title("identity card", 3.0)),
    front(kw("personal identification number", 2.0)),
    front(kw("surname, middle and given name", 2.0)),
    // The 2024 card names the holder's "surname, middle and given name".
    chip_front(kw("full name", 1.0)),
    front(kw("date of birth", 1.0)),
    chip_front(kw("place of origin", 1.5)),
    kw("place of residence", 1.0),
    kw("nationality", 1.0),
    kw("date of expiry", 1.5),
    back(kw("place of birth registration", 1.5)),
    back(kw("date of issue", 1.0)),
    back(kw("đặc điểm nhân dạng", 1.5)),
    // Also the start of the front's "personal identification number": no face.
    kw("personal identification", 0.5),
    back(kw("date, month, year", 1.5)),
    back(kw("ngón trỏ trái", 1.0)),
    back(kw("left index finger", 1.5)),
    back(kw("right index finger", 1.5)),
    back(kw("cục trưởng cục cảnh sát", 2.0)),
    back(kw("ministry of public security", 1.0)),
    // A passport shares the English labels; it is not a citizen ID.
    kw("hộ chiếu", -4.0),
    kw("passport", -4.0),
];

pub const BIRTH_CERTIFICATE: &[Keyword] = &[
    title("giấy khai sinh", 6.0),
    // The civil registry's extract carries the same fields as the certificate.
    title("trích lục khai sinh", 5.0),
    kw("giấy khai sinh", 1.0),
    kw("người đi khai sinh", 1.5),
    kw("tên người mẹ", 1.0),
    kw("tên người cha", 1.0),
    kw("ghi bằng chữ", 1.0),
    kw("nơi đăng ký khai sinh", 0.5),
    kw("quyển số", 0.5),
    kw("dân tộc", 0.5),
];

pub const MARRIAGE_CERTIFICATE: &[Keyword] = &[
    title("giấy chứng nhận kết hôn", 6.0),
    title("trích lục kết hôn", 5.0),
    kw("kết hôn", 1.0),
    kw("tên vợ", 1.5),
    kw("tên chồng", 1.5),
    kw("nơi đăng ký kết hôn", 1.0),
    kw("quyển số", 0.5),
];

pub const BUSINESS_REGISTRATION: &[Keyword] = &[
    title("giấy chứng nhận đăng ký doanh nghiệp", 6.0),
    title("giấy chứng nhận đăng ký kinh doanh", 4.0),
    kw("mã số doanh nghiệp", 3.0),
    kw("vốn điều lệ", 1.5),
    kw("địa chỉ trụ sở chính", 1.5),
    kw("người đại diện theo pháp luật", 1.5),
    kw("phòng đăng ký kinh doanh", 1.5),
    kw("viết bằng tiếng việt", 1.0),
    kw("đăng ký lần đầu", 1.5),
    kw("mệnh giá cổ phần", 1.0),
    kw("loại giấy tờ pháp lý của cá nhân", 1.5),
    kw("số giấy tờ pháp lý của cá nhân", 1.5),
    kw("địa chỉ liên lạc", 1.0),
];

pub const RESIDENCE_CONFIRMATION: &[Keyword] = &[
    title("xác nhận thông tin về cư trú", 6.0),
    kw("thông tin về cư trú", 1.0),
    kw("ct07", 3.0),
    kw("tên chủ hộ", 1.5),
    kw("quan hệ với chủ hộ", 1.5),
    kw("nơi tạm trú", 1.0),
    kw("nơi ở hiện tại", 1.5),
    kw("nơi thường trú", 0.5),
];

/// The typed documents, in a fixed order for score arrays.
pub const TYPES: [DocumentType; 5] = [
    DocumentType::CitizenId,
    DocumentType::BirthCertificate,
    DocumentType::MarriageCertificate,
    DocumentType::BusinessRegistration,
    DocumentType::ResidenceConfirmation,
];

pub fn keywords(t: DocumentType) -> &'static [Keyword] {
    match t {
        DocumentType::CitizenId => CITIZEN_ID,
        DocumentType::BirthCertificate => BIRTH_CERTIFICATE,
        DocumentType::MarriageCertificate => MARRIAGE_CERTIFICATE,
        DocumentType::BusinessRegistration => BUSINESS_REGISTRATION,
        DocumentType::ResidenceConfirmation => RESIDENCE_CONFIRMATION,
        DocumentType::Unknown => &[],
    }
}
