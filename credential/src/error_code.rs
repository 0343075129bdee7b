//! Stable error codes: every error a caller can match on (JavaScript through the
//! verifier's `error.code`, the wallet's views, the issuer's OAuth answers) implements
//! [`ErrorCode`], and [`error_codes!`](crate::error_codes) writes both the code of each
//! variant and the list of all of them from one table, so a list can never miss a code.
//! The TypeScript union of the verifier's codes is generated from these lists.

/// An error with a stable machine-readable code (snake case), part of the public API.
pub trait ErrorCode {
    /// This error's code.
    fn code(&self) -> &'static str;

    /// Every code a value of this type can have, each once, sorted.
    fn codes() -> Vec<&'static str>
    where
        Self: Sized;
}

/// Implements [`ErrorCode`] for a type from a table of `pattern => "code"` arms
/// (patterns may have guards; several arms may share a code), and, after `delegate`,
/// variants `Variant(inner)` whose code is the code of the error they wrap (of type `T`,
/// written `Variant => T`), whose codes the list includes.
///
/// ```
/// #[derive(Debug)]
/// enum Refusal { Busy, Closed(u8), Invalid(credential::VerifyError) }
/// credential::error_codes! {
///     Refusal {
///         Self::Busy => "busy",
///         Self::Closed(0) => "closed",
///         Self::Closed(_) => "closed",
///     }
///     delegate {
///         Invalid => credential::VerifyError,
///     }
/// }
/// use credential::ErrorCode;
/// assert_eq!(Refusal::Closed(3).code(), "closed");
/// assert_eq!(Refusal::Invalid(credential::VerifyError::Expired).code(), "expired");
/// assert!(Refusal::codes().contains(&"busy") && Refusal::codes().contains(&"revoked"));
/// ```
#[macro_export]
macro_rules! error_codes {
    (
        $(#[$meta:meta])* $ty:ty {
            $($pat:pat $(if $guard:expr)? => $code:literal),* $(,)?
        }
        $(delegate { $($variant:ident => $inner:ty),+ $(,)? })?
    ) => {
        impl $crate::ErrorCode for $ty {
            $(#[$meta])*
            fn code(&self) -> &'static str {
                match self {
                    $($pat $(if $guard)? => $code,)*
                    $($(Self::$variant(inner) => $crate::ErrorCode::code(inner),)+)?
                }
            }

            fn codes() -> ::std::vec::Vec<&'static str> {
                #[allow(unused_mut)]
                let mut codes: ::std::vec::Vec<&'static str> = ::std::vec![$($code),*];
                $($(codes.extend(<$inner as $crate::ErrorCode>::codes());)+)?
                codes.sort_unstable();
                codes.dedup();
                codes
            }
        }
    };
}
