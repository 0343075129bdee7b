//! Which client a request is from, for per-client rate limits. Behind a reverse proxy
//! every request comes from the proxy, which would make one bucket for everyone; only a
//! proxy named in the configuration (`serve --trusted-proxy`) is believed when it says,
//! in `X-Forwarded-For`, whom it forwards for. Anyone else could write that header.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// The client address of a request from `peer`: the peer itself, unless it is a trusted
/// proxy; then the nearest address in `X-Forwarded-For` (read from the right, past
/// further trusted proxies) that is not a trusted proxy. A trusted proxy that sends no
/// usable header stands for its clients itself.
#[must_use]
pub(super) fn address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy = IpAddr::from([10, 0, 0, 1]);
        let client = IpAddr::from([203, 0, 113, 7]);
        let other = IpAddr::from([198, 51, 100, 9]);
        // A direct peer's header is ignored: anyone can write it.
        assert_eq!(address(client, &headers(&["1.2.3.4"]), &[proxy]), client);
        // Through the proxy: the address it forwards for.
        assert_eq!(address(proxy, &headers(&["203.0.113.7"]), &[proxy]), client);
        // A client that sends its own header cannot pick its bucket: the proxy appends
        // the real peer, and the rightmost untrusted hop counts.
        assert_eq!(
            address(proxy, &headers(&["1.2.3.4, 198.51.100.9"]), &[proxy]),
            other
        );
        assert_eq!(
            address(proxy, &headers(&["1.2.3.4", "198.51.100.9"]), &[proxy]),
            other
        );
        // Chained trusted proxies are skipped.
        let inner = IpAddr::from([10, 0, 0, 2]);
        assert_eq!(
            address(proxy, &headers(&["203.0.113.7, 10.0.0.2"]), &[proxy, inner]),
            client
        );
        // No header, or junk: the proxy itself.
        assert_eq!(address(proxy, &headers(&[]), &[proxy]), proxy);
        assert_eq!(address(proxy, &headers(&["nonsense"]), &[proxy]), proxy);
    }
}
