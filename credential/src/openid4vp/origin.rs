//! Web origins (`scheme://host[:port]`) of the URLs in a request, so that the person sees
//! who asks and the wallet can refuse a response that would go elsewhere.
//!
//! With the `url` feature (the wallet, the issuer, the CLI), URLs are parsed with the
//! `url` crate, which implements the WHATWG URL Standard that browsers follow, so the
//! origin the wallet shows is the one the browser will use: `\` ends the authority as `/`
//! does, hosts are lower-cased and IDNA-mapped (the workspace pins `idna_adapter` to its
//! ASCII-only release, so a Unicode host is refused: a page's own `location.href` always
//! carries the `xn--` form, which is what the browser connects to and what makes a
//! look-alike visible), default ports are dropped. A URL whose serialization does not
//! parse back to the same URL, or that has user info, is refused.
//!
//! Without it (the in-page verifier, where the `url` crate would cost 22 KB gzipped), only
//! URLs already in the form a browser serializes them are accepted (`canonical`): lower-
//! case scheme and host of `[a-z0-9.-]` or a bracketed IPv6 address, an optional port, and
//! nothing but `/`, `?`, `#` or the end after the authority. On that form the naive split
//! and the URL Standard agree, which a test checks against the `url` crate; a site's own
//! `location.href` is always in it.

use core::fmt;

/// Longest URL accepted in a request.
pub const MAX_URL_BYTES: usize = 2048;

/// The origin of an `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

/// Whether `text` can be a URL at all: not too long, no whitespace or controls (the URL
/// Standard strips tabs and newlines anywhere and trims spaces; a URL that needs that is
/// refused rather than silently changed).
fn plausible(text: &str) -> bool {
    text.len() <= MAX_URL_BYTES && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(feature = "url")]
mod whatwg {
    use url::Url;

    /// The origin of `text` as the browser reads it.
    pub(super) fn origin(text: &str) -> Option<String> {
        let url = Url::parse(text).ok()?;
        if !matches!(url.scheme(), "https" | "http")
            || url.host_str().is_none_or(str::is_empty)
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return None;
        }
        let again = Url::parse(url.as_str()).ok()?;
        (again == url).then(|| url.origin().ascii_serialization())
    }
}

#[cfg(any(not(feature = "url"), test))]
mod canonical {
    /// A host whose last label is numeric is an IPv4 address to the browser, which
    /// rewrites forms such as `127.1` or `0x7f.0.0.1`; only four decimal numbers of 0 to
    /// 255 without leading zeros are kept as written.
    fn ipv4_as_browsers_write_it(host: &str) -> bool {
        let last_numeric = host
            .rsplit('.')
            .next()
            .is_some_and(|label| label.bytes().all(|b| b.is_ascii_digit()));
        if !last_numeric {
            return !host.split('.').any(|label| label.starts_with("0x"));
        }
        let labels: Vec<&str> = host.split('.').collect();
        labels.len() == 4
            && labels.iter().all(|label| {
                label.bytes().all(|b| b.is_ascii_digit())
                    && (label.len() == 1 || !label.starts_with('0'))
                    && label.parse::<u8>().is_ok()
            })
    }

