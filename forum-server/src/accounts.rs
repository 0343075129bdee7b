//! The forum's database: accounts (a pseudonym each, nothing personal) and open sign-ups
//! (the core's saved request, taken once).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

/// Why the database failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("the forum's database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A forum account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its number (shown to the member).
    pub number: i64,
    /// The forum's pseudonym for the person (base64url of the BBS pseudonym).
    pub pseudonym: String,
    /// When it was made (Unix seconds).
    pub since: i64,
    /// How many times it signed in (1 on the first).
    pub visits: i64,
}

impl Account {
    /// Whether this sign-in made the account.
    #[must_use]
    pub fn is_new(&self) -> bool {
        self.visits == 1
    }
}

/// An account from a row of `number, pseudonym, created_at, visits`.
fn account_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        number: row.get(0)?,
        pseudonym: row.get(1)?,
        since: row.get(2)?,
        visits: row.get(3)?,
    })
}

/// An open sign-up as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenSignUp {
    pub transaction: String,
    pub saved: String,
    pub same_device: bool,
}

/// Where a sign-up stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No answer yet.
    Pending,
    /// Signed in to this account; the response code the page must show (same device).
    SignedIn(Account, Option<String>),
    /// Refused or declined, with the code.
    Refused(String),
    /// Signed in on the same device, but asked without the response code the wallet's
    /// redirect carried (a session fixation attempt, or a stale page).
    WrongCode,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    number     INTEGER PRIMARY KEY,
    pseudonym  TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    visits     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signups (
    transaction_id TEXT PRIMARY KEY,
    state          TEXT NOT NULL UNIQUE,
    saved          TEXT,
    same_device    INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    account        INTEGER REFERENCES accounts(number),
    response_code  TEXT,
    error          TEXT
);
";

/// The forum's SQLite database.
#[derive(Debug)]
pub struct AccountStore {
    conn: Connection,
}

impl AccountStore {
    /// Opens (creating) the database at `path`.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::with(Connection::open(path)?)
    }

    /// A database in memory (tests).
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::with(Connection::open_in_memory()?)
    }

    fn with(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// How many accounts exist.
    ///
    /// # Errors
    /// [`StoreError`].
    pub fn account_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM accounts", [], |row| row.get(0))?)
    }

    /// Signs `pseudonym` in: its account, made now if it has none.
    pub(crate) fn bind(&self, pseudonym: &str, now: i64) -> Result<Account, StoreError> {
        Ok(self.conn.query_row(
            "INSERT INTO accounts (pseudonym, created_at, last_seen, visits) VALUES (?1, ?2, ?2, 1)
             ON CONFLICT(pseudonym) DO UPDATE SET visits = visits + 1, last_seen = ?2
             RETURNING number, pseudonym, created_at, visits",
            params![pseudonym, now],
            account_of,
        )?)
    }

    /// Records an open sign-up (and drops the expired ones).
    pub(crate) fn open_signup(
        &self,
        open: &OpenSignUp,
        state: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM signups WHERE expires_at < ?1", [now])?;
        self.conn.execute(
            "INSERT INTO signups (transaction_id, state, saved, same_device, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                open.transaction,
                state,
                open.saved,
                open.same_device,
                expires_at
            ],
        )?;
        Ok(())
    }

    /// Takes the open sign-up of `state` for good: a second answer finds nothing.
    pub(crate) fn take_signup(&self, state: &str) -> Result<Option<OpenSignUp>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let open = tx
            .query_row(
                "SELECT transaction_id, saved, same_device FROM signups
                 WHERE state = ?1 AND saved IS NOT NULL",
                [state],
                |row| {
                    Ok(OpenSignUp {
                        transaction: row.get(0)?,
                        saved: row.get(1)?,
                        same_device: row.get(2)?,
                    })
                },
            )
            .optional()?;
        tx.execute("UPDATE signups SET saved = NULL WHERE state = ?1", [state])?;
        tx.commit()?;
        Ok(open)
    }

    /// Records how the sign-up of `transaction` ended.
    pub(crate) fn finish(
        &self,
        transaction: &str,
        account: Result<(&Account, Option<&str>), &str>,
    ) -> Result<(), StoreError> {
        let (number, code, error) = match account {
            Ok((account, code)) => (Some(account.number), code, None),
            Err(error) => (None, None, Some(error)),
        };
        self.conn.execute(
            "UPDATE signups SET account = ?2, response_code = ?3, error = ?4 WHERE transaction_id = ?1",
            params![transaction, number, code, error],
        )?;
        Ok(())
    }

    /// Where the sign-up of `transaction` stands (`None`: no such sign-up). A finished
    /// one is read once, with the response code if it has one, then forgotten.
    pub(crate) fn outcome(
        &self,
        transaction: &str,
        presented_code: Option<&str>,
    ) -> Result<Option<Outcome>, StoreError> {
        type Row = (Option<String>, Option<i64>, Option<String>, Option<String>);
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT saved, account, response_code, error FROM signups WHERE transaction_id = ?1",
                [transaction],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?;
        let Some((_saved, account, code, error)) = row else {
            return Ok(None);
        };
        let outcome = match (account, error) {
            (Some(_), _) if code.is_some() && code.as_deref() != presented_code => {
                return Ok(Some(Outcome::WrongCode));
            }
            (Some(number), _) => {
                let account = self.conn.query_row(
                    "SELECT number, pseudonym, created_at, visits FROM accounts WHERE number = ?1",
                    [number],
                    account_of,
                )?;
                Outcome::SignedIn(account, code)
            }
            (None, Some(error)) => Outcome::Refused(error),
            // Open, or taken and being verified.
            (None, None) => return Ok(Some(Outcome::Pending)),
        };
        self.conn.execute(
            "DELETE FROM signups WHERE transaction_id = ?1",
            [transaction],
        )?;
        Ok(Some(outcome))
    }
}
