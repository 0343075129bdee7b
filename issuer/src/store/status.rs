//! Reading status lists back for publication.

use super::engine::params;
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
    /// [`StoreError`] from the engine.
    pub fn status_list_ids(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|db| {
            db.query("SELECT id FROM status_lists ORDER BY id", &[])?
                .iter()
                .map(|row| row.int(0))
                .collect()
        })
    }

    /// The status list `id` as published at `as_of`: with every change made before it and
    /// none after, if the list exists.
    ///
    /// # Errors
    /// [`StoreError`] from the engine.
    pub fn status_list(&self, id: i64, as_of: i64) -> Result<Option<StatusListRow>, StoreError> {
        self.read(|db| {
            let Some(list) = db.query_opt(
                "SELECT capacity FROM status_lists WHERE id = ?1",
                params![id],
            )?
            else {
                return Ok(None);
            };
            let capacity = list.uint(0)?;
            let flagged = db
                .query(
                    "SELECT idx, status FROM status_entries
                     WHERE list_id = ?1 AND status != 0 AND COALESCE(changed_at, 0) < ?2",
                    params![id, as_of],
                )?
                .iter()
                .map(|row| {
                    let status =
                        u8::try_from(row.int(1)?).map_err(|_| StoreError::Corrupt("status"))?;
                    Ok((row.uint(0)?, status))
                })
                .collect::<Result<_, StoreError>>()?;
            Ok(Some(StatusListRow { capacity, flagged }))
        })
    }
}
