//! An issuer's BBS key pair: a BLS12-381 secret scalar and its G2 public key, published in
//! the issuer's JWKS as draft-ietf-cose-bls-key-representations writes it (`kty` `EC`,
//! `crv` `BLS12381G2`, the uncompressed coordinates `x` and `y`).

use bls12_381_plus::G2Affine;
use rand_core::CryptoRngCore;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use zkryptium::bbsplus::keys::{BBSplusPublicKey, BBSplusSecretKey};
use zkryptium::keys::pair::KeyPair;

use super::error::BbsError;
use super::suite::{ALG, Scheme};
use super::wire::{self, G2_LEN, SCALAR_LEN};
use crate::base64url;

pub use crate::names::CRV_BLS12381G2;
/// Bytes of key material drawn for a new key (the draft asks for at least 32).
const IKM_LEN: usize = 64;
/// One uncompressed G2 coordinate (an element of Fp2).
const COORDINATE_LEN: usize = G2_LEN;

/// An issuer's public key, checked (on the curve, in G2, not the identity).
#[derive(Clone, PartialEq, Eq)]
pub struct BbsPublicKey {
    pub(crate) inner: BBSplusPublicKey,
    bytes: [u8; G2_LEN],
}

impl core::fmt::Debug for BbsPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "BbsPublicKey({})", base64url::encode(&self.bytes))
    }
}

impl BbsPublicKey {
    /// Reads the 96-byte compressed form.
    ///
    /// # Errors
    /// [`BbsError::WrongLength`] or [`BbsError::InvalidPoint`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BbsError> {
        let bytes = wire::public_key(bytes)?;
        let inner =
            BBSplusPublicKey::from_bytes(&bytes).map_err(|_| BbsError::InvalidKey("public key"))?;
        Ok(Self { inner, bytes })
    }

    /// The 96-byte compressed form.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; G2_LEN] {
        self.bytes
    }

    /// The public JWK, with `kid` and this format's `alg`.
    #[must_use]
    pub fn to_jwk(&self, kid: &str) -> Value {
        let (x, y) = self.inner.to_coordinates();
        json!({
            "kty": "EC",
            "crv": CRV_BLS12381G2,
            "x": base64url::encode(&x),
            "y": base64url::encode(&y),
            "alg": ALG,
            "kid": kid,
        })
    }

    /// The RFC 7638 thumbprint (SHA-256 over `crv`, `kty`, `x`, `y`), a default `kid`.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let (x, y) = self.inner.to_coordinates();
        let canonical = format!(
            r#"{{"crv":"{CRV_BLS12381G2}","kty":"EC","x":"{}","y":"{}"}}"#,
            base64url::encode(&x),
            base64url::encode(&y)
        );
        base64url::encode(&Sha256::digest(canonical.as_bytes()))
    }

    /// The `kid` a JWK of this key names, or the key's thumbprint where it names none.
    #[must_use]
    pub fn kid_in(&self, jwk: &Map<String, Value>) -> String {
        jwk.get("kid")
            .and_then(Value::as_str)
            .map_or_else(|| self.thumbprint(), str::to_owned)
    }

    /// Reads a public JWK. `alg`, when present, must be this format's; a `d` is refused.
    ///
    /// # Errors
    /// [`BbsError::InvalidKey`], or the point checks of [`Self::from_bytes`].
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<Self, BbsError> {
        let member = |name: &'static str| jwk.get(name).and_then(Value::as_str);
        if member("kty") != Some("EC") || member("crv") != Some(CRV_BLS12381G2) {
            return Err(BbsError::InvalidKey("not an EC BLS12381G2 key"));
        }
        if jwk.contains_key("d") {
            return Err(BbsError::InvalidKey(
                "a private key where a public one belongs",
            ));
        }
        if jwk.get("alg").is_some_and(|alg| alg != ALG) {
            return Err(BbsError::InvalidKey("alg is not this format's"));
        }
        let coordinate = |name: &'static str| -> Result<Vec<u8>, BbsError> {
            let bytes = base64url::decode(member(name).ok_or(BbsError::InvalidKey(name))?)
                .map_err(|_| BbsError::InvalidKey(name))?;
            wire::exact(name, &bytes, COORDINATE_LEN)?;
            Ok(bytes)
        };
        let mut uncompressed = coordinate("x")?;
        uncompressed.extend(coordinate("y")?);
        let array: &[u8; 2 * COORDINATE_LEN] = uncompressed
            .as_slice()
            .try_into()
            .map_err(|_| BbsError::InvalidKey("coordinates"))?;
        let point = Option::<G2Affine>::from(G2Affine::from_uncompressed(array))
            .ok_or(BbsError::InvalidPoint("public key"))?;
        Self::from_bytes(&point.to_compressed())
    }
}

