//! The wallet's IndexedDB database: sealed records (batches, history), the holder keys
//! (`CryptoKey` objects, stored as the browser's structured clones, never as bytes) and
//! the vault metadata (the device key or the passphrase-wrapped key).
//!
//! The schema is versioned; [`upgrade`] runs every migration step between the stored
//! version and [`SCHEMA_VERSION`], in order, inside IndexedDB's upgrade transaction.
//!
//! | version | change |
//! |---|---|
//! | 1 | `batches`, `keys`, `meta` |
//! | 2 | `history` (presentations were first kept only in the session) |
//! | 3 | `holder` (the sealed seed of the person's pseudonyms) |

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;

use crate::logic::store::{Store, StoreError, Table, Write};

/// The database name.
pub const DATABASE: &str = "cachet-wallet";
/// The current schema version.
pub const SCHEMA_VERSION: u32 = 3;
/// Object store of holder keys.
pub const KEYS: &str = "keys";
/// Object store of vault metadata.
pub const META: &str = "meta";

fn unavailable(err: impl core::fmt::Display) -> StoreError {
    StoreError::Unavailable(err.to_string())
}

/// Creates what each schema version adds, from `old + 1` up to `new`.
fn upgrade(database: &Database, old: u32, new: u32) -> Result<(), idb::Error> {
    for version in (old + 1)..=new {
        let stores: &[&str] = match version {
            1 => &[Table::Batches.name(), KEYS, META],
            2 => &[Table::History.name()],
            3 => &[Table::Holder.name()],
            _ => &[],
        };
        for name in stores {
            database.create_object_store(name, ObjectStoreParams::new())?;
        }
    }
    Ok(())
}

/// The open database (a shared handle: clones use the same connection).
#[derive(Clone)]
pub struct IdbStore {
    database: std::rc::Rc<Database>,
}

impl IdbStore {
    /// Opens (creating or migrating) the wallet database.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if IndexedDB cannot be used.
    pub async fn open() -> Result<Self, StoreError> {
        Self::open_at(DATABASE, SCHEMA_VERSION).await
    }

    /// Opens database `name` at schema `version` (tests use older versions to check
    /// migrations).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if IndexedDB cannot be used.
    pub async fn open_at(name: &str, version: u32) -> Result<Self, StoreError> {
        let factory = Factory::new().map_err(unavailable)?;
        let mut request = factory.open(name, Some(version)).map_err(unavailable)?;
        request.on_upgrade_needed(move |event| {
            let old = event.old_version().unwrap_or(0);
            let new = event.new_version().ok().flatten().unwrap_or(version);
            if let Ok(database) = event.database() {
                // A failure aborts the upgrade transaction, which fails the open.
                let _ = upgrade(&database, old, new);
            }
        });
        let database = request.await.map_err(unavailable)?;
        Ok(Self {
            database: std::rc::Rc::new(database),
        })
    }

    /// Deletes database `name` entirely (tests).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        let factory = Factory::new().map_err(unavailable)?;
        factory
            .delete(name)
            .map_err(unavailable)?
            .await
            .map_err(unavailable)
    }

    /// The object store names (tests check migrations with it).
    #[must_use]
    pub fn store_names(&self) -> Vec<String> {
        self.database.store_names()
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.database.close();
    }

    /// One value of a raw object store (`keys`, `meta`).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn get_raw(&self, store: &str, id: &str) -> Result<Option<JsValue>, StoreError> {
        let transaction = self
            .database
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(unavailable)?;
        let objects = transaction.object_store(store).map_err(unavailable)?;
        objects
            .get(JsValue::from_str(id))
            .map_err(unavailable)?
            .await
            .map_err(unavailable)
    }

    /// Writes raw values (`keys`, `meta`): `Some` puts, `None` deletes; one transaction.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`]; nothing is written then.
    pub async fn set_raw(
        &self,
        store: &str,
        values: &[(String, Option<JsValue>)],
    ) -> Result<(), StoreError> {
        let transaction = self
            .database
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(unavailable)?;
        let objects = transaction.object_store(store).map_err(unavailable)?;
        for (id, value) in values {
            let key = JsValue::from_str(id);
            match value {
                Some(value) => drop(objects.put(value, Some(&key)).map_err(unavailable)?),
                None => drop(objects.delete(key).map_err(unavailable)?),
            }
        }
        finish(transaction).await
    }

    /// Empties the raw key store (delete everything).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn clear_raw(&self, store: &str) -> Result<(), StoreError> {
        let transaction = self
            .database
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(unavailable)?;
        drop(
            transaction
                .object_store(store)
                .map_err(unavailable)?
                .clear()
                .map_err(unavailable)?,
        );
        finish(transaction).await
    }
}

/// Commits a transaction whose requests were all issued, and checks it committed.
async fn finish(transaction: idb::Transaction) -> Result<(), StoreError> {
    let result = transaction
        .commit()
        .map_err(unavailable)?
        .await
        .map_err(unavailable)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Unavailable("the write was aborted".into()))
    }
}

impl Store for IdbStore {
    async fn all(&self, table: Table) -> Result<Vec<Vec<u8>>, StoreError> {
        let transaction = self
            .database
            .transaction(&[table.name()], TransactionMode::ReadOnly)
            .map_err(unavailable)?;
        let values = transaction
            .object_store(table.name())
            .map_err(unavailable)?
            .get_all(None, None)
            .map_err(unavailable)?
            .await
            .map_err(unavailable)?;
        Ok(values
            .iter()
            .map(|value| Uint8Array::new(value).to_vec())
            .collect())
    }

    async fn commit(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let names = [
            Table::Batches.name(),
            Table::History.name(),
            Table::Holder.name(),
            META,
        ];
        let transaction = self
            .database
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(unavailable)?;
        // Every request is issued before anything is awaited, so the transaction stays
        // active; the commit then succeeds or fails as a whole.
        for write in writes {
            match write {
                Write::Put(table, id, sealed) => {
                    let store = transaction
                        .object_store(table.name())
                        .map_err(unavailable)?;
                    let value = Uint8Array::from(&sealed[..]);
                    drop(
                        store
                            .put(&value, Some(&JsValue::from_str(&id)))
                            .map_err(unavailable)?,
                    );
                }
                Write::Delete(table, id) => {
                    let store = transaction
                        .object_store(table.name())
                        .map_err(unavailable)?;
                    drop(store.delete(JsValue::from_str(&id)).map_err(unavailable)?);
                }
                Write::Clear(table) => {
                    let store = transaction
                        .object_store(table.name())
                        .map_err(unavailable)?;
                    drop(store.clear().map_err(unavailable)?);
                }
                Write::PutMeta(id, value) => {
                    let store = transaction.object_store(META).map_err(unavailable)?;
                    let value = Uint8Array::from(&value[..]);
                    drop(
                        store
                            .put(&value, Some(&JsValue::from_str(&id)))
                            .map_err(unavailable)?,
                    );
                }
                Write::DeleteMeta(id) => {
                    let store = transaction.object_store(META).map_err(unavailable)?;
                    drop(store.delete(JsValue::from_str(&id)).map_err(unavailable)?);
                }
            }
        }
        finish(transaction).await
    }
}
