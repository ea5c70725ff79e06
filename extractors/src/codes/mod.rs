//! Machine-readable sources on a citizen ID card: the QR payload and the TD1 MRZ.

pub mod mrz;
pub mod qr;

pub use mrz::{check_digit, find_mrz, Mrz, MrzData};
pub use qr::{parse_qr, QrData};
