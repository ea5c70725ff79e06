//! Word lists the synthetic people, places and companies are composed from. Every combination
//! is random: none of it describes a real person.

/// A province as the citizen id numbering knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    /// The three-digit birth-registration code of the 12-digit citizen id.
    pub code: &'static str,
    pub name: &'static str,
    /// Centrally-run cities are "Thành phố X", the others "Tỉnh X".
    pub city: bool,
}

const fn p(code: &'static str, name: &'static str, city: bool) -> Province {
    Province { code, name, city }
}

/// Province codes of the citizen id (Circular 07/2016/TT-BCA), the 63 provinces.
pub const PROVINCES: &[Province] = &[
    p("001", "Hà Nội", true),
    p("002", "Hà Giang", false),
    p("004", "Cao Bằng", false),
    p("006", "Bắc Kạn", false),
    p("008", "Tuyên Quang", false),
    p("010", "Lào Cai", false),
    p("011", "Điện Biên", false),
    p("012", "Lai Châu", false),
    p("014", "Sơn La", false),
    p("015", "Yên Bái", false),
    p("017", "Hòa Bình", false),
    p("019", "Thái Nguyên", false),
    p("020", "Lạng Sơn", false),
    p("022", "Quảng Ninh", false),
    p("024", "Bắc Giang", false),
    p("025", "Phú Thọ", false),
    p("026", "Vĩnh Phúc", false),
    p("027", "Bắc Ninh", false),
    p("030", "Hải Dương", false),
    p("031", "Hải Phòng", true),
    p("033", "Hưng Yên", false),
    p("034", "Thái Bình", false),
    p("035", "Hà Nam", false),
    p("036", "Nam Định", false),
    p("037", "Ninh Bình", false),
    p("038", "Thanh Hóa", false),
    p("040", "Nghệ An", false),
    p("042", "Hà Tĩnh", false),
    p("044", "Quảng Bình", false),
    p("045", "Quảng Trị", false),
    p("046", "Thừa Thiên Huế", false),
    p("048", "Đà Nẵng", true),
    p("049", "Quảng Nam", false),
    p("051", "Quảng Ngãi", false),
    p("052", "Bình Định", false),
    p("054", "Phú Yên", false),
    p("056", "Khánh Hòa", false),
    p("058", "Ninh Thuận", false),
    p("060", "Bình Thuận", false),
    p("062", "Kon Tum", false),
    p("064", "Gia Lai", false),
    p("066", "Đắk Lắk", false),
    p("067", "Đắk Nông", false),
    p("068", "Lâm Đồng", false),
    p("070", "Bình Phước", false),
    p("072", "Tây Ninh", false),
    p("074", "Bình Dương", false),
    p("075", "Đồng Nai", false),
    p("077", "Bà Rịa - Vũng Tàu", false),
    p("079", "Hồ Chí Minh", true),
    p("080", "Long An", false),
    p("082", "Tiền Giang", false),
    p("083", "Bến Tre", false),
    p("084", "Trà Vinh", false),
    p("086", "Vĩnh Long", false),
    p("087", "Đồng Tháp", false),
    p("089", "An Giang", false),
    p("091", "Kiên Giang", false),
    p("092", "Cần Thơ", true),
    p("093", "Hậu Giang", false),
    p("094", "Sóc Trăng", false),
    p("095", "Bạc Liêu", false),
    p("096", "Cà Mau", false),
];

/// Provinces drawn more often, as most dossiers come from the big cities.
pub const FREQUENT_PROVINCES: &[&str] = &["001", "079", "074", "033", "031", "048", "075", "027"];

pub fn province_by_code(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code)
}

