//! A batch's credential read in its format, for the consent screen and the presentation:
//! one type over both formats, so that matching a query, choosing the smallest answer and
//! listing what will be seen are written once, each through the format's own
//! [`credential::format::Held`] (the code that builds its presentation).

use credential::bbs::{NymCredential, NymJwp};
use credential::format::{Format, Held, SdJwtVc};
use credential::openid4vp::CredentialQuery;
use credential::openid4vp::matching::{self, Answer, Unanswerable};
use credential::{Credential, JsonPointer};
use serde_json::{Map, Value};

use super::model::{Batch, CredentialFormat};

/// A held credential in one of the wallet's formats.
#[derive(Debug, Clone)]
pub enum Holding {
    /// An SD-JWT VC copy.
    SdJwt(Box<Credential>),
    /// A pseudonymous credential.
    Nym(Box<NymCredential>),
}

impl Holding {
    /// The first copy of `batch`, read in the batch's format.
    #[must_use]
    pub fn of(batch: &Batch) -> Option<Self> {
        let text = &batch.copies.first()?.credential;
        match batch.format {
            CredentialFormat::SdJwtVc => Credential::parse(text)
                .ok()
                .map(|credential| Self::SdJwt(Box::new(credential))),
            CredentialFormat::Pseudonymous => NymCredential::read(text)
                .ok()
                .map(|credential| Self::Nym(Box::new(credential))),
        }
    }

    /// The format's identifier, as DCQL names it.
    #[must_use]
    pub const fn format_id(&self) -> &'static str {
        match self {
            Self::SdJwt(_) => SdJwtVc::ID,
            Self::Nym(_) => NymJwp::ID,
        }
    }

    /// Whether it answers `query` (of its own format), and with which claims.
    ///
    /// # Errors
    /// [`Unanswerable`] saying why not.
    pub fn answer(&self, query: &CredentialQuery) -> Result<Answer, Unanswerable> {
        if query.format != self.format_id() {
            return Err(Unanswerable::WrongType);
        }
        match self {
            Self::SdJwt(credential) => matching::answer(query, credential.as_ref()),
            Self::Nym(credential) => matching::answer(query, credential.as_ref()),
        }
    }

    /// How much it could disclose (the smallest answer is preferred).
    #[must_use]
    pub fn size(&self) -> usize {
        match self {
            Self::SdJwt(credential) => credential.disclosable().len(),
            Self::Nym(credential) => credential.claims().len(),
        }
    }

    /// What a verifier sees when `answer` is presented (the selection the presentation
    /// is built from).
    #[must_use]
    pub fn seen(&self, answer: &Answer) -> Map<String, Value> {
        match self {
            Self::SdJwt(credential) => {
                let selection = if answer.everything {
                    credential.select_all()
                } else {
                    credential.select(&answer.claims).unwrap_or_default()
                };
                credential.revealed(&selection)
            }
            Self::Nym(credential) => {
                let paths = if answer.everything {
                    every_claim(credential)
                } else {
                    answer.claims.clone()
                };
                Held::select(credential.as_ref(), &paths)
                    .map(|selection| credential.revealed(&selection))
                    .unwrap_or_default()
            }
        }
    }

    /// What is disclosed to show `path`: the claim, or for SD-JWT its nearest
    /// disclosable ancestor when it cannot be disclosed alone.
    #[must_use]
    pub fn disclosed_for(&self, path: &JsonPointer) -> JsonPointer {
        match self {
            Self::SdJwt(credential) => credential
                .disclosed_with(path)
                .map_or_else(|| path.clone(), |claim| claim.path.clone()),
            Self::Nym(_) => path.clone(),
        }
    }
}

/// Every claim of a pseudonymous credential a site could be shown.
#[must_use]
pub fn every_claim(credential: &NymCredential) -> Vec<JsonPointer> {
    credential
        .claims()
        .keys()
        .map(|name| JsonPointer::root().child(name.clone()))
        .collect()
}
