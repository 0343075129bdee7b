//! The issuer's database: every durable fact the issuer keeps, and the transactions that
//! change them, on one of two engines ([`engine`]): SQLite embedded (the default, one
//! file), or PostgreSQL shared by any number of nodes.
//!
//! Safety rules: every multi-row change is one transaction; single-use things (offer
//! codes, access grants, `c_nonce`s) are consumed by a conditional `DELETE` or `UPDATE`, so
//! two concurrent redemptions (on one node or two) cannot both win; the schema is
//! versioned and a database from a newer version is refused, not rewritten. On SQLite: WAL
//! mode with `synchronous = FULL` (a committed issuance survives a power cut, so a status
//! index is never handed out twice) and `secure_delete`. Personal claims and private keys
//! are sealed under a key-encryption key the database does not hold ([`crate::sealing`]).

pub(crate) mod engine;
mod grants;
mod keys;
mod location;
mod nym;
mod persons;
mod sealed_rows;
mod single_use;
mod status;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rand_core::OsRng;
use rusqlite::{Connection, TransactionBehavior};

use crate::sealing::{KeyEncryptionKey, SealError, Sealer};
use engine::postgres::Manager;
use engine::sqlite::SqliteDb;
use engine::{Db, params};

pub use grants::{BatchRequest, GrantError, Issuance, RefreshGrant, StatusLayout};
pub use keys::StoredKey;
pub use location::{Location, LocationError};
pub use nym::NymBindingError;
pub use persons::{NewOffer, PersonRow};
pub use single_use::SingleUse;
pub use status::StatusListRow;

/// One schema migration: its SQL for each engine, then (in the same transaction) what the
/// issuer must do that SQL cannot, such as sealing an older database's plain values.
struct Migration {
    /// The SQLite script.
    sql: &'static str,
    /// The PostgreSQL script; `None` for the versions before PostgreSQL's first (its
    /// first script creates the schema as they left it).
    postgres: Option<&'static str>,
    then: Option<MigrationStep>,
}

/// A migration's step in Rust.
type MigrationStep = fn(&Store, &mut dyn Db) -> Result<(), StoreError>;

const fn sql(sql: &'static str) -> Migration {
    Migration {
        sql,
        postgres: None,
        then: None,
    }
}

/// Schema migrations, in order; the version counts those applied (SQLite's
/// `PRAGMA user_version`, PostgreSQL's `schema_version` table).
const MIGRATIONS: &[Migration] = &[
    sql(include_str!("store/schema.sql")),
    sql(include_str!("store/schema_v2.sql")),
    sql(include_str!("store/schema_v3.sql")),
    sql(include_str!("store/schema_v4.sql")),
    sql(include_str!("store/schema_v5.sql")),
    Migration {
        sql: include_str!("store/schema_v6.sql"),
        postgres: None,
        then: Some(Store::seal_plain_rows),
    },
    Migration {
        sql: include_str!("store/schema_v7.sql"),
        postgres: Some(include_str!("store/postgres/schema_v7.sql")),
        then: None,
    },
    Migration {
        sql: include_str!("store/schema_v8.sql"),
        postgres: Some(include_str!("store/postgres/schema_v8.sql")),
        then: None,
    },
];
/// The first schema version with sealed values.
const FIRST_SEALED_VERSION: i64 = 6;
/// How long a writer waits for another process's transaction (e.g. `revoke`) to end.
const BUSY_TIMEOUT_MS: u32 = 5_000;
/// The PostgreSQL advisory lock that serialises migrations of nodes starting together.
const MIGRATION_LOCK: i64 = 0x6361_6368_6574;

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
    /// The PostgreSQL URL does not parse.
    #[error("the PostgreSQL URL does not parse: {0}")]
    BadUrl(String),
    /// No PostgreSQL connection could be had (the server is down or refuses us).
    #[error("no connection to PostgreSQL: {0}")]
    Pool(String),
    /// SQLite failed (I/O, locking, a full disk).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (a lost connection, a constraint, a full disk).
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
}

