//! One module per view of the route table (`route::View`).

pub mod accept;
pub mod learn;
pub mod lint;
pub mod live;
