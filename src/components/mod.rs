//! Small pieces shared by the views.

pub mod copy_button;

pub use copy_button::CopyButton;
