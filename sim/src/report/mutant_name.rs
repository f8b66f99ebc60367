//! A mutant in a report or regression file, written by its name: typed in memory, so a file
//! naming a mutant this build does not have (renamed, or a typo) fails to load, naming it,
//! instead of replaying the correct engine.

use engine::mutants::Mutant;
use serde::{de, Deserialize, Deserializer, Serializer};

/// Serializes `Some(m)` as `m.name()`. Used with `skip_serializing_if = "Option::is_none"`.
pub fn serialize<S: Serializer>(m: &Option<Mutant>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(m.name()),
        None => s.serialize_none(),
    }
}

/// Reads a mutant's name; an unknown name is an error that names it and lists the known ones.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Mutant>, D::Error> {
    let Some(name) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    Mutant::from_name(&name).map(Some).ok_or_else(|| {
        let known: Vec<&str> = Mutant::ALL.iter().map(|m| m.name()).collect();
        de::Error::custom(format!(
            "no such mutant `{name}` (this build has: {})",
            known.join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use engine::mutants::Mutant;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(default, with = "super", skip_serializing_if = "Option::is_none")]
        mutant: Option<Mutant>,
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused_by_name() {
        for m in Mutant::ALL {
            let text = serde_json::to_string(&Holder { mutant: Some(m) }).unwrap();
            assert_eq!(serde_json::from_str::<Holder>(&text).unwrap().mutant, Some(m));
        }
        assert_eq!(serde_json::from_str::<Holder>("{}").unwrap().mutant, None);
        let err = serde_json::from_str::<Holder>(r#"{"mutant":"get-skips-reff"}"#).unwrap_err();
        assert!(err.to_string().contains("no such mutant `get-skips-reff`"), "{err}");
    }
}
