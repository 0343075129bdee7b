//! `POST /credential` for the pseudonymous configuration: one credential signed blind over
//! the holder's commitment, with the person's nym entropy (the same for the same
//! commitment, so pseudonyms survive refresh and device change), no status entry, valid
//! one weekly epoch.

use credential::bbs::{self, IssuerHeader, NymCommitment, NymEntropy};

use super::issuance::{copy_claims, grant_refusal};
use super::*;
use crate::store::NymBindingError;

impl Issuer {
    /// Issues a pseudonymous credential for the commitment, under the access token.
    pub(super) fn pseudonymous_credential(
        &self,
        access_token: &str,
        commitment: &NymCommitment,
        now: i64,
    ) -> Result<Value, Refusal> {
        let configuration = Configuration::Pseudonymous;
        let token_hash = secrets::hash(access_token);
        let person = self
            .store
            .check_grant(&token_hash, configuration.id(), now)
            .map_err(grant_refusal)?;
        commitment.check().map_err(|error| {
            Refusal::new(
                OAuthError::InvalidProof,
                format!("the commitment does not verify: {error}"),
            )
        })?;
        // One epoch, not the SD-JWT copies' validity: a pseudonymous credential is
        // presented any number of times, so it lives until the end of the next weekly
        // epoch and the wallet refreshes it every week; revocation is refusing that
        // refresh. Everyone issued in one epoch shares the expiry.
        let exp = bbs::expiry_for(now, bbs::DEFAULT_EPOCH_SECONDS);
        let (issuance, kid, key, entropy) = {
            let store = &self.store;
            // The binding first, so that a refused commitment does not spend the grant.
            let entropy = store
                .nym_entropy(
                    &person,
                    &commitment.point(),
                    &NymEntropy::generate(&mut OsRng),
                )
                .map_err(binding_refusal)?;
            // No status entry: revocation is refusing the next refresh.
            let issuance = self.spend_grant(store, &token_hash, configuration, 0, now, exp)?;
            let (kid, key) = store.ensure_bbs_key(now, &mut OsRng)?;
            store.record_bbs_signature(&kid, issuance.exp)?;
            (issuance, kid, key, entropy)
        };
        let claims = copy_claims(&issuance, configuration, CivilDate::from_unix(now))?;
        let claims = claims
            .as_object()
            .ok_or_else(|| Refusal::internal(&"claims are not an object"))?;
        let issuer = &self.config.public_url;
        let header = IssuerHeader::new(
            issuer,
            &configuration.vct(issuer),
            &kid,
            &bbs::PSEUDONYMOUS_IDENTITY,
        )
        .map_err(|error| Refusal::internal(&error))?;
        let issued = bbs::issue(&key, &header, claims, issuance.exp, commitment, &entropy)
            .map_err(|error| Refusal::internal(&error))?;
        Ok(json!({ "credentials": [{ "credential": issued }] }))
    }
}

/// The answer to a commitment the person may not use.
fn binding_refusal(error: NymBindingError) -> Refusal {
    match error {
        NymBindingError::Store(error) => error.into(),
        refused => Refusal::new(OAuthError::CredentialRequestDenied, refused.to_string()),
    }
}
