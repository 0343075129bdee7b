//! Where the database is: `--database URL` (`sqlite://PATH` or `postgres://...`) or
//! `--db PATH` (a SQLite file), parsed once at the edge.

use std::path::PathBuf;

/// A database location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (created by `serve` when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL database, as a `postgres://` URL (user, host, port, database, options).
    Postgres(String),
}

/// Why a `--database` URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocationError {
    /// The URL's scheme is neither `sqlite` nor `postgres`/`postgresql`.
    #[error("a database URL starts with sqlite:// or postgres:// (got {0:?})")]
    UnknownScheme(String),
    /// `sqlite://` with no path after it.
    #[error("sqlite:// needs a path, e.g. sqlite://issuer.db or sqlite:///var/lib/issuer.db")]
    EmptyPath,
}

impl Location {
    /// Parses a `--database` URL: `sqlite://PATH` (`sqlite:///abs` is `/abs`, anything
    /// else is relative to the working directory) or a `postgres://`/`postgresql://` URL,
    /// handed to the PostgreSQL client as it is.
    ///
    /// # Errors
    /// [`LocationError`].
    pub fn parse(url: &str) -> Result<Self, LocationError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(LocationError::EmptyPath);
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let scheme = url.split_once("://").map_or(url, |(scheme, _)| scheme);
        Err(LocationError::UnknownScheme(scheme.to_owned()))
    }

    /// The SQLite file, if it is one.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            Self::Sqlite(path) => Some(path),
            Self::Postgres(_) => None,
        }
    }

    /// For messages: the SQLite path, or the PostgreSQL URL without its password.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => without_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_parse_to_an_engine_and_a_place() {
        assert_eq!(
            Location::parse("sqlite:///var/lib/cachet/issuer.db"),
            Ok(Location::Sqlite("/var/lib/cachet/issuer.db".into()))
        );
        assert_eq!(
            Location::parse("sqlite://issuer.db"),
            Ok(Location::Sqlite("issuer.db".into()))
        );
        assert_eq!(Location::parse("sqlite://"), Err(LocationError::EmptyPath));
        assert!(matches!(
            Location::parse("postgresql://cachet@db:5432/issuer"),
            Ok(Location::Postgres(_))
        ));
        assert_eq!(
            Location::parse("mysql://x"),
            Err(LocationError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            Location::parse("issuer.db"),
            Err(LocationError::UnknownScheme("issuer.db".into()))
        );
        assert_eq!(
            Location::parse("postgres://cachet:hunter2@db:5432/issuer?sslmode=disable")
                .unwrap()
                .describe(),
            "postgres://cachet:***@db:5432/issuer?sslmode=disable"
        );
    }
}
