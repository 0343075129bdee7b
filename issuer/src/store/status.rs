//! Reading status lists back for publication.

use rusqlite::OptionalExtension;

use super::{Store, StoreError};

/// A status list as stored: its size and the indices whose status is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRow {
    /// Entries in the list.
    pub capacity: u64,
    /// `(index, status)` of every entry that is not `0` (valid).
    pub flagged: Vec<(u64, u8)>,
}

impl Store {
    /// The ids of every status list, in order.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn status_list_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM status_lists ORDER BY id")?;
        let ids = statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// The status list `id` as published at `as_of`: with every change made before it and
    /// none after, if the list exists.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn status_list(&self, id: i64, as_of: i64) -> Result<Option<StatusListRow>, StoreError> {
        let capacity: Option<u64> = self
            .conn
            .query_row(
                "SELECT capacity FROM status_lists WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()?;
        let Some(capacity) = capacity else {
            return Ok(None);
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT idx, status FROM status_entries
             WHERE list_id = ?1 AND status != 0 AND COALESCE(changed_at, 0) < ?2",
        )?;
        let flagged = statement
            .query_map(rusqlite::params![id, as_of], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(StatusListRow { capacity, flagged }))
    }
}