/// The issuer database. It is shared by the server's blocking threads: SQLite behind a
/// mutex (one writer at a time, as SQLite allows), PostgreSQL through a pool.
#[derive(Debug)]
pub struct Store {
    engine: Engine,
    sealer: Sealer,
}

enum Engine {
    Sqlite(Mutex<Connection>),
    Postgres(r2d2::Pool<Manager>),
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite(_) => "Sqlite",
            Self::Postgres(_) => "Postgres",
        })
    }
}

impl Store {
    /// Opens the database at `location`, creating it (SQLite) and applying migrations if
    /// needed; its sealed values open with `kek`.
    ///
    /// # Errors
    /// [`StoreError`] if it cannot be opened or is from a newer issuer.
    pub fn open(location: &Location, kek: &KeyEncryptionKey) -> Result<Self, StoreError> {
        match location {
            Location::Sqlite(path) => Self::open_or_create(path, kek),
            Location::Postgres(url) => {
                let store = Self {
                    engine: Engine::Postgres(engine::postgres::pool(url)?),
                    sealer: Sealer::new(kek),
                };
                store.migrate()?;
                Ok(store)
            }
        }
    }

    /// Opens the SQLite database at `path`, creating it and applying migrations if
    /// needed; its sealed values open with `kek`.
    ///
    /// # Errors
    /// [`StoreError`] if it cannot be opened or is from a newer issuer.
    pub fn open_or_create(path: &Path, kek: &KeyEncryptionKey) -> Result<Self, StoreError> {
        let store = Self::sqlite(Connection::open(path)?, kek)?;
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

    /// Whether there is an issuer database at `location` (a SQLite file, or a PostgreSQL
    /// database with the issuer's schema).
    ///
    /// # Errors
    /// [`StoreError`] if PostgreSQL cannot be reached.
    pub fn exists(location: &Location) -> Result<bool, StoreError> {
        Ok(Self::version_at(location)?.is_some_and(|version| version > 0))
    }

    /// Whether the database at `location` already holds sealed values (schema version 6
    /// or later), so that only its own key-encryption key may open it: a missing key is
    /// then an error, never a reason to make a new one. `false` when there is no database.
    ///
    /// # Errors
    /// [`StoreError`] if it is not a database.
    pub fn holds_sealed_values(location: &Location) -> Result<bool, StoreError> {
        Ok(Self::version_at(location)?.is_some_and(|version| version >= FIRST_SEALED_VERSION))
    }

    /// The schema version of the database at `location`, read without opening it as a
    /// store (no key-encryption key needed); `None` for a SQLite file that is not there.
    fn version_at(location: &Location) -> Result<Option<i64>, StoreError> {
        match location {
            Location::Sqlite(path) => {
                if !path.exists() {
                    return Ok(None);
                }
                let conn =
                    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                Ok(Some(conn.pragma_query_value(
                    None,
                    "user_version",
                    |row| row.get(0),
                )?))
            }
            Location::Postgres(url) => {
                let pool = engine::postgres::pool(url)?;
                let mut conn = Self::pg(&pool)?;
                Ok(Some(engine::postgres::schema_version(&mut conn)?))
            }
        }
    }

    /// An in-memory database under a fresh random key-encryption key, for tests.
    ///
    /// # Errors
    /// As [`Store::open_or_create`].
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::sqlite(
            Connection::open_in_memory()?,
            &KeyEncryptionKey::generate(&mut OsRng),
        )
    }

    fn sqlite(conn: Connection, kek: &KeyEncryptionKey) -> Result<Self, StoreError> {
        configure_sqlite(&conn)?;
        let store = Self {
            engine: Engine::Sqlite(Mutex::new(conn)),
            sealer: Sealer::new(kek),
        };
        store.migrate()?;
        Ok(store)
    }

