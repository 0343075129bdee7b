//! The issuer's public documents: credential issuer and authorization server metadata,
//! the JWT VC issuer keys, type metadata, and where status lists are published.

use super::*;

impl Issuer {
    /// The URI of status list `id`.
    #[must_use]
    pub fn status_list_uri(&self, id: i64) -> String {
        format!("{}/{id}", self.config.status_base_url)
    }
    /// `/.well-known/openid-credential-issuer`.
    #[must_use]
    pub fn issuer_metadata(&self) -> Value {
        let issuer = &self.config.public_url;
        let configurations: serde_json::Map<String, Value> = Configuration::ALL
            .iter()
            .map(|configuration| {
                (
                    configuration.id().to_owned(),
                    configuration.issuer_metadata(issuer),
                )
            })
            .collect();
        json!({
            "credential_issuer": issuer,
            "credential_endpoint": self.config.url("/credential"),
            "nonce_endpoint": self.config.url("/nonce"),
            "batch_credential_issuance": { "batch_size": self.config.batch_size },
            "display": [
                {"locale": "en", "name": "Cachet demo issuer"},
                {"locale": "zh-Hans", "name": "Cachet 演示签发方"}
            ],
            "credential_configurations_supported": configurations,
        })
    }
    /// `/.well-known/oauth-authorization-server` (RFC 8414): the token endpoint.
    #[must_use]
    pub fn authorization_server_metadata(&self) -> Value {
        json!({
            "issuer": self.config.public_url,
            "token_endpoint": self.config.url("/token"),
            "grant_types_supported": [credential::openid4vci::PRE_AUTHORIZED_GRANT, REFRESH_GRANT],
            "pre-authorized_grant_anonymous_access_supported": true,
            "dpop_signing_alg_values_supported": ["ES256"],
        })
    }
    /// `/.well-known/jwt-vc-issuer` (SD-JWT VC §5): the issuer and its published keys.
    ///
    /// # Errors
    /// [`Refusal`] on a database failure.
    pub fn jwt_vc_issuer_metadata(&self) -> Result<Value, Refusal> {
        let (keys, bbs_keys) = {
            let store = &self.store;
            (
                store.published_keys(self.now())?,
                store.bbs_public_keys(self.now())?,
            )
        };
        // The ES256 keys, then the pseudonymous format's BLS12-381 G2 keys, which readers
        // of SD-JWT VC set aside (credential::Jwks keeps them for the format that reads them).
        let mut keys: Vec<Value> = keys.iter().map(PublicJwk::to_json).collect();
        keys.extend(bbs_keys.iter().map(|(kid, key)| key.to_jwk(kid)));
        Ok(json!({
            "issuer": self.config.public_url,
            "jwks": { "keys": keys },
        }))
    }
    /// `GET /health`: whether this node can serve, checked on the database it depends on
    /// (a query, so a lost or locked file shows). Nothing about anyone: the schema
    /// version and the active key's id.
    ///
    /// # Errors
    /// [`Refusal`] when the database does not answer.
    pub fn health(&self) -> Result<Value, Refusal> {
        let store = &self.store;
        Ok(json!({
            "status": "ok",
            "schema_version": store.schema_version()?,
            "active_kid": store.active_kid()?,
        }))
    }
    /// Type metadata for `/types/{name}`.
    #[must_use]
    pub fn type_metadata(&self, name: &str) -> Option<Value> {
        Configuration::ALL
            .into_iter()
            .find(|configuration| configuration.type_name() == name)
            .map(|configuration| configuration.type_metadata(&self.config.public_url))
    }
}
