//! The PostgreSQL engine: the shared SQL on pooled `tokio-postgres` connections, each
//! statement prepared once per connection.
//!
//! The store's interface is blocking (the server calls it from blocking threads, as for
//! SQLite). The connections' I/O runs on a small runtime of the store's own; a caller
//! waits for its answer with a plain executor, which never drives a Tokio runtime, so a
//! call is safe from any thread (a blocking thread, a test's async body, `main`).

use std::cell::Cell as Shared;
use std::collections::HashMap;
use std::error::Error;

use futures_executor::block_on;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Statement};

use super::{Cell, Db, Row};
use crate::store::StoreError;
use crate::store::engine::Param;

/// Connections a node keeps open at most (each serves one transaction at a time).
pub(crate) const POOL_SIZE: u32 = 16;
/// How long a caller waits for a free connection before the request fails.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// One pooled connection and the statements prepared on it.
pub(crate) struct PgConnection {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl PgConnection {
    /// The shared SQL on this connection, outside a transaction.
    pub(crate) fn db(&mut self) -> PgDb<'_> {
        PgDb {
            client: &self.client,
            statements: &mut self.statements,
            begin: None,
        }
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back
    /// otherwise (also when it panics). `BEGIN` goes out with the first statement, in one
    /// round trip.
    ///
    /// # Errors
    /// What `work` returns, or [`StoreError`] from the engine.
    pub(crate) fn transaction<T, E: From<StoreError>>(
        &mut self,
        work: impl FnOnce(&mut dyn Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let begin = Shared::new(Begin::Pending);
        let open = Open {
            client: &self.client,
            begin: &begin,
        };
        let result = work(&mut PgDb {
            client: &self.client,
            statements: &mut self.statements,
            begin: Some(&begin),
        });
        if begin.replace(Begin::Ended) == Begin::Sent {
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let ended = block_on(self.client.batch_execute(end));
            if result.is_ok() {
                ended.map_err(StoreError::from)?;
            }
        }
        drop(open);
        result
    }
}

/// Where a transaction is: its `BEGIN` still to go out with the first statement, sent,
/// or ended (committed or rolled back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Begin {
    Pending,
    Sent,
    Ended,
}

/// Rolls back a transaction dropped while open (its work panicked), so the connection
/// goes back to the pool outside any transaction.
struct Open<'a> {
    client: &'a Client,
    begin: &'a Shared<Begin>,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if self.begin.get() == Begin::Sent {
            let _ = block_on(self.client.batch_execute("ROLLBACK"));
        }
    }
}

/// Opens connections for the pool, their I/O on the store's runtime.
pub(crate) struct Manager {
    config: tokio_postgres::Config,
    /// Where connections' I/O is spawned.
    handle: tokio::runtime::Handle,
    /// Kept for its drop only.
    _runtime: Runtime,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager").finish_non_exhaustive()
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<PgConnection, StoreError> {
        let config = self.config.clone();
        let connecting = self.handle.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            // Ends when the client is dropped or the server goes away.
            tokio::spawn(connection);
            Ok::<_, tokio_postgres::Error>(client)
        });
        let client = match block_on(connecting) {
            Ok(connected) => connected?,
            // The runtime is shutting down with the store.
            Err(_) => return Err(StoreError::Pool("the store is closing".into())),
        };
        Ok(PgConnection {
            client,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, connection: &mut PgConnection) -> Result<(), StoreError> {
        block_on(connection.client.simple_query(""))?;
        Ok(())
    }

    fn has_broken(&self, connection: &mut PgConnection) -> bool {
        connection.client.is_closed()
    }
}

