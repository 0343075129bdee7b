//! Signing keys in a hardware security module, through PKCS#11 (`cryptoki`): the issuer's
//! ES256 keys are generated in the token, never extractable, and sign there; the database
//! keeps only their public part and `kid` (the key object's `CKA_ID`). A retired key is
//! destroyed in the token. BBS keys stay sealed by the key-encryption key: PKCS#11 has no
//! BBS mechanism.
//!
//! Tests and the demo use SoftHSM2 (`/usr/lib/softhsm/libsofthsm2.so`); production uses
//! the HSM vendor's module with the same flags.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use credential::PublicJwk;
use credential::crypto::{ES256_SIGNATURE_LEN, Es256Signer, SignError};
use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use p256::ecdsa::Signature;
use sha2::{Digest, Sha256};

/// DER of the P-256 curve's OID (1.2.840.10045.3.1.7), the `CKA_EC_PARAMS` of our keys.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// An uncompressed P-256 point: `04 || x || y`.
const POINT_LEN: usize = 65;

/// Why the token could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The module (shared library) does not load or initialise.
    #[error("the PKCS#11 module {module} does not load: {reason}")]
    Module {
        /// The module's path.
        module: String,
        /// What the loader or the module said.
        reason: String,
    },
    /// No slot holds a token with this label.
    #[error("no PKCS#11 token is labelled {0:?}")]
    NoToken(String),
    /// The PIN was refused.
    #[error("the PKCS#11 token {token:?} refused the PIN: {reason}")]
    Login {
        /// The token's label.
        token: String,
        /// What the module said.
        reason: String,
    },
    /// The token holds no private key with this `kid`: the database names a key that is
    /// in another token (or was destroyed).
    #[error("the PKCS#11 token {token:?} holds no signing key {kid}; is this the issuer's token?")]
    NoKey {
        /// The token's label.
        token: String,
        /// The key the database names.
        kid: String,
    },
    /// The key in the token is not a P-256 key.
    #[error("the PKCS#11 key {0} is not a P-256 key")]
    NotP256(String),
    /// An operation failed in the module.
    #[error("PKCS#11 {operation} failed: {reason}")]
    Device {
        /// What was being done.
        operation: &'static str,
        /// What the module said.
        reason: String,
    },
}

fn device(operation: &'static str) -> impl Fn(cryptoki::error::Error) -> Pkcs11Error {
    move |error| Pkcs11Error::Device {
        operation,
        reason: error.to_string(),
    }
}

/// A logged-in session on the issuer's token. One session, used by one signature at a
/// time (a token serialises them anyway).
pub struct Token {
    label: String,
    session: Mutex<Session>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Loads `module`, finds the token labelled `label` and logs in with `pin`.
    ///
    /// # Errors
    /// [`Pkcs11Error::Module`], [`Pkcs11Error::NoToken`], [`Pkcs11Error::Login`].
    pub fn open(module: &Path, label: &str, pin: &str) -> Result<Arc<Self>, Pkcs11Error> {
        let failed = |reason: String| Pkcs11Error::Module {
            module: module.display().to_string(),
            reason,
        };
        let context = context(module).map_err(failed)?;
        let slots = context
            .get_slots_with_token()
            .map_err(device("listing slots"))?;
        let slot = slots
            .into_iter()
            .find(|slot| {
                context
                    .get_token_info(*slot)
                    .is_ok_and(|info| info.label().trim_end() == label)
            })
            .ok_or_else(|| Pkcs11Error::NoToken(label.to_owned()))?;
        let session = context
            .open_rw_session(slot)
            .map_err(device("opening a session"))?;
        match session.login(UserType::User, Some(&AuthPin::new(pin.to_owned()))) {
            // Login is per process and token: another session of ours did it.
            Ok(()) | Err(cryptoki::error::Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(error) => {
                return Err(Pkcs11Error::Login {
                    token: label.to_owned(),
                    reason: error.to_string(),
                });
            }
        }
        Ok(Arc::new(Self {
            label: label.to_owned(),
            session: Mutex::new(session),
        }))
    }

    /// The token's label.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new P-256 key pair made in the token: the private key is sensitive and not
    /// extractable; both objects get the key's `kid` (its JWK thumbprint) as `CKA_ID`.
    ///
    /// # Errors
    /// [`Pkcs11Error::Device`].
    pub fn generate_key(self: &Arc<Self>) -> Result<TokenKey, Pkcs11Error> {
        let session = self.session();
        let public_template = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(P256_PARAMS.to_vec()),
            Attribute::Label(b"cachet-issuer signing key".to_vec()),
        ];
        let private_template = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Label(b"cachet-issuer signing key".to_vec()),
        ];
        let (public_handle, private_handle) = session
            .generate_key_pair(
                &Mechanism::EccKeyPairGen,
                &public_template,
                &private_template,
            )
            .map_err(device("generating a key"))?;
        let public = public_point(&session, public_handle).and_then(|point| {
            PublicJwk::from_sec1(&point).ok_or(Pkcs11Error::NotP256("new".into()))
        })?;
        let kid = public.thumbprint();
        for handle in [public_handle, private_handle] {
            session
                .update_attributes(handle, &[Attribute::Id(kid.as_bytes().to_vec())])
                .map_err(device("naming the key"))?;
        }
        drop(session);
        Ok(TokenKey {
            token: Arc::clone(self),
            handle: private_handle,
            public: PublicJwk::from_key(*public.key(), Some(kid.clone())),
            kid,
        })
    }

    /// The private key with `kid` (its public half as the database holds it).
    ///
    /// # Errors
    /// [`Pkcs11Error::NoKey`] if the token holds none.
    pub fn key(self: &Arc<Self>, public: &PublicJwk) -> Result<TokenKey, Pkcs11Error> {
        let kid = public
            .kid()
            .map(str::to_owned)
            .unwrap_or_else(|| public.thumbprint());
        let handle =
            self.find(&kid, ObjectClass::PRIVATE_KEY)?
                .ok_or_else(|| Pkcs11Error::NoKey {
                    token: self.label.clone(),
                    kid: kid.clone(),
                })?;
        Ok(TokenKey {
            token: Arc::clone(self),
            handle,
            public: public.clone(),
            kid,
        })
    }

    /// Destroys both objects of the key `kid` (a retired key signs nothing again). A key
    /// that is not there is already gone.
    ///
    /// # Errors
    /// [`Pkcs11Error::Device`].
    pub fn destroy_key(&self, kid: &str) -> Result<(), Pkcs11Error> {
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            if let Some(handle) = self.find(kid, class)? {
                self.session()
                    .destroy_object(handle)
                    .map_err(device("destroying a retired key"))?;
            }
        }
        Ok(())
    }

    fn find(&self, kid: &str, class: ObjectClass) -> Result<Option<ObjectHandle>, Pkcs11Error> {
        let found = self
            .session()
            .find_objects(&[
                Attribute::Class(class),
                Attribute::KeyType(KeyType::EC),
                Attribute::Id(kid.as_bytes().to_vec()),
            ])
            .map_err(device("finding a key"))?;
        Ok(found.into_iter().next())
    }
}