    /// The origin of `text` if it is in the browser's serialized form.
    pub(super) fn origin(text: &str) -> Option<String> {
        let (scheme, rest) = super::split_scheme(text)?;
        if scheme != "https" && scheme != "http" {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest.get(..end)?;
        // IPv6: only the loopback address, written as the browser writes it.
        let (host, port) = match authority.strip_prefix("[::1]") {
            Some(after) => ("[::1]", after),
            None => authority
                .find(':')
                .and_then(|colon| authority.split_at_checked(colon))
                .unwrap_or((authority, "")),
        };
        let port = match port {
            "" => "",
            port => port.strip_prefix(':').filter(|port| !port.is_empty())?,
        };
        let host_ok = host == "[::1]"
            || (!host.is_empty()
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
                && ipv4_as_browsers_write_it(host));
        if !host_ok {
            return None;
        }
        let default_port = if scheme == "https" { "443" } else { "80" };
        let port_ok = port.is_empty()
            || (port.bytes().all(|b| b.is_ascii_digit())
                && !port.starts_with('0')
                && port != default_port
                && port.parse::<u16>().is_ok());
        port_ok.then(|| match port {
            "" => format!("{scheme}://{host}"),
            port => format!("{scheme}://{host}:{port}"),
        })
    }
}

/// `scheme://rest` as `(scheme, rest)`, split on characters: a string pattern would link
/// the two-way searcher into the in-page verifier for this alone.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    Some((scheme, rest.strip_prefix("//")?))
}

impl Origin {
    /// The origin of `url`, or `None` for anything but an absolute http(s) URL with a host
    /// and no user info, of at most [`MAX_URL_BYTES`], that round-trips (see the module
    /// documentation for what the two builds accept).
    #[must_use]
    pub fn of(url: &str) -> Option<Self> {
        if !plausible(url) {
            return None;
        }
        #[cfg(feature = "url")]
        let origin = whatwg::origin(url);
        #[cfg(not(feature = "url"))]
        let origin = canonical::origin(url);
        origin.map(Self)
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

    /// Whether the host is an internationalised name (an `xn--` label): the wallet says
    /// so beside it, since such a host may be a look-alike of a familiar one.
    #[must_use]
    pub fn is_internationalized(&self) -> bool {
        split_scheme(&self.0).is_some_and(|(_, host)| {
            host.split(['.', ':'])
                .any(|label| label.starts_with("xn--"))
        })
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

#[cfg(all(test, feature = "url"))]
mod tests {
    use super::{canonical, plausible, whatwg};

    /// Wherever the canonical reader accepts a URL, the URL Standard gives it the same
    /// origin; and it accepts what browsers write.
    #[test]
    fn the_canonical_form_agrees_with_the_url_standard() {
        let hosts = [
            "shop.example",
            "SHOP.example",
            "shop.example.",
            "xn--bcher-kva.example",
            "127.0.0.1",
            "0x7f.1",
            "127.1",
            "[::1]",
            "[0:0::1]",
            "[::FFFF:1.2.3.4]",
            "a_b.example",
            "%73hop.example",
            "shop..example",
            "-a.example",
            "",
        ];
        let ports = [
            "", ":443", ":80", ":7001", ":0", ":007", ":65535", ":65536", ":",
        ];
        let rests = [
            "",
            "/",
            "/cb?x=1#y",
            "?q",
            "#f",
            "\\x",
            "@evil.example/",
            "/%2e%2e/",
        ];
        let mut accepted = 0;
        for scheme in ["https", "http", "HTTPS", "ftp"] {
            for host in hosts {
                for port in ports {
                    for rest in rests {
                        let url = format!("{scheme}://{host}{port}{rest}");
                        if !plausible(&url) {
                            continue;
                        }
                        if let Some(origin) = canonical::origin(&url) {
                            accepted += 1;
                            assert_eq!(whatwg::origin(&url), Some(origin), "{url}");
                        }
                    }
                }
            }
        }
        assert!(accepted > 100, "{accepted}");
        for not_canonical in [
            "https://Shop.example/",
            "https://shop.example:443/",
            "https://shop.example\\@evil.example/",
            "https://127.1/",
            "https://[0:0::1]/",
            "https://shop.example:/",
        ] {
            assert_eq!(canonical::origin(not_canonical), None, "{not_canonical}");
        }
        for written in [
            "https://shop.example/checkout?x=1",
            "http://localhost:7004/",
            "http://127.0.0.1:41234/",
            "http://[::1]:7001/#/present",
            "https://xn--bcher-kva.example/",
        ] {
            assert!(canonical::origin(written).is_some(), "{written}");
        }
    }
}
