//! `business_registration`: Giấy chứng nhận đăng ký doanh nghiệp. Numbered sections;
//! the legal representative's name and id are read inside their own section, since
//! "Họ và tên" also appears for owners and members.

use super::common::{apply_rules, Kind, Output, Rule};
use super::sections::section;
use crate::classify::keywords::{kw, title, Keyword};
use crate::layout::{find_hits, Label, Layout};
use crate::model::DocumentType;
use crate::spec::{DocumentSpec, FieldKey, FieldSpec, Format, SubjectKind};

/// The type's schema: its fields in the contract's order, what names its subjects and
/// makes its content key, its signals and its reading.
pub const SPEC: DocumentSpec = DocumentSpec {
    document_type: DocumentType::BusinessRegistration,
    fields: &[
        FieldSpec::new(FieldKey::EnterpriseCode, Format::EnterpriseCode)
            .names(SubjectKind::Enterprise)
            .keyed(),
        FieldSpec::new(FieldKey::EnterpriseName, Format::Text).keyed(),
        FieldSpec::new(FieldKey::HeadOfficeAddress, Format::Place)
            .keyed()
            .home(2),
        FieldSpec::new(FieldKey::CharterCapitalVnd, Format::Money).keyed(),
        FieldSpec::new(FieldKey::LegalRepresentativeName, Format::Name)
            .keyed()
            .name_of(FieldKey::LegalRepresentativeIdNumber),
        FieldSpec::new(
            FieldKey::LegalRepresentativeIdNumber,
            Format::Digits(&[12, 9]),
        )
        .names(SubjectKind::Citizen),
        FieldSpec::new(FieldKey::FirstRegistrationDate, Format::Date),
    ],
    supersedes_through: &[SubjectKind::Enterprise],
    keywords: KEYWORDS,
    constraints: &[],
    extract: |layout, _| extract(layout).into(),
};

const KEYWORDS: &[Keyword] = &[
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

const VOCAB: &[Label] = &[
    Label::new(
        "enterprise_code",
        &[
            "Mã số doanh nghiệp",
            "Mã số doanh nghiệp/Mã số thuế",
            "Mã số DN",
        ],
        &[],
    ),
    Label::new(
        "enterprise_name",
        &[
            "Tên công ty viết bằng tiếng Việt",
            "Tên doanh nghiệp viết bằng tiếng Việt",
            "Tên công ty bằng tiếng Việt",
            "Tên doanh nghiệp bằng tiếng Việt",
        ],
        &[],
    ),
    Label::new("name_heading", &["Tên công ty", "Tên doanh nghiệp"], &[]),
    Label::new(
        "-",
        &[
            "Tên công ty viết bằng tiếng nước ngoài",
            "Tên doanh nghiệp viết bằng tiếng nước ngoài",
            "Tên công ty viết tắt",
            "Tên doanh nghiệp viết tắt",
        ],
        &[],
    ),
    Label::new(
        "head_office_address",
        &["Địa chỉ trụ sở chính", "Trụ sở chính"],
        &[],
    ),
    Label::new(
        "-",
        &["Điện thoại", "Fax", "Email", "Website", "Thư điện tử"],
        &[],
    ),
    Label::new("charter_capital", &["Vốn điều lệ"], &[]),
    Label::new(
        "-",
        &[
            "Bằng chữ",
            "Mệnh giá cổ phần",
            "Tổng số cổ phần",
            "Vốn đầu tư",
        ],
        &[],
    ),
    Label::new(
        "representative",
        &[
            "Người đại diện theo pháp luật của công ty",
            "Người đại diện theo pháp luật của doanh nghiệp",
            "Người đại diện theo pháp luật",
        ],
        &[],
    ),
    Label::new(
        "owner",
        &[
            "Thông tin về chủ sở hữu",
            "Chủ sở hữu",
            "Thông tin về chủ doanh nghiệp tư nhân",
            "Thông tin về thành viên",
        ],
        &[],
    ),
    Label::new("name", &["Họ và tên", "Họ, chữ đệm và tên", "Họ tên"], &[]),
    Label::new(
        "id_number",
        &[
            "Số giấy tờ pháp lý của cá nhân",
            "Số định danh cá nhân",
            "Số giấy chứng thực cá nhân",
            "Số giấy tờ chứng thực cá nhân",
            "Số Căn cước công dân",
            "Số CCCD",
            "Số CMND",
        ],
        &[],
    ),
    Label::new(
        "-",
        &[
            "Loại giấy tờ pháp lý của cá nhân",
            "Loại giấy tờ chứng thực cá nhân",
            "Giới tính",
            "Chức danh",
            "Sinh ngày",
            "Ngày sinh",
            "Dân tộc",
            "Quốc tịch",
            "Ngày cấp",
            "Nơi cấp",
            "Địa chỉ thường trú",
            "Địa chỉ liên lạc",
            "Nơi đăng ký hộ khẩu thường trú",
            "Chỗ ở hiện tại",
        ],
        &[],
    ),
    Label::new("first_registration", &["Đăng ký lần đầu"], &[]),
    Label::new("-", &["Đăng ký thay đổi lần thứ"], &[]),
    Label::new("-", &["Cộng hòa xã hội chủ nghĩa Việt Nam"], &[]),
    Label::new("-", &["Độc lập - Tự do - Hạnh phúc"], &[]),
    Label::new("-", &["Giấy chứng nhận đăng ký doanh nghiệp"], &[]),
];

const COMPANY: &[Rule] = &[
    Rule::new(
        FieldKey::EnterpriseCode,
        "enterprise_code",
        Kind::EnterpriseCode,
    ),
    Rule::new(
        FieldKey::EnterpriseName,
        "enterprise_name",
        Kind::Enterprise,
    )
    .multiline(),
    Rule::new(FieldKey::EnterpriseName, "name_heading", Kind::Enterprise).multiline(),
    Rule::new(
        FieldKey::HeadOfficeAddress,
        "head_office_address",
        Kind::Text,
    )
    .multiline(),
    Rule::new(FieldKey::CharterCapitalVnd, "charter_capital", Kind::Money),
    Rule::new(
        FieldKey::FirstRegistrationDate,
        "first_registration",
        Kind::Date,
    ),
];

const REPRESENTATIVE: &[Rule] = &[
    Rule::new(FieldKey::LegalRepresentativeName, "name", Kind::Name),
    Rule::new(
        FieldKey::LegalRepresentativeIdNumber,
        "id_number",
        Kind::Id(&[12, 9]),
    ),
];

pub fn extract(layout: &Layout) -> Output {
    let mut out = Output::default();
    let hits = find_hits(layout, VOCAB);
    apply_rules(layout, &hits, COMPANY, &mut out);
    if let Some(range) = section(&hits, "representative", &["owner"], layout.lines.len()) {
        let part = layout.slice(range.start, range.end);
        let part_hits = find_hits(&part, VOCAB);
        apply_rules(&part, &part_hits, REPRESENTATIVE, &mut out);
    }
    out
}