/// Real district names for the frequent provinces; elsewhere a generic pool is used.
pub fn districts_of(code: &str) -> &'static [(&'static str, &'static str)] {
    match code {
        "001" => &[
            ("Quận", "Ba Đình"),
            ("Quận", "Cầu Giấy"),
            ("Quận", "Đống Đa"),
            ("Quận", "Hai Bà Trưng"),
            ("Quận", "Hoàng Mai"),
            ("Quận", "Long Biên"),
            ("Quận", "Thanh Xuân"),
            ("Quận", "Tây Hồ"),
            ("Huyện", "Đông Anh"),
            ("Huyện", "Gia Lâm"),
            ("Huyện", "Đan Phượng"),
        ],
        "079" => &[
            ("Quận", "1"),
            ("Quận", "3"),
            ("Quận", "7"),
            ("Quận", "10"),
            ("Quận", "Bình Thạnh"),
            ("Quận", "Gò Vấp"),
            ("Quận", "Phú Nhuận"),
            ("Quận", "Tân Bình"),
            ("Thành phố", "Thủ Đức"),
            ("Huyện", "Củ Chi"),
        ],
        "074" => &[
            ("Thành phố", "Thủ Dầu Một"),
            ("Thành phố", "Thuận An"),
            ("Thành phố", "Dĩ An"),
            ("Thành phố", "Tân Uyên"),
            ("Thị xã", "Bến Cát"),
            ("Huyện", "Bàu Bàng"),
        ],
        "033" => &[
            ("Thành phố", "Hưng Yên"),
            ("Thị xã", "Mỹ Hào"),
            ("Huyện", "Văn Lâm"),
            ("Huyện", "Yên Mỹ"),
            ("Huyện", "Khoái Châu"),
            ("Huyện", "Kim Động"),
        ],
        "048" => &[
            ("Quận", "Hải Châu"),
            ("Quận", "Thanh Khê"),
            ("Quận", "Sơn Trà"),
            ("Quận", "Liên Chiểu"),
            ("Huyện", "Hòa Vang"),
        ],
        _ => GENERIC_DISTRICTS,
    }
}

const GENERIC_DISTRICTS: &[(&str, &str)] = &[
    ("Huyện", "Yên Lạc"),
    ("Huyện", "Tân Lạc"),
    ("Huyện", "Hải Hậu"),
    ("Huyện", "Kim Sơn"),
    ("Huyện", "Quỳnh Lưu"),
    ("Huyện", "Đức Thọ"),
    ("Huyện", "Phù Cát"),
    ("Huyện", "Cam Lâm"),
    ("Huyện", "Châu Thành"),
    ("Huyện", "Long Thành"),
    ("Huyện", "Tiên Du"),
    ("Huyện", "Thủy Nguyên"),
    ("Thị xã", "Sơn Tây"),
    ("Thị xã", "Phú Mỹ"),
    ("Thành phố", "Bà Rịa"),
    ("Thành phố", "Tam Kỳ"),
];

pub const WARDS: &[&str] = &[
    "Kim Mã",
    "Dịch Vọng",
    "Láng Hạ",
    "Tân Định",
    "Bến Nghé",
    "Phú Lợi",
    "Hiệp Thành",
    "Tân An",
    "An Phú",
    "Bình Hòa",
    "Thạnh Lộc",
    "Hòa Khánh",
    "Phước Long",
    "Đông Hòa",
    "Tân Lập",
    "Quang Trung",
    "Minh Khai",
    "Hưng Phú",
    "Trung Hòa",
    "Yên Hòa",
    "Nghĩa Đô",
    "Xuân La",
    "Thanh Bình",
    "Hải Châu",
    "Vĩnh Phúc",
    "Phú Thượng",
    "Tân Mai",
    "Đồng Tâm",
    "Hòa Thuận",
    "Lộc Thọ",
];

pub const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Điện Biên Phủ",
    "Phan Đình Phùng",
    "Nguyễn Văn Cừ",
    "Cách Mạng Tháng Tám",
    "Võ Văn Kiệt",
    "Hoàng Quốc Việt",
    "Xuân Thủy",
    "Trường Chinh",
    "Giải Phóng",
    "Lạc Long Quân",
    "Nguyễn Chí Thanh",
    "Phạm Văn Đồng",
    "Lê Duẩn",
    "Hùng Vương",
    "Quang Trung",
    "Bạch Đằng",
    "Nguyễn Huệ",
];

