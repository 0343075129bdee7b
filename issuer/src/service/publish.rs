//! Status lists as static files, for any web server, object store or CDN to serve, so that
//! verification traffic never reaches the issuer. Each list is written as it is published
//! for the current period (`status.rs`): the same bytes every node and every run of
//! `publish-status` produce for that period, so a CDN's copies agree and an unchanged list
//! is not rewritten. A file is replaced whole (written beside it, then renamed), so an
//! origin never serves half a list.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Issuer;
use crate::refusal::Refusal;

/// What one publication did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// Lists written because they changed (or were new).
    pub written: usize,
    /// Lists whose file already held this period's token.
    pub unchanged: usize,
}

/// Why status lists could not be published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// A list could not be read or signed.
    #[error("{}", .0.description)]
    Issuer(Refusal),
    /// A file could not be written.
    #[error("cannot write {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
}

impl Issuer {
    /// Writes every status list, as published now, into `dir` as `dir/ID` (the last path
    /// segment of its URI: serve `dir` at [`crate::Config::status_base_url`]), as
    /// `application/statuslist+jwt`.
    ///
    /// # Errors
    /// [`PublishError`].
    pub fn publish_status(&self, dir: &Path) -> Result<Publication, PublishError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |error| PublishError::Io { path, error }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let ids = self
            .store
            .status_list_ids()
            .map_err(|error| PublishError::Issuer(error.into()))?;
        let mut publication = Publication {
            written: 0,
            unchanged: 0,
        };
        for id in ids {
            let Some(list) = self.status_list(id).map_err(PublishError::Issuer)? else {
                continue;
            };
            let file = dir.join(id.to_string());
            if std::fs::read(&file).is_ok_and(|bytes| bytes == list.token.as_bytes()) {
                publication.unchanged += 1;
                continue;
            }
            let partial = dir.join(format!(".{id}.partial"));
            std::fs::write(&partial, list.token.as_bytes()).map_err(io(&partial))?;
            std::fs::rename(&partial, &file).map_err(io(&file))?;
            publication.written += 1;
        }
        Ok(publication)
    }
}

/// Writes the status lists into `dir` now and at the start of every publication period
/// (`serve --publish-status DIR`), until `stopped` turns true. A failed publication is
/// reported and tried again the next period (the files already written stay valid past
/// it: a token lives at least two periods).
pub async fn publish_every_period(
    issuer: Arc<Issuer>,
    dir: PathBuf,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let (publisher, into) = (Arc::clone(&issuer), dir.clone());
        match tokio::task::spawn_blocking(move || publisher.publish_status(&into)).await {
            Ok(Ok(done)) if done.written > 0 => eprintln!(
                "issuer: published {} status lists to {} ({} unchanged)",
                done.written,
                dir.display(),
                done.unchanged
            ),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => eprintln!("issuer: status publication failed: {error}"),
            Err(error) => eprintln!("issuer: status publication stopped: {error}"),
        }
        let period = issuer.config.status_period.max(1);
        let into_period = issuer.now().rem_euclid(period);
        // A second past the boundary, so that the new period has surely begun.
        let wait = u64::try_from(period - into_period).unwrap_or(1) + 1;
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs(wait)) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}
