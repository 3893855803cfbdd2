//! Small pieces shared by the views.

pub mod code_text;
pub mod copy_button;

pub use code_text::code_text;
pub use copy_button::CopyButton;
