//! RFC 6901 JSON Pointers, which name the selectively disclosable claims when issuing and
//! the claims to disclose when presenting (`/address/locality`, `/nationalities/0`).

use core::fmt;

/// Why a string is not a JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PointerError {
    /// A non-empty pointer must start with `/`.
    #[error("a JSON pointer must be empty or start with '/': {0:?}")]
    MissingSlash(String),
    /// `~` must be followed by `0` or `1`.
    #[error("invalid escape in JSON pointer {0:?}")]
    InvalidEscape(String),
}

/// A parsed JSON Pointer: its unescaped reference tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct JsonPointer {
    tokens: Vec<String>,
}

impl JsonPointer {
    /// The pointer to the whole document.
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses `/a/b~1c`.
    ///
    /// # Errors
    /// [`PointerError`] for a pointer that does not follow RFC 6901.
    pub fn parse(text: &str) -> Result<Self, PointerError> {
        if text.is_empty() {
            return Ok(Self::root());
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError::MissingSlash(text.to_owned()));
        };
        let tokens = rest
            .split('/')
            .map(|token| {
                unescape(token).ok_or_else(|| PointerError::InvalidEscape(text.to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { tokens })
    }

    /// The pointer made of these (unescaped) tokens.
    #[must_use]
    pub(crate) fn from_tokens(tokens: Vec<String>) -> Self {
        Self { tokens }
    }

    /// This pointer extended by one token.
    #[must_use]
    pub fn child(&self, token: impl Into<String>) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        Self { tokens }
    }

    /// The reference tokens.
    #[must_use]
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The value this pointer names inside `value`, if any.
    #[must_use]
    pub fn resolve<'v>(&self, value: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.tokens
            .iter()
            .try_fold(value, |current, token| match current {
                serde_json::Value::Object(object) => object.get(token),
                serde_json::Value::Array(items) => items.get(token.parse::<usize>().ok()?),
                _ => None,
            })
    }

    /// Whether `self` is `other` or one of its ancestors.
    #[must_use]
    pub fn contains(&self, other: &Self) -> bool {
        other.tokens.starts_with(&self.tokens)
    }
}

fn unescape(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            write!(f, "/{}", token.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

impl core::str::FromStr for JsonPointer {
    type Err = PointerError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6901_escapes_round_trip() {
        let pointer = JsonPointer::parse("/a~1b/m~0n/0").unwrap();
        assert_eq!(pointer.tokens(), ["a/b", "m~n", "0"]);
        assert_eq!(pointer.to_string(), "/a~1b/m~0n/0");
        assert_eq!(JsonPointer::parse("").unwrap(), JsonPointer::root());
    }

    #[test]
    fn rejects_bad_pointers() {
        assert!(matches!(
            JsonPointer::parse("a"),
            Err(PointerError::MissingSlash(_))
        ));
        assert!(matches!(
            JsonPointer::parse("/a~2"),
            Err(PointerError::InvalidEscape(_))
        ));
        assert!(matches!(
            JsonPointer::parse("/a~"),
            Err(PointerError::InvalidEscape(_))
        ));
    }

    #[test]
    fn ancestry() {
        let a = JsonPointer::parse("/address").unwrap();
        let b = JsonPointer::parse("/address/locality").unwrap();
        assert!(a.contains(&b) && a.contains(&a) && !b.contains(&a));
        assert!(!JsonPointer::parse("/addr").unwrap().contains(&b));
    }
}
