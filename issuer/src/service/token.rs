//! `POST /token`: redeeming a pre-authorized code or trading a refresh token, each proven
//! with a DPoP key, for an access token (and the next refresh token of the family).

use super::*;
use crate::store::SingleUse;

impl Issuer {
    /// The token endpoint: exchanges a pre-authorized code or a refresh token (form fields
    /// already parsed). `dpop` is the request's `DPoP` header: with a valid proof, a
    /// redemption also yields a refresh token bound to that key; a refresh needs a proof by
    /// the key its token is bound to.
    ///
    /// # Errors
    /// `unsupported_grant_type`, `invalid_request`, `invalid_grant`, `invalid_dpop_proof`.
    pub fn token(
        &self,
        form: &[(String, String)],
        dpop: Option<&str>,
    ) -> Result<AccessToken, Refusal> {
        let field = |name: &str| -> Result<Option<&str>, Refusal> {
            let mut values = form.iter().filter(|(key, _)| key == name);
            let first = values.next().map(|(_, value)| value.as_str());
            if values.next().is_some() {
                return Err(Refusal::new(
                    OAuthError::InvalidRequest,
                    format!("{name} is repeated"),
                ));
            }
            Ok(first)
        };
        let grant = field("grant_type")?;
        if field("tx_code")?.is_some() {
            return Err(Refusal::new(
                OAuthError::InvalidRequest,
                "this issuer sets no tx_code",
            ));
        }
        let now = self.now();
        let proven = dpop.map(|proof| self.verify_dpop(proof, now)).transpose()?;
        let token = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let expires_at = now.saturating_add(self.config.token_lifetime);
        let refresh_token = secrets::random_token(&mut OsRng, SECRET_BYTES);
        let refresh_hash = secrets::hash(&refresh_token);
        let secret = |name: &'static str| {
            field(name)?
                .filter(|value| !value.is_empty() && value.len() <= 512)
                .ok_or_else(|| {
                    Refusal::new(OAuthError::InvalidRequest, format!("{name} is missing"))
                })
        };
        let granted = match grant {
            Some(credential::openid4vci::PRE_AUTHORIZED_GRANT) => {
                let code = secret("pre-authorized_code")?;
                self.store.redeem_offer(
                    &secrets::hash(code),
                    &secrets::hash(&token),
                    expires_at,
                    now,
                    proven.as_ref().map(|proof| RefreshGrant {
                        hash: &refresh_hash,
                        expires_at: now.saturating_add(self.config.refresh_lifetime),
                        jkt: &proof.jkt,
                    }),
                )
            }
            Some(REFRESH_GRANT) => {
                let presented = secret("refresh_token")?;
                let proof = proven.as_ref().ok_or_else(|| {
                    Refusal::new(
                        OAuthError::InvalidDpopProof,
                        "a refresh needs a DPoP proof by the key the token is bound to",
                    )
                })?;
                self.store.refresh(
                    &secrets::hash(presented),
                    &secrets::hash(&token),
                    expires_at,
                    &refresh_hash,
                    &proof.jkt,
                    now,
                )
            }
            Some(_) => {
                return Err(Refusal::new(
                    OAuthError::UnsupportedGrantType,
                    "only the pre-authorized code and refresh token grants are supported",
                ));
            }
            None => {
                return Err(Refusal::new(
                    OAuthError::InvalidRequest,
                    "grant_type is missing",
                ));
            }
        };
        match granted {
            Ok(_) => Ok(AccessToken {
                token,
                expires_in: self.config.token_lifetime,
                refresh_token: proven.map(|_| refresh_token),
            }),
            Err(
                GrantError::InvalidGrant
                | GrantError::Revoked
                | GrantError::ReusedRefreshToken
                | GrantError::WrongKey,
            ) => Err(Refusal::new(
                OAuthError::InvalidGrant,
                "the code or refresh token is unknown, expired, already used or bound to another key",
            )),
            Err(other) => Err(Refusal::internal(&other)),
        }
    }
    /// Verifies a DPoP proof for this token endpoint, and that its `jti` is new.
    fn verify_dpop(&self, proof: &str, now: i64) -> Result<DpopProof, Refusal> {
        let refuse = |description: String| Refusal::new(OAuthError::InvalidDpopProof, description);
        let url = self.config.url("/token");
        let verified = credential::openid4vci::verify_dpop(
            proof,
            &DpopPolicy {
                method: "POST",
                url: &url,
                window: Window::new(UnixTime::from_secs(now), self.config.clock_skew),
                max_age: self.config.proof_max_age,
            },
            &RingP256,
        )
        .map_err(|error| refuse(error.to_string()))?;
        // Remembered for as long as a proof of that age is accepted (the age is not
        // stretched by the skew: `credential::time::Window::check_issued_at`).
        let until = verified
            .issued_at
            .saturating_add_unsigned(self.config.proof_max_age);
        if !self
            .store
            .remember_once(SingleUse::DpopId, &verified.jti, until, now)?
        {
            return Err(refuse("this DPoP proof was already used".into()));
        }
        Ok(verified)
    }
    /// Whether `client` may call the token endpoint now.
    #[must_use]
    pub fn allow_token_request(&self, client: std::net::IpAddr) -> bool {
        self.token_limiter.allow(client)
    }
}