/// The process's one context for `module`, loaded and initialised on first use: a module
/// is initialised once per process (a second `C_Initialize` is refused, and finalising one
/// context would end every other's sessions).
fn context(module: &Path) -> Result<Pkcs11, String> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut contexts = CONTEXTS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(context) = contexts.get(module) {
        return Ok(context.clone());
    }
    let context = Pkcs11::new(module).map_err(|error| error.to_string())?;
    context
        .initialize(CInitializeArgs::OsThreads)
        .map_err(|error| error.to_string())?;
    contexts.insert(module.to_owned(), context.clone());
    Ok(context)
}

/// The uncompressed point of a public key object: `CKA_EC_POINT` is a DER OCTET STRING
/// around it (some modules give the bare point).
fn public_point(session: &Session, handle: ObjectHandle) -> Result<[u8; POINT_LEN], Pkcs11Error> {
    let attributes = session
        .get_attributes(handle, &[AttributeType::EcPoint])
        .map_err(device("reading a public key"))?;
    let point = attributes
        .into_iter()
        .find_map(|attribute| match attribute {
            Attribute::EcPoint(point) => Some(point),
            _ => None,
        });
    let point = point.unwrap_or_default();
    let bare = match point.as_slice() {
        [0x04, 0x41, rest @ ..] if rest.len() == POINT_LEN => rest,
        bare => bare,
    };
    <[u8; POINT_LEN]>::try_from(bare).map_err(|_| Pkcs11Error::NotP256("new".into()))
}

/// A signing key in the token.
#[derive(Clone)]
pub struct TokenKey {
    token: Arc<Token>,
    handle: ObjectHandle,
    public: PublicJwk,
    kid: String,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl TokenKey {
    /// The public half, with its `kid`.
    #[must_use]
    pub fn public(&self) -> &PublicJwk {
        &self.public
    }
}

impl Es256Signer for TokenKey {
    fn kid(&self) -> &str {
        &self.kid
    }

    fn sign_es256(&self, message: &[u8]) -> Result<[u8; ES256_SIGNATURE_LEN], SignError> {
        let digest = Sha256::digest(message);
        let raw = self
            .token
            .session()
            .sign(&Mechanism::Ecdsa, self.handle, &digest)
            .map_err(|error| SignError::Device(error.to_string()))?;
        // CKM_ECDSA gives `r || s`; JOSE verifiers may insist on the low `s`.
        let signature = Signature::from_slice(&raw)
            .map_err(|_| SignError::Device("the token's signature is not r || s".into()))?;
        let signature = signature.normalize_s().unwrap_or(signature);
        Ok(signature.to_bytes().into())
    }
}
