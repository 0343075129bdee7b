//! The issuer's embedded SQLite database: every durable fact the issuer keeps, and the
//! transactions that change them. One `Store` is one connection; the server keeps one
//! behind a mutex and calls it from blocking threads.
//!
//! Safety rules: WAL mode with `synchronous = FULL` (a committed issuance survives a power
//! cut, so a status index is never handed out twice); every multi-row change is one
//! transaction; single-use things (offer codes, access grants) are consumed by a
//! conditional `UPDATE` so two concurrent redemptions cannot both win; the schema is
//! versioned (`PRAGMA user_version`) and a database from a newer version is refused, not
//! rewritten. Personal claims and private keys are sealed under a key-encryption key the
//! database does not hold ([`crate::sealing`]).

mod grants;
mod keys;
mod nym;
mod persons;
mod sealed_rows;
mod status;

use std::path::Path;

use rand_core::OsRng;
use rusqlite::{Connection, OptionalExtension, params};

use crate::sealing::{KeyEncryptionKey, SealError, Sealer};

pub use grants::{BatchRequest, GrantError, Issuance, RefreshGrant, StatusLayout};
pub use nym::NymBindingError;
pub use persons::{NewOffer, PersonRow};
pub use status::StatusListRow;

/// One schema migration: its SQL, then (in the same transaction) what the issuer must do
/// that SQL cannot, such as sealing an older database's plain values.
struct Migration {
    sql: &'static str,
    then: Option<MigrationStep>,
}

/// A migration's step in Rust.
type MigrationStep = fn(&Store) -> Result<(), StoreError>;

const fn sql(sql: &'static str) -> Migration {
    Migration { sql, then: None }
}

/// Schema migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[Migration] = &[
    sql(include_str!("store/schema.sql")),
    sql(include_str!("store/schema_v2.sql")),
    sql(include_str!("store/schema_v3.sql")),
    sql(include_str!("store/schema_v4.sql")),
    sql(include_str!("store/schema_v5.sql")),
    Migration {
        sql: include_str!("store/schema_v6.sql"),
        then: Some(Store::seal_plain_rows),
    },
    sql(include_str!("store/schema_v7.sql")),
];
/// The first schema version with sealed values.
const FIRST_SEALED_VERSION: i64 = 6;
/// How long a writer waits for another process's transaction (e.g. `revoke`) to end.
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No database at the path (commands other than `serve` never create one).
    #[error("no issuer database at {0}; run `cachet-issuer serve --db {0} ...` once to create it")]
    Missing(String),
    /// The database was written by a newer version of the issuer.
    #[error("the database has schema version {found}; this issuer knows up to {known}")]
    NewerSchema {
        /// The database's version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A stored value does not parse (the file was changed by something else).
    #[error("the database holds a malformed {0}")]
    Corrupt(&'static str),
    /// No such person.
    #[error("no person with id {0}")]
    UnknownPerson(String),
    /// A sealed value does not open: the key-encryption key is not this database's.
    #[error(transparent)]
    Sealing(#[from] SealError),
    /// SQLite failed (I/O, locking, a full disk).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The issuer database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    sealer: Sealer,
}

impl Store {
    /// Opens the database at `path`, creating it and applying migrations if needed; its
    /// sealed values open with `kek`.
    ///
    /// # Errors
    /// [`StoreError`] if it cannot be opened or is from a newer issuer.
    pub fn open_or_create(path: &Path, kek: &KeyEncryptionKey) -> Result<Self, StoreError> {
        let store = Self {
            conn: Connection::open(path)?,
            sealer: Sealer::new(kek),
        };
        store.configure()?;
        store.migrate()?;
        restrict_permissions(path);
        Ok(store)
    }

    /// Opens an existing database (for the admin commands).
    ///
    /// # Errors
    /// [`StoreError::Missing`] if there is none; otherwise as [`Store::open_or_create`].
    pub fn open_existing(path: &Path, kek: &KeyEncryptionKey) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        Self::open_or_create(path, kek)
    }

    /// Whether the database at `path` already holds sealed values (schema version 6 or
    /// later), so that only its own key-encryption key may open it: a missing key is then
    /// an error, never a reason to make a new one. `false` when there is no database.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] if the file is not a database.
    pub fn holds_sealed_values(path: &Path) -> Result<bool, StoreError> {
        if !path.exists() {
            return Ok(false);
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        Ok(version >= FIRST_SEALED_VERSION)
    }

    /// An in-memory database under a fresh random key-encryption key, for tests.
    ///
    /// # Errors
    /// As [`Store::open_or_create`].
    pub fn in_memory() -> Result<Self, StoreError> {
        let store = Self {
            conn: Connection::open_in_memory()?,
            sealer: Sealer::new(&KeyEncryptionKey::generate(&mut OsRng)),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        // Deleted content is overwritten with zeros, not left in free pages: an erased
        // private key must not be recoverable from a copy of the file.
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn
            .busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
        Ok(())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > known {
            return Err(StoreError::NewerSchema { found, known });
        }
        let mut migrated = false;
        for (version, migration) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(found).unwrap_or(0))
        {
            let tx = self.conn.unchecked_transaction()?;
            tx.execute_batch(migration.sql)?;
            if let Some(then) = migration.then {
                then(self)?;
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
            migrated = true;
        }
        if migrated && found > 0 {
            // An older database's plain values were overwritten (secure_delete); their
            // earlier page images leave with the log.
            self.checkpoint()?;
        }
        Ok(())
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// A value from the `meta` table.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE name = ?1", [name], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Sets a value in the `meta` table.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn set_meta(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }

    /// A counter bumped by every change a running server must notice (revocation, key
    /// rotation), possibly made by another process.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn revision(&self) -> Result<u64, StoreError> {
        Ok(self
            .meta(REVISION)?
            .and_then(|value| value.parse().ok())
            .unwrap_or(0))
    }

    /// Copies the write-ahead log into the database and truncates it, so that the old
    /// page images it holds (an erased key's among them) leave the files. Best effort
    /// beside readers: SQLite checkpoints what no open read transaction still needs.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn bump_revision(conn: &Connection) -> Result<(), StoreError> {
        conn.execute(
            "INSERT INTO meta (name, value) VALUES (?1, '1')
             ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            [REVISION],
        )?;
        Ok(())
    }
}

const REVISION: &str = "revision";

/// The database holds private keys and personal data: readable by its owner only.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            // Best effort: a file that does not exist yet is created with the umask.
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
    }
}

#[cfg(test)]
mod tests;
