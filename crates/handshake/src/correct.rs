//! corrected
