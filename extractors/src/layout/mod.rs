//! Page geometry: words to tokens, tokens to lines, labels to values.

pub mod labels;
pub mod lines;
pub mod token;
pub mod value;

pub use labels::{find_hits, Hit, Hits, Label};
pub use lines::{Layout, Line};
pub use token::Token;
pub use value::{column_value, value_of, values_for, Value, ValueOpts};