/// An issuer's key pair. The secret never leaves this type but through
/// [`Self::secret_bytes`], for the issuer's key store.
pub struct BbsKeyPair {
    pub(crate) secret: BBSplusSecretKey,
    public: BbsPublicKey,
}

impl core::fmt::Debug for BbsKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BbsKeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl BbsKeyPair {
    /// A new key pair from `rng` (KeyGen of the BBS draft over fresh key material).
    ///
    /// # Errors
    /// [`BbsError::Library`] if key generation fails (it does not for 64 random bytes).
    pub fn generate(rng: &mut impl CryptoRngCore) -> Result<Self, BbsError> {
        let mut material = [0u8; IKM_LEN];
        rng.fill_bytes(&mut material);
        let pair =
            KeyPair::<Scheme>::generate(&material, None, None).map_err(|_| BbsError::Library)?;
        Self::from_secret_bytes(&pair.private_key().to_bytes())
    }

    /// The key pair of a stored 32-byte secret.
    ///
    /// # Errors
    /// [`BbsError::InvalidScalar`] for a value that is zero or not below the group order.
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, BbsError> {
        wire::scalar("secret key", bytes)?;
        let secret =
            BBSplusSecretKey::from_bytes(bytes).map_err(|_| BbsError::InvalidKey("secret key"))?;
        let public = BbsPublicKey::from_bytes(&secret.public_key().to_bytes())?;
        Ok(Self { secret, public })
    }

    /// The secret scalar, big-endian, for the issuer's key store.
    #[must_use]
    pub fn secret_bytes(&self) -> [u8; SCALAR_LEN] {
        self.secret.to_bytes()
    }

    /// The public key.
    #[must_use]
    pub fn public(&self) -> &BbsPublicKey {
        &self.public
    }

    /// The private JWK (the public one with `d`), for a key file.
    #[must_use]
    pub fn to_private_jwk(&self, kid: &str) -> Value {
        let mut jwk = self.public.to_jwk(kid);
        if let Some(object) = jwk.as_object_mut() {
            object.insert("d".into(), base64url::encode(&self.secret_bytes()).into());
        }
        jwk
    }

    /// Reads a private JWK, checking that `d` belongs to `x` and `y`.
    ///
    /// # Errors
    /// [`BbsError::InvalidKey`] for a missing or mismatched `d`, and the checks of
    /// [`BbsPublicKey::from_jwk`].
    pub fn from_private_jwk(jwk: &Map<String, Value>) -> Result<Self, BbsError> {
        let d = jwk
            .get("d")
            .and_then(Value::as_str)
            .ok_or(BbsError::InvalidKey("no d"))?;
        let secret = base64url::decode(d).map_err(|_| BbsError::InvalidKey("d"))?;
        let pair = Self::from_secret_bytes(&secret)?;
        let mut public = jwk.clone();
        public.remove("d");
        if BbsPublicKey::from_jwk(&public)? != pair.public {
            return Err(BbsError::InvalidKey("d does not match x and y"));
        }
        Ok(pair)
    }
}
