//! Placeholder until the area lands.
#![allow(missing_docs)]
fn main() {}
