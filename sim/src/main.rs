//! The lsmcheck binary.
fn main() {}
