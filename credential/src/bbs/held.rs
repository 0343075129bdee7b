//! A pseudonymous credential as the holder keeps it: accepted once (the blind signature
//! checked and finished with the holder's secrets), then presented any number of times,
//! each presentation a fresh zero-knowledge proof that shares no bytes with another
//! beyond the issuer header and the disclosed claims.

use serde_json::{Map, Value};
use zkryptium::bbsplus::commitment::BlindFactor;
use zkryptium::bbsplus::pseudonym::PseudonymSecret;
use zkryptium::schemes::generics::{BlindSignature, PoKSignature};

use rand_core::CryptoRngCore;

use super::context::{self, Context};
use super::error::BbsError;
use super::holder::HolderSecret;
use super::issue::{ABSENT, NYM_COUNT, NymEntropy};
use super::jwp::{EXPIRY_CLAIM, Issued, IssuerHeader, PresentationHeader, Presented};
use super::keys::BbsPublicKey;
use super::suite::Scheme;
use super::wire;
use crate::strict_json;

/// Which payload slots a presentation discloses (always the expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NymSelection {
    slots: Vec<usize>,
}

impl NymSelection {
    /// The disclosed slots, ascending.
    #[must_use]
    pub fn slots(&self) -> &[usize] {
        &self.slots
    }
}

/// A pseudonymous credential the holder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NymCredential {
    issued: Issued,
    issuer_key: BbsPublicKey,
    /// Each slot's claim value; `None` for an absent claim.
    values: Vec<Option<Value>>,
    claims: Map<String, Value>,
    expires_at: i64,
}

impl NymCredential {
    /// Reads a stored credential: its form only (it was checked when accepted).
    ///
    /// # Errors
    /// The [`BbsError`] of the first malformed part.
    pub fn read(text: &str) -> Result<Self, BbsError> {
        let issued = Issued::parse(text.trim())?;
        wire::signature(&issued.signature)?;
        let issuer_key = BbsPublicKey::from_bytes(&issued.issuer_key)?;
        NymEntropy::from_bytes(&issued.entropy)?;
        let (values, expires_at) = slot_values(issued.payloads.iter().map(|p| Some(p.as_slice())))?;
        let claims = claims_of(&issued.header, &values);
        Ok(Self {
            issued,
            issuer_key,
            values,
            claims,
            expires_at,
        })
    }

    /// Accepts an issued credential: checks that it names `issuer_key` (the key the
    /// holder trusts for its issuer) and the issuer's blind signature over the payloads
    /// and this holder's nym secret, so that a credential that cannot be presented is
    /// refused when it arrives, not when a site asks.
    ///
    /// # Errors
    /// [`BbsError::InvalidSignature`] when it is not signed over this holder's secret by
    /// `issuer_key`; the errors of [`Self::read`].
    pub fn accept(
        text: &str,
        issuer_key: &BbsPublicKey,
        holder: &HolderSecret,
    ) -> Result<Self, BbsError> {
        let credential = Self::read(text)?;
        if &credential.issuer_key != issuer_key {
            return Err(BbsError::InvalidSignature);
        }
        let signature =
            BlindSignature::<Scheme>::from_bytes(&wire::signature(&credential.issued.signature)?)
                .map_err(|_| BbsError::InvalidSignature)?;
        let entropy = NymEntropy::from_bytes(&credential.issued.entropy)?.secret()?;
        signature
            .verify_finalize_with_nym(
                &issuer_key.inner,
                Some(credential.issued.header.as_bytes()),
                Some(&credential.issued.payloads),
                Some(&[]),
                vec![prover_nym(holder)?],
                Some(&entropy),
                Some(&prover_blind(holder)?),
            )
            .map_err(|_| BbsError::InvalidSignature)?;
        Ok(credential)
    }

    /// The issued JWP, for storage.
    #[must_use]
    pub fn to_text(&self) -> String {
        self.issued.serialize()
    }

    /// The issuer's key it names (checked against a trusted one by [`Self::accept`]).
    #[must_use]
    pub fn issuer_key(&self) -> &BbsPublicKey {
        &self.issuer_key
    }

    /// The issuer header.
    #[must_use]
    pub fn header(&self) -> &IssuerHeader {
        &self.issued.header
    }

