//! `paycore`: the payment engineer's calculator.
fn main() {}