    fn pg(pool: &r2d2::Pool<Manager>) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        pool.get()
            .map_err(|error| StoreError::Pool(error.to_string()))
    }

    /// Runs `work` on a connection, outside a transaction (each statement on its own).
    fn read<T>(
        &self,
        work: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.engine {
            Engine::Sqlite(conn) => work(&mut SqliteDb(&lock(conn))),
            Engine::Postgres(pool) => work(&mut Self::pg(pool)?.db()),
        }
    }

    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back
    /// otherwise. On SQLite the write lock is taken at the start (`BEGIN IMMEDIATE`), so
    /// a transaction never fails half-way because another process wrote first.
    fn write<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&mut dyn Db) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let conn = lock(conn);
                let tx =
                    rusqlite::Transaction::new_unchecked(&conn, TransactionBehavior::Immediate)
                        .map_err(StoreError::from)?;
                let value = work(&mut SqliteDb(&tx))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(value)
            }
            Engine::Postgres(pool) => Self::pg(pool)?.transaction(work),
        }
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        match &self.engine {
            Engine::Sqlite(conn) => self.migrate_sqlite(&lock(conn), known),
            Engine::Postgres(pool) => {
                let scripts: Vec<Option<&str>> = MIGRATIONS
                    .iter()
                    .map(|migration| migration.postgres)
                    .collect();
                engine::postgres::migrate(&mut *Self::pg(pool)?, &scripts, MIGRATION_LOCK)
            }
        }
    }

    fn migrate_sqlite(&self, conn: &Connection, known: i64) -> Result<(), StoreError> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > known {
            return Err(StoreError::NewerSchema { found, known });
        }
        let mut migrated = false;
        for (version, migration) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(found).unwrap_or(0))
        {
            let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            tx.execute_batch(migration.sql)?;
            if let Some(then) = migration.then {
                then(self, &mut SqliteDb(&tx))?;
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
            migrated = true;
        }
        if migrated && found > 0 {
            // An older database's plain values were overwritten (secure_delete); their
            // earlier page images leave with the log.
            checkpoint_sqlite(conn)?;
        }
        Ok(())
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                Ok(lock(conn).pragma_query_value(None, "user_version", |row| row.get(0))?)
            }
            Engine::Postgres(pool) => engine::postgres::schema_version(&mut *Self::pg(pool)?),
        }
    }

    /// A value from the `meta` table.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn meta(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.read(|db| {
            db.query_opt("SELECT value FROM meta WHERE name = ?1", params![name])?
                .map(|row| row.text(0))
                .transpose()
        })
    }

    /// Sets a value in the `meta` table.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn set_meta(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.read(|db| {
            db.execute(
                "INSERT INTO meta (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )?;
            Ok(())
        })
    }

    /// A counter bumped by every change a running server must notice (revocation, key
    /// rotation), possibly made by another process or node.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn revision(&self) -> Result<u64, StoreError> {
        Ok(self
            .meta(REVISION)?
            .and_then(|value| value.parse().ok())
            .unwrap_or(0))
    }

    /// On SQLite, copies the write-ahead log into the database and truncates it, so that
    /// the old page images it holds (an erased key's among them) leave the files. Best
    /// effort beside readers: SQLite checkpoints what no open read transaction still
    /// needs. Nothing to do on PostgreSQL (see the README on what its files keep).
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        match &self.engine {
            Engine::Sqlite(conn) => checkpoint_sqlite(&lock(conn)),
            Engine::Postgres(_) => Ok(()),
        }
    }

    fn bump_revision(db: &mut dyn Db) -> Result<(), StoreError> {
        db.execute(
            "INSERT INTO meta (name, value) VALUES (?1, '1')
             ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
            params![REVISION],
        )?;
        Ok(())
    }

    /// The SQLite connection, for tests that look at the file's rows.
    #[cfg(test)]
    fn sqlite_conn(&self) -> MutexGuard<'_, Connection> {
        match &self.engine {
            Engine::Sqlite(conn) => lock(conn),
            Engine::Postgres(_) => panic!("not a SQLite store"),
        }
    }
}

const REVISION: &str = "revision";

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic mid-transaction rolled it back (the transaction's drop): the connection is
    // usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn configure_sqlite(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Deleted content is overwritten with zeros, not left in free pages: an erased
    // private key must not be recoverable from a copy of the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
    Ok(())
}

fn checkpoint_sqlite(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

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
