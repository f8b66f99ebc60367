//! What a mutant is: its bug class, and the `mutants!` macro that declares [`super::Mutant`] from
//! the table in `mod.rs`.

/// What kind of bug a mutant is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BugClass {
    /// Shows only under a particular interleaving.
    Interleaving,
    /// An interleaving bug whose window must span another thread's whole compaction.
    LongWindow,
    /// A wrong rule that shows in any interleaving that exercises it.
    Logic,
    /// A too-weak atomic ordering.
    MemoryOrdering,
    /// What survives a crash is wrong.
    Durability,
}

impl BugClass {
    /// Every class.
    pub const ALL: [BugClass; 5] = [
        BugClass::Interleaving,
        BugClass::LongWindow,
        BugClass::Logic,
        BugClass::MemoryOrdering,
        BugClass::Durability,
    ];
}

/// Declares [`Mutant`] from one table: a row per mutant with everything said about it.
macro_rules! mutants {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident {
            name: $name:literal,
            class: $class:ident,
            source: $source:literal,
            summary: $summary:literal,
            expects: [$($kind:literal),* $(,)?],
        }
    ),* $(,)?) => {
        /// A selectable bug.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Mutant {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Mutant {
            /// Every mutant, in the table's order.
            pub const ALL: [Mutant; [$(stringify!($variant)),*].len()] = [$(Mutant::$variant),*];

            /// The name used on command lines and in reports.
            pub fn name(self) -> &'static str {
                match self { $(Mutant::$variant => $name,)* }
            }

            /// What kind of bug it is: which explorers are asked to find it follows from this
            /// (`lsmcheck/src/gate/applicability.rs`), and the saved regressions cover every
            /// class.
            pub fn class(self) -> BugClass {
                match self { $(Mutant::$variant => BugClass::$class,)* }
            }

            /// The catalogue entry it mirrors (`docs/invariants.md`), or the invariant it breaks.
            pub fn source(self) -> &'static str {
                match self { $(Mutant::$variant => $source,)* }
            }

            /// One line: what goes wrong and which oracle should see it.
            pub fn summary(self) -> &'static str {
                match self { $(Mutant::$variant => $summary,)* }
            }

            /// The violation kinds (as reports name them) this bug is expected to cause; a run
            /// that fails with any other kind did not find this bug and does not kill it.
            pub fn expected_kinds(self) -> &'static [&'static str] {
                match self { $(Mutant::$variant => &[$($kind),*],)* }
            }
        }
    };
}