    /// The claims a verifier could see: `iss`, `vct`, `exp` and every claim present.
    #[must_use]
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The end of the credential's epoch (Unix seconds).
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// Selects the claims named `names` (and the expiry, always disclosed).
    ///
    /// # Errors
    /// [`BbsError::NoSuchClaim`] for a name the credential has no value for.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<NymSelection, BbsError> {
        let mut slots = vec![0];
        for name in names {
            let name = name.as_ref();
            if name == EXPIRY_CLAIM {
                continue;
            }
            let slot = self
                .issued
                .header
                .claims()
                .iter()
                .position(|claim| claim == name)
                .filter(|&slot| matches!(self.values.get(slot), Some(Some(_))))
                .ok_or_else(|| BbsError::NoSuchClaim(name.to_owned()))?;
            slots.push(slot);
        }
        slots.sort_unstable();
        slots.dedup();
        Ok(NymSelection { slots })
    }

    /// What a verifier sees with `selection` (what the consent screen lists).
    #[must_use]
    pub fn revealed(&self, selection: &NymSelection) -> Map<String, Value> {
        let mut revealed = header_claims(&self.issued.header);
        for &slot in &selection.slots {
            if let (Some(name), Some(Some(value))) =
                (self.issued.header.claims().get(slot), self.values.get(slot))
            {
                revealed.insert(name.clone(), value.clone());
            }
        }
        revealed
    }

    /// Presents `selection` to `aud` for `nonce`, with the pseudonym for the site at
    /// origin `site` if it asked for one (else a one-time one drawn from `rng`). Returns
    /// the presented JWP.
    ///
    /// # Errors
    /// [`BbsError::InvalidHeader`] for an empty audience or nonce; [`BbsError::Library`]
    /// if proof generation fails on a credential that was accepted.
    pub fn present(
        &self,
        holder: &HolderSecret,
        selection: &NymSelection,
        aud: &str,
        nonce: &str,
        site: Option<&str>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<String, BbsError> {
        let one_time = site.is_none().then(|| context::one_time(rng));
        let presentation = PresentationHeader::new(aud, nonce, one_time.as_deref())?;
        let context = match (site, &one_time) {
            (Some(origin), _) => Context::Site(origin),
            (None, Some(value)) => Context::OneTime(value),
            (None, None) => return Err(BbsError::Library),
        };
        let entropy = NymEntropy::from_bytes(&self.issued.entropy)?.secret()?;
        let nym_secret = &prover_nym(holder)? + &entropy;
        let (proof, pseudonym) = PoKSignature::<Scheme>::proof_gen_with_nym(
            &self.issuer_key.inner,
            &self.issued.signature,
            Some(self.issued.header.as_bytes()),
            Some(presentation.as_bytes()),
            &vec![nym_secret],
            &context.id(),
            Some(&self.issued.payloads),
            Some(&[]),
            Some(&selection.slots),
            Some(&[]),
            Some(&prover_blind(holder)?),
        )
        .map_err(|_| BbsError::Library)?;
        let payloads = self
            .issued
            .payloads
            .iter()
            .enumerate()
            .map(|(slot, payload)| selection.slots.contains(&slot).then(|| payload.clone()))
            .collect();
        Ok(Presented {
            presentation,
            header: self.issued.header.clone(),
            payloads,
            proof: proof.to_bytes(),
            pseudonym: pseudonym.to_bytes(),
        }
        .serialize())
    }
}

/// The number of messages a proof hides when `disclosed` of a type's `slots` payloads
/// are disclosed: the hidden payloads, the commitment's blinding factor and the nym
/// secret. One rule for the holder and the verifier's length check.
pub(crate) fn hidden_messages(slots: usize, disclosed: usize) -> usize {
    slots.saturating_sub(disclosed) + 1 + NYM_COUNT
}

fn prover_nym(holder: &HolderSecret) -> Result<PseudonymSecret, BbsError> {
    PseudonymSecret::from_bytes(&holder.prover_nym()?.to_be_bytes()).map_err(|_| BbsError::Library)
}

fn prover_blind(holder: &HolderSecret) -> Result<BlindFactor, BbsError> {
    BlindFactor::from_bytes(&holder.prover_blind()?.to_be_bytes()).map_err(|_| BbsError::Library)
}

/// Each payload slot's claim value (`None` for a hidden slot or the [`ABSENT`] payload)
/// and the expiry the first slot holds. One reading for the holder and the verifier.
///
/// # Errors
/// [`BbsError::InvalidPayloads`] for a payload that is not JSON or an expiry that is not
/// an integer.
pub(crate) fn slot_values<'a>(
    payloads: impl IntoIterator<Item = Option<&'a [u8]>>,
) -> Result<(Vec<Option<Value>>, i64), BbsError> {
    let values = payloads
        .into_iter()
        .map(|payload| match payload {
            None | Some(ABSENT) => Ok(None),
            Some(bytes) => strict_json::parse(bytes)
                .map(Some)
                .ok_or(BbsError::InvalidPayloads("a payload that is not JSON")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let expires_at = values
        .first()
        .and_then(|value| value.as_ref()?.as_i64())
        .ok_or(BbsError::InvalidPayloads("exp is not a number"))?;
    Ok((values, expires_at))
}

/// `iss` and `vct`, from the issuer header.
pub(crate) fn header_claims(header: &IssuerHeader) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iss".into(), header.iss().into());
    claims.insert("vct".into(), header.vct().into());
    claims
}

/// The header claims and every slot with a value, by name.
pub(crate) fn claims_of(header: &IssuerHeader, values: &[Option<Value>]) -> Map<String, Value> {
    let mut claims = header_claims(header);
    for (name, value) in header.claims().iter().zip(values) {
        if let Some(value) = value {
            claims.insert(name.clone(), value.clone());
        }
    }
    claims
}
