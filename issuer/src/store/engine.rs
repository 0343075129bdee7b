//! The two storage engines behind one interface. The issuer's rules (what a redemption
//! deletes, how status indices are drawn) are written once, as SQL both engines run,
//! over [`Db`]; an engine only opens connections, runs statements and transactions, and
//! converts values. SQLite is the embedded default (one file, one connection behind a
//! mutex); PostgreSQL is the engine for many nodes (a pool of connections, each statement
//! prepared once per connection).
//!
//! The shared SQL keeps to what both accept: `?N` placeholders (rewritten to `$N` for
//! PostgreSQL), `INTEGER`-valued columns read as `i64` (`BIGINT` there), `RETURNING`,
//! `ON CONFLICT`, and no engine-specific function.

pub(super) mod postgres;
pub(super) mod sqlite;

use super::StoreError;

/// A statement parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// An integer.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<u64> for Param<'_> {
    fn from(value: u64) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(value: &'a [u8]) -> Self {
        Self::Blob(value)
    }
}

impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(value: &'a Vec<u8>) -> Self {
        Self::Blob(value)
    }
}

/// Statement parameters: `params![a, b]` converts each into a [`Param`].
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::engine::Param::from($value)),*]
    };
}
pub(crate) use params;

/// A value read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    /// SQL `NULL`.
    Null,
    /// An integer (a PostgreSQL boolean reads as 0 or 1).
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// One result row.
#[derive(Debug, Clone)]
pub(crate) struct Row(pub(super) Vec<Cell>);

impl Row {
    fn cell(&self, index: usize) -> Result<&Cell, StoreError> {
        self.0.get(index).ok_or(StoreError::Corrupt("row shape"))
    }

    /// Column `index` as an integer.
    pub(crate) fn int(&self, index: usize) -> Result<i64, StoreError> {
        self.opt_int(index)?
            .ok_or(StoreError::Corrupt("missing integer"))
    }

    /// Column `index` as an integer that may be `NULL`.
    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        match self.cell(index)? {
            Cell::Int(value) => Ok(Some(*value)),
            Cell::Null => Ok(None),
            _ => Err(StoreError::Corrupt("column type")),
        }
    }

    /// Column `index` as a non-negative integer.
    pub(crate) fn uint(&self, index: usize) -> Result<u64, StoreError> {
        u64::try_from(self.int(index)?).map_err(|_| StoreError::Corrupt("negative integer"))
    }

    /// Column `index` as a flag (non-zero is true).
    pub(crate) fn flag(&self, index: usize) -> Result<bool, StoreError> {
        Ok(self.int(index)? != 0)
    }

    /// Column `index` as text.
    pub(crate) fn text(&self, index: usize) -> Result<String, StoreError> {
        match self.cell(index)? {
            Cell::Text(value) => Ok(value.clone()),
            _ => Err(StoreError::Corrupt("column type")),
        }
    }

    /// Column `index` as bytes that may be `NULL`.
    pub(crate) fn opt_blob(&self, index: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.cell(index)? {
            Cell::Blob(value) => Ok(Some(value.clone())),
            Cell::Null => Ok(None),
            _ => Err(StoreError::Corrupt("column type")),
        }
    }

    /// Column `index` as bytes.
    pub(crate) fn blob(&self, index: usize) -> Result<Vec<u8>, StoreError> {
        self.opt_blob(index)?
            .ok_or(StoreError::Corrupt("missing bytes"))
    }
}

/// A connection (or a transaction on one) that runs the shared SQL. Statements are
/// prepared once per connection and kept: the SQL a caller builds (a multi-row insert)
/// must come from a bounded set of shapes.
pub(crate) trait Db {
    /// Runs a statement; returns how many rows it changed.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError>;

    /// Runs a query; returns every row.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError>;

    /// Runs a query; returns its first row, if any.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    fn query_opt(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs a query that yields exactly one row.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for none; else as [`Db::query`].
    fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or(StoreError::Corrupt("a row that must exist"))
    }
}
