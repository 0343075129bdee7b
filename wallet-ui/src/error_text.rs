//! What the wallet says when something fails, in the person's language: one function
//! from an error's stable code to its translated text ([`error_text`]), so no view shows
//! an error's English `Display` text or matches codes itself. A test checks that every
//! code the wallet's errors can have is translated.

use credential::ErrorCode;

use crate::text::Text;

/// The text for the error with `code`; `{}` in it is replaced by `detail` (an origin, a
/// list of claims). A code without a translation (there is none: a test checks) would
/// show as "Something went wrong (code)".
#[must_use]
pub fn error_text(t: &Text, code: &str, detail: &str) -> String {
    translation(t, code).map_or_else(
        || t.err_unknown.replace("{}", code),
        |text| text.replace("{}", detail),
    )
}

/// [`error_text`] of `error`, without detail.
#[must_use]
pub fn describe(t: &Text, error: &impl ErrorCode) -> String {
    error_text(t, error.code(), "")
}

fn translation(t: &Text, code: &str) -> Option<&'static str> {
    Some(match code {
        // Reading a link or a scanned code.
        "too_large" => t.err_link_too_large,
        "unrecognised" => t.err_unrecognised,
        "not_a_request" => t.err_not_a_request,
        "offer_too_large" | "not_an_offer" | "malformed_offer" | "no_pre_authorized_code" => {
            t.err_offer_malformed
        }
        "offer_by_reference" => t.err_offer_by_reference,
        "insecure_issuer" => t.err_insecure_issuer,
        "tx_code_unsupported" => t.err_tx_code,
        "request_too_large" | "malformed_request" => t.err_request_malformed,
        "unsupported_response_type"
        | "unsupported_response_mode"
        | "unsupported_client_id"
        | "transaction_data_unsupported" => t.err_request_unsupported,
        "client_id_mismatch" => t.refuse_mismatch,
        "invalid_dcql_query" => t.err_query_invalid,
        // Receiving and refreshing.
        "issuer_unreachable" => t.issuer_unreachable,
        "grant_refused" => t.offer_used,
        "refresh_refused" => t.refresh_refused,
        "issuer_error" => t.err_issuer_error,
        "issuer_metadata" => t.err_issuer_metadata,
        "wrong_count" => t.err_wrong_count,
        "invalid_credential" | "wrong_holder_key" | "inconsistent_batch" => t.err_bad_credentials,
        "wrong_issuer" => t.err_wrong_issuer,
        "expired_on_arrival" => t.err_expired_on_arrival,
        // Consent refusals.
        "insecure_verifier" => t.refuse_insecure,
        "no_such_credential" => t.refuse_no_credential,
        "missing_claims" => t.refuse_missing,
        "no_unused_copy" => t.refuse_no_copy,
        "keys_on_another_device" => t.refuse_restored,
        "untrusted_issuer" => t.refuse_untrusted_issuer,
        // Presenting and delivering.
        "holder_key_missing" => t.err_key_missing,
        "holder_key_failed" => t.err_key_failed,
        "damaged_record" => t.err_damaged_record,
        "stale_consent" => t.err_stale_consent,
        "not_enough_claims" => t.not_enough_claims,
        "no_qr" => t.err_no_qr,
        "proof_failed" => t.err_proof_failed,
        // Pseudonyms' recovery code.
        "recovery_code_length" => t.err_recovery_length,
        "recovery_code_character" => t.err_recovery_character,
        "recovery_code_typo" => t.err_recovery_typo,
        "pseudonyms_in_use" => t.err_pseudonyms_in_use,
        "site_unreachable" => t.err_site_unreachable,
        "site_refused" => t.err_site_refused,
        "site_unexpected_answer" => t.err_site_unexpected,
        // Storage, passphrases and backups.
        "storage_unavailable" => t.err_storage_unavailable,
        "record_unreadable" => t.err_record_unreadable,
        "encryption_failed" => t.err_encryption,
        "wrong_passphrase" => t.wrong_passphrase,
        "passphrase_too_short" => t.passphrase_too_short,
        "not_a_backup" => t.err_not_a_backup,
        "backup_too_large" => t.err_backup_too_large,
        "backup_damaged" => t.err_backup_damaged,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::backup::BackupError;
    use crate::logic::consent::Refusal;
    use crate::logic::http::HttpError;
    use crate::logic::incoming::IncomingError;
    use crate::logic::issuance::IssuanceError;
    use crate::logic::passphrase::PassphraseError;
    use crate::logic::wallet::WalletError;
    use crate::text::{EN, ZH_HANS};

    #[test]
    fn every_code_the_wallet_can_show_is_translated() {
        let mut codes = IncomingError::codes();
        codes.extend(IssuanceError::codes());
        codes.extend(Refusal::codes());
        codes.extend(WalletError::codes());
        codes.extend(HttpError::codes());
        codes.extend(BackupError::codes());
        codes.extend(PassphraseError::codes());
        codes.extend(crate::browser::vault::VaultError::codes());
        codes.extend(crate::browser::backup_file::ExportError::codes());
        assert!(codes.len() > 45, "{codes:?}");
        for t in [&EN, &ZH_HANS] {
            let untranslated: Vec<_> = codes
                .iter()
                .filter(|code| translation(t, code).is_none())
                .collect();
            assert!(untranslated.is_empty(), "no text for {untranslated:?}");
        }
        assert_eq!(
            error_text(&ZH_HANS, "insecure_verifier", "http://shop.example"),
            "http://shop.example 未使用安全连接，回复可能被他人读取。"
        );
        assert_eq!(
            describe(&EN, &PassphraseError::TooShort),
            "Use at least 8 characters."
        );
        assert_eq!(
            error_text(&EN, "no_such_code", ""),
            "Something went wrong (no_such_code)."
        );
    }
}
