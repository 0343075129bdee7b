//! Every string the wallet shows, in one place, so that translations stay complete.

/// The strings of one language.
pub struct Text {
    /// Name of the app, shown as the page heading.
    pub app_name: &'static str,
    /// One line saying what the wallet is for.
    pub tagline: &'static str,
    /// Heading of the credentials list.
    pub credentials_heading: &'static str,
    /// Shown when the wallet holds no credential yet.
    pub no_credentials: &'static str,
}

/// English.
pub const EN: Text = Text {
    app_name: "Cachet wallet",
    tagline: "Your credentials stay on this device. Nothing is shared without your yes.",
    credentials_heading: "Your credentials",
    no_credentials: "No credentials yet. Open a credential offer from an issuer to add one.",
};