/// The store's own runtime for connection I/O, shut down without waiting when the store
/// goes (which may happen inside another runtime, where waiting is not allowed).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// The pool of a node's connections to `url` (`postgres://user@host:port/database`).
///
/// # Errors
/// [`StoreError::BadUrl`] for a URL that does not parse; [`StoreError::Pool`] when no
/// connection can be opened.
pub(crate) fn pool(url: &str) -> Result<r2d2::Pool<Manager>, StoreError> {
    let config: tokio_postgres::Config = url
        .parse()
        .map_err(|error: tokio_postgres::Error| StoreError::BadUrl(error.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("cachet-postgres")
        .enable_all()
        .build()
        .map_err(|error| StoreError::Pool(error.to_string()))?;
    r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        // A broken connection is noticed by `has_broken` and by the failing statement; a
        // test query at every checkout would cost a round trip per transaction.
        .test_on_check_out(false)
        .connection_timeout(POOL_WAIT)
        .build(Manager {
            config,
            handle: runtime.handle().clone(),
            _runtime: Runtime(Some(runtime)),
        })
        .map_err(|error| StoreError::Pool(error.to_string()))
}

/// The schema version recorded in the database (0 for an empty one).
///
/// # Errors
/// [`StoreError::Postgres`].
pub(crate) fn schema_version(conn: &mut PgConnection) -> Result<i64, StoreError> {
    let exists = block_on(
        conn.client
            .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[]),
    )?
    .try_get::<_, bool>(0)?;
    if !exists {
        return Ok(0);
    }
    let version = block_on(
        conn.client
            .query_opt("SELECT version FROM schema_version", &[]),
    )?
    .map(|row| row.try_get::<_, i64>(0))
    .transpose()?;
    Ok(version.unwrap_or(0))
}

/// Applies the scripts the database lacks, in one transaction under an advisory lock (so
/// that nodes starting together migrate once). `scripts[n]` brings version `n` to `n + 1`;
/// a `None` is a version before PostgreSQL's first script, which creates the schema as
/// they left it.
///
/// # Errors
/// [`StoreError::NewerSchema`] for a database from a newer issuer; [`StoreError::Postgres`].
pub(crate) fn migrate(
    conn: &mut PgConnection,
    scripts: &[Option<&str>],
    lock: i64,
) -> Result<(), StoreError> {
    let known = i64::try_from(scripts.len()).unwrap_or(i64::MAX);
    let tx = block_on(conn.client.transaction())?;
    block_on(tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock]))?;
    block_on(
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"),
    )?;
    let found = block_on(tx.query_opt("SELECT version FROM schema_version", &[]))?
        .map(|row| row.try_get::<_, i64>(0))
        .transpose()?
        .unwrap_or(0);
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    if found == known {
        // Up to date (the usual start of a node): nothing to write.
        block_on(tx.commit())?;
        return Ok(());
    }
    for script in scripts
        .iter()
        .skip(usize::try_from(found).unwrap_or(0))
        .flatten()
    {
        block_on(tx.batch_execute(script))?;
    }
    block_on(tx.execute("DELETE FROM schema_version", &[]))?;
    block_on(tx.execute(
        "INSERT INTO schema_version (version) VALUES ($1)",
        &[&known],
    ))?;
    block_on(tx.commit())?;
    Ok(())
}

/// The shared SQL on a PostgreSQL connection, in a transaction or not.
pub(crate) struct PgDb<'a> {
    client: &'a Client,
    statements: &'a mut HashMap<String, Statement>,
    /// The transaction's state, if in one.
    begin: Option<&'a Shared<Begin>>,
}

impl PgDb<'_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = block_on(self.client.prepare(&dollar_placeholders(sql)))?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Runs `statement`, pipelined behind `BEGIN` if the transaction's is pending.
    fn run<T>(
        &self,
        statement: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        if let Some(begin) = self.begin
            && begin.get() == Begin::Pending
        {
            begin.set(Begin::Sent);
            let (_, value) = block_on(futures_util::future::try_join(
                self.client.batch_execute("BEGIN"),
                statement,
            ))?;
            return Ok(value);
        }
        Ok(block_on(statement)?)
    }
}

impl Db for PgDb<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let client = self.client;
        self.run(client.execute(&statement, &params))
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let client = self.client;
        self.run(client.query(&statement, &params))?
            .iter()
            .map(row)
            .collect()
    }
}

/// `?1` becomes `$1`: the shared SQL numbers its placeholders as SQLite writes them.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn row(row: &tokio_postgres::Row) -> Result<Row, StoreError> {
    let cells = row
        .columns()
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let ty = column.type_();
            let cell = if *ty == Type::INT8 {
                row.try_get::<_, Option<i64>>(index)?.map(Cell::Int)
            } else if *ty == Type::INT4 {
                row.try_get::<_, Option<i32>>(index)?
                    .map(|v| Cell::Int(v.into()))
            } else if *ty == Type::INT2 {
                row.try_get::<_, Option<i16>>(index)?
                    .map(|v| Cell::Int(v.into()))
            } else if *ty == Type::BOOL {
                row.try_get::<_, Option<bool>>(index)?
                    .map(|v| Cell::Int(v.into()))
            } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
                row.try_get::<_, Option<String>>(index)?.map(Cell::Text)
            } else if *ty == Type::BYTEA {
                row.try_get::<_, Option<Vec<u8>>>(index)?.map(Cell::Blob)
            } else {
                return Err(StoreError::Corrupt("column type"));
            };
            Ok(cell.unwrap_or(Cell::Null))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Row(cells))
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match *self {
            Self::Int(value) if *ty == Type::INT8 => value.to_sql(ty, out),
            Self::Int(value) if *ty == Type::INT4 => i32::try_from(value)?.to_sql(ty, out),
            Self::Int(value) if *ty == Type::INT2 => i16::try_from(value)?.to_sql(ty, out),
            Self::Int(value) if *ty == Type::BOOL => (value != 0).to_sql(ty, out),
            Self::Int(value) => value.to_string().as_str().to_sql(ty, out),
            Self::Text(value) => value.to_sql(ty, out),
            Self::Blob(value) => value.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_renumbered_for_postgres() {
        assert_eq!(
            super::dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c > ?12 OR d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c > $12 OR d = '?'"
        );
    }
}
