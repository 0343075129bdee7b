//! Web origins (`scheme://host[:port]`) of the URLs in a request, so that the person sees
//! who asks and the wallet can refuse a response that would go elsewhere.

use core::fmt;

/// Longest URL accepted in a request.
pub const MAX_URL_BYTES: usize = 2048;

/// The origin of an `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// The origin of `url`, or `None` for anything but an absolute http(s) URL without
    /// user info.
    #[must_use]
    pub fn of(url: &str) -> Option<Self> {
        if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let authority = authority.to_ascii_lowercase();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
        Some(Self(format!("{scheme}://{authority}")))
    }

    /// Whether the origin is `https`, or `http` on a loopback host (`localhost`,
    /// `127.0.0.1`, `[::1]`), where browsers treat it as a secure context.
    #[must_use]
    pub fn is_potentially_trustworthy(&self) -> bool {
        if self.0.starts_with("https://") {
            return true;
        }
        let Some(authority) = self.0.strip_prefix("http://") else {
            return false;
        };
        let host = authority
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(authority, |(host, _)| host);
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    }

    /// The origin as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