pub const HAMLETS: &[&str] = &[
    "Thôn Đông",
    "Thôn Trung",
    "Thôn Yên Phú",
    "Thôn Hạ",
    "Xóm Mới",
    "Ấp Bình Hòa",
    "Ấp 3",
    "Khu phố 4",
    "Khu phố Tân Phước",
    "Tổ dân phố 7",
];

pub const SURNAMES: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương",
];

pub const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Ngọc", "Xuân", "Trọng", "Quốc",
    "Gia", "Tiến",
];

pub const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim", "Phương", "Bảo", "Hoài", "Khánh",
    "Diệu",
];

pub const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Huy", "Khoa", "Long", "Minh", "Nam", "Phúc",
    "Quân", "Sơn", "Tuấn", "Việt", "Thắng", "Hiếu", "Khải", "Lộc", "Nghĩa", "Trung", "Vũ", "Hoàng",
    "Đức", "Tùng", "Kiên",
];

pub const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Chi", "Dung", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương",
    "Quỳnh", "Thảo", "Trang", "Vy", "Yến", "Ngọc", "Huyền", "Thủy", "Loan", "Hạnh", "Nhi", "Tuyết",
    "Oanh",
];

pub const ETHNICITIES: &[&str] = &[
    "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Tày", "Thái", "Mường",
    "Khmer", "Hoa", "Nùng", "H'Mông", "Dao",
];

pub const MARK_KINDS: &[&str] = &["Nốt ruồi", "Sẹo chấm", "Sẹo", "Nốt ruồi son"];

pub const MARK_PLACES: &[&str] = &[
    "trên trước đầu lông mày trái",
    "trên sau đầu lông mày phải",
    "dưới sau đuôi mắt trái",
    "dưới trước cánh mũi phải",
    "dưới sau mép phải",
    "trên trước vành tai trái",
    "dưới cằm",
    "trên sau đuôi mắt phải",
];

pub const HOSPITALS: &[&str] = &[
    "Bệnh viện Phụ sản",
    "Bệnh viện Đa khoa",
    "Bệnh viện Sản Nhi",
    "Trung tâm Y tế",
];

pub const RELATIONS_CHILD: &[&str] = &["Con", "Con", "Con", "Cháu", "Con đẻ"];

/// Business-name words with the English the foreign-language name uses.
pub const SECTORS: &[(&str, &str)] = &[
    ("THƯƠNG MẠI", "TRADING"),
    ("DỊCH VỤ", "SERVICES"),
    ("XÂY DỰNG", "CONSTRUCTION"),
    ("CÔNG NGHỆ", "TECHNOLOGY"),
    ("ĐẦU TƯ", "INVESTMENT"),
    ("SẢN XUẤT", "MANUFACTURING"),
    ("VẬN TẢI", "TRANSPORT"),
    ("THỰC PHẨM", "FOOD"),
    ("GIẢI PHÁP PHẦN MỀM", "SOFTWARE SOLUTIONS"),
    ("KỸ THUẬT", "ENGINEERING"),
    ("XUẤT NHẬP KHẨU", "IMPORT EXPORT"),
    ("DU LỊCH", "TRAVEL"),
    ("MAY MẶC", "GARMENT"),
    ("NỘI THẤT", "FURNITURE"),
];

pub const BRANDS: &[&str] = &[
    "AN PHÁT",
    "HƯNG THỊNH",
    "MINH KHANG",
    "PHÚC LỘC",
    "SAO VIỆT",
    "THIÊN AN",
    "HOÀNG GIA",
    "ĐẠI NAM",
    "TÂN TIẾN",
    "VẠN XUÂN",
    "BÌNH MINH",
    "HẢI ĐĂNG",
    "KIM NGÂN",
    "NAM PHONG",
    "TRƯỜNG AN",
    "ÁNH DƯƠNG",
    "LẠC HỒNG",
];

/// Tax-code prefixes of the enterprise code for the provinces businesses are drawn from.
pub const BUSINESS_PROVINCES: &[(&str, &str)] = &[
    ("001", "01"),
    ("079", "03"),
    ("031", "02"),
    ("048", "04"),
    ("074", "37"),
    ("075", "36"),
    ("092", "18"),
    ("027", "23"),
    ("033", "09"),
];
