//! `POST /credential`: a batch of copies, one per verified key proof, for what the access
//! token grants.

use super::*;
use crate::catalog::NYM_COMMITMENT_PROOF;
use crate::store::SingleUse;
use credential::bbs::NymCommitment;
use credential::crypto::Es256Signer;

impl Issuer {
    /// The credential endpoint: one SD-JWT VC per key proof.
    ///
    /// # Errors
    /// `invalid_token` (401), `invalid_credential_request`,
    /// `unknown_credential_configuration`, `invalid_proof`, `invalid_nonce`,
    /// `credential_request_denied`.
    pub fn credential(&self, access_token: &str, body: &[u8]) -> Result<Value, Refusal> {
        let request = CredentialRequest::parse(body, self.config.batch_size)?;
        let now = self.now();
        let proofs = match request.proofs {
            Proofs::Keys(proofs) => proofs,
            Proofs::NymCommitment(commitment) => {
                return self.pseudonymous_credential(access_token, &commitment, now);
            }
        };
        // The cheap check first: no key proof is verified for a request whose access
        // token grants nothing (it is spent, with the proofs, in one transaction below).
        self.store
            .check_grant(
                &secrets::hash(access_token),
                request.configuration.id(),
                now,
            )
            .map_err(grant_refusal)?;
        let keys = self.verify_proofs(&proofs, now)?;
        let today = CivilDate::from_unix(now);
        let period = Period::containing(now);
        let exp = period.exp(self.config.validity_days);
        let token_hash = secrets::hash(access_token);
        let issuance = self.spend_grant(
            &self.store,
            &token_hash,
            request.configuration,
            keys.len(),
            now,
            exp,
        )?;
        let key = self.signing_key(&issuance.kid)?;
        let claims = copy_claims(&issuance, request.configuration, today)?;
        let claim_count = claims.as_object().map_or(0, Map::len);
        // What every copy of this type issued this week shares: the time fields of the
        // period and the digest count of the type. Only the holder key and the status
        // entry (below), the salts and the digest order differ from copy to copy.
        let params = IssueParams {
            issuer: self.config.public_url.clone(),
            vct: Some(request.configuration.vct(&self.config.public_url)),
            claims,
            disclosable: Disclosable::Everything,
            decoys: request.configuration.decoys(claim_count),
            iat: Some(period.iat()),
            nbf: None,
            exp: Some(issuance.exp),
        };
        let mut rng = OsRng;
        let mut credentials = Vec::with_capacity(keys.len());
        for (holder, (list_id, idx)) in keys.into_iter().zip(issuance.status) {
            let copy = CopyParams {
                holder: Some(holder),
                status: Some(StatusReference {
                    idx,
                    uri: self.status_list_uri(list_id),
                }),
            };
            let issued = credential::issue(&params, &copy, &key, &mut rng)
                .map_err(|error| Refusal::internal(&error))?;
            credentials.push(json!({ "credential": issued }));
        }
        Ok(json!({ "credentials": credentials }))
    }
    fn verify_proofs(&self, proofs: &[String], now: i64) -> Result<Vec<PublicJwk>, Refusal> {
        let refuse = |error: credential::openid4vci::ProofError| {
            Refusal::new(error.oid4vci_error(), error.to_string())
        };
        let parsed = proofs
            .iter()
            .map(|proof| KeyProof::parse(proof).map_err(refuse))
            .collect::<Result<Vec<_>, _>>()?;
        let nonce = parsed
            .first()
            .and_then(KeyProof::claimed_nonce)
            .ok_or_else(|| Refusal::new(OAuthError::InvalidProof, "the key proofs carry no nonce"))?
            .to_owned();
        if !self.store.take_once(SingleUse::CNonce, &nonce, now)? {
            return Err(Refusal::new(
                OAuthError::InvalidNonce,
                "the c_nonce is unknown, used or expired; fetch a new one",
            ));
        }
        let policy = ProofPolicy {
            audience: &self.config.public_url,
            nonce: &nonce,
            window: Window::new(UnixTime::from_secs(now), self.config.clock_skew),
            max_age: self.config.proof_max_age,
        };
        let mut seen = HashSet::new();
        let mut keys = Vec::with_capacity(parsed.len());
        for proof in parsed {
            let key = proof.verify(&policy, &RingP256).map_err(refuse)?;
            if !seen.insert(*key.sec1()) {
                return Err(Refusal::new(
                    OAuthError::InvalidProof,
                    "two key proofs name the same key; every copy needs its own key",
                ));
            }
            keys.push(key);
        }
        Ok(keys)
    }
    fn signing_key(&self, kid: &str) -> Result<IssuerKey, Refusal> {
        let mut cached = lock(&self.signing_key);
        if let Some(key) = cached.as_ref().filter(|key| key.kid() == kid) {
            return Ok(key.clone());
        }
        let key = self
            .active_signing_key()?
            .filter(|key| key.kid() == kid)
            .ok_or_else(|| Refusal::internal(&"the signing key changed during issuance"))?;
        *cached = Some(key.clone());
        Ok(key)
    }

    /// The active signing key, from wherever it is held.
    pub(super) fn active_signing_key(&self) -> Result<Option<IssuerKey>, Refusal> {
        self.keys
            .active(&self.store)
            .map_err(|error| Refusal::internal(&error))
    }
}

