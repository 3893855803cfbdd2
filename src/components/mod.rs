//! Small pieces shared by the views.

pub mod code_text;
pub mod copy_button;
pub mod rule_why;

pub use code_text::code_text;
pub use copy_button::CopyButton;
pub use rule_why::{RuleWhy, severity_class};
