//! Lists that must not name anything twice: a scenario's fields, a command line's flags.

/// A value listed twice would run (or require) the same thing twice and look like more.
pub(super) fn no_repeats<E: serde::de::Error, T: PartialEq + std::fmt::Debug>(field: &str, v: &[T]) -> Result<(), E> {
    match first_repeat(v) {
        Some(x) => Err(E::custom(format!("field `{field}`: {x:?} is listed twice"))),
        None => Ok(()),
    }
}

/// The first item that already appeared earlier in `items` (a scenario field or a command
/// line that names something twice).
pub fn first_repeat<T: PartialEq>(items: &[T]) -> Option<&T> {
    items
        .iter()
        .enumerate()
        .find(|(i, x)| items[..*i].contains(x))
        .map(|(_, x)| x)
}