impl Issuer {
    /// Spends the grant of the access token hashed `token_hash` for `configuration` on
    /// `copies` copies (each with a status entry) valid until `exp`.
    pub(super) fn spend_grant(
        &self,
        store: &Store,
        token_hash: &[u8],
        configuration: Configuration,
        copies: usize,
        now: i64,
        exp: i64,
    ) -> Result<crate::store::Issuance, Refusal> {
        store
            .begin_issuance(
                &BatchRequest {
                    token_hash,
                    configuration_id: configuration.id(),
                    copies,
                },
                StatusLayout {
                    capacity: self.config.status_capacity,
                },
                now,
                &mut OsRng,
                |_| Some(exp),
            )
            .map_err(grant_refusal)
    }
}

/// The claims a copy of `configuration` carries for the issuance's person on `today`.
pub(super) fn copy_claims(
    issuance: &crate::store::Issuance,
    configuration: Configuration,
    today: CivilDate,
) -> Result<Value, Refusal> {
    let claims = issuance
        .person
        .claims
        .as_object()
        .ok_or_else(|| Refusal::internal(&"stored claims are not an object"))?;
    let birthdate = stored_birthdate(&issuance.person.claims)
        .ok_or_else(|| Refusal::internal(&"stored birthdate does not parse"))?;
    Ok(configuration.claims(claims, birthdate, today))
}

/// The credential endpoint's answer to a grant that does not allow the request.
pub(super) fn grant_refusal(error: GrantError) -> Refusal {
    match error {
        GrantError::InvalidToken => Refusal::new(
            OAuthError::InvalidToken,
            "the access token is unknown or expired",
        ),
        GrantError::NotGranted => Refusal::new(
            OAuthError::CredentialRequestDenied,
            "this access token does not (or no longer) grant that credential",
        ),
        GrantError::Revoked => Refusal::new(
            OAuthError::CredentialRequestDenied,
            "the credentials of this person were revoked",
        ),
        other => Refusal::internal(&other),
    }
}

fn stored_birthdate(claims: &Value) -> Option<CivilDate> {
    claims
        .get("birthdate")
        .and_then(Value::as_str)
        .and_then(|text| CivilDate::parse(text).ok())
}

/// A parsed credential request.
struct CredentialRequest {
    configuration: Configuration,
    proofs: Proofs,
}

/// What a request proves: key proofs (one copy each), or for the pseudonymous
/// configuration the holder's commitment to its nym secret.
enum Proofs {
    Keys(Vec<String>),
    NymCommitment(NymCommitment),
}

impl CredentialRequest {
    fn parse(body: &[u8], batch_size: usize) -> Result<Self, Refusal> {
        let malformed =
            |description: &str| Refusal::new(OAuthError::InvalidCredentialRequest, description);
        let Some(Value::Object(object)) = credential::strict_json::parse(body) else {
            return Err(malformed("the body must be one JSON object"));
        };
        if object.contains_key("credential_identifier") {
            return Err(malformed(
                "credential_identifier is not supported; use credential_configuration_id",
            ));
        }
        if object.contains_key("proof") {
            return Err(malformed("use proofs (OpenID4VCI 1.0), not proof"));
        }
        let id = object
            .get("credential_configuration_id")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("credential_configuration_id is missing"))?;
        let configuration = Configuration::from_id(id).ok_or_else(|| {
            Refusal::new(
                OAuthError::UnknownCredentialConfiguration,
                "no such credential configuration",
            )
        })?;
        let proofs = object
            .get("proofs")
            .and_then(Value::as_object)
            .ok_or_else(|| Refusal::new(OAuthError::InvalidProof, "proofs is missing"))?;
        if configuration == Configuration::Pseudonymous {
            return Ok(Self {
                configuration,
                proofs: Proofs::NymCommitment(nym_commitment(proofs)?),
            });
        }
        if proofs.len() != 1 {
            return Err(Refusal::new(
                OAuthError::InvalidProof,
                "proofs must hold exactly the jwt proof type",
            ));
        }
        let jwts = proofs.get("jwt").and_then(Value::as_array).ok_or_else(|| {
            Refusal::new(
                OAuthError::InvalidProof,
                "only the jwt proof type is supported",
            )
        })?;
        if jwts.is_empty() {
            return Err(Refusal::new(
                OAuthError::InvalidProof,
                "proofs.jwt is empty",
            ));
        }
        if jwts.len() > batch_size {
            return Err(malformed(&format!(
                "at most {batch_size} proofs per request (batch_size)"
            )));
        }
        let proofs = jwts
            .iter()
            .map(|jwt| jwt.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Refusal::new(OAuthError::InvalidProof, "every proof must be a string")
            })?;
        Ok(Self {
            configuration,
            proofs: Proofs::Keys(proofs),
        })
    }
}

/// The one commitment of `proofs` (`{"x-cachet-nym-commitment": ["<base64url>"]}`),
/// checked for form (its exact length, point and scalars); its proof of knowledge is
/// checked before signing.
fn nym_commitment(proofs: &Map<String, Value>) -> Result<NymCommitment, Refusal> {
    let refuse = |description: &str| Refusal::new(OAuthError::InvalidProof, description);
    let [text] = proofs
        .get(NYM_COMMITMENT_PROOF)
        .and_then(Value::as_array)
        .filter(|_| proofs.len() == 1)
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        return Err(refuse(
            "a pseudonymous credential is requested with exactly one x-cachet-nym-commitment proof",
        ));
    };
    let bytes = text
        .as_str()
        .and_then(|text| credential::base64url::decode(text).ok())
        .ok_or_else(|| refuse("the commitment is not base64url"))?;
    NymCommitment::from_bytes(&bytes)
        .map_err(|error| refuse(&format!("the commitment is malformed: {error}")))
}
