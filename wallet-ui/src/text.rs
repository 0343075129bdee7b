//! Every string the wallet shows, in one place, for each language: a missing
//! translation is a compile error. Placeholders: `{}` (one value), or named ones such as
//! `{unused}` where a string has several.

/// A language the wallet speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhHans,
}

/// Where the chosen language is remembered (this device only).
const LANG_KEY: &str = "cachet-wallet-lang";

impl Lang {
    /// The BCP 47 tag.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhHans => "zh-Hans",
        }
    }

    /// The language of a tag (`zh…` is Chinese, anything else English).
    #[must_use]
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Self::ZhHans
        } else {
            Self::En
        }
    }

    /// The remembered choice, else the browser's language.
    #[must_use]
    pub fn detect() -> Self {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        let tag = stored.or_else(|| window.and_then(|w| w.navigator().language()));
        tag.as_deref().map_or(Self::En, Self::from_tag)
    }

    /// Remembers this choice on the device.
    pub fn remember(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(LANG_KEY, self.tag());
        }
    }

    /// The strings.
    #[must_use]
    pub const fn text(self) -> &'static Text {
        match self {
            Self::En => &EN,
            Self::ZhHans => &ZH_HANS,
        }
    }
}

macro_rules! strings {
    ($($name:ident),* $(,)?) => {
        /// The strings of one language; each field is named for what it says.
        #[allow(missing_docs)]
        pub struct Text { $(pub $name: &'static str,)* }
    };
}

strings! {
    app_name, tagline, language, navigation, loading, cannot_open,
    nav_credentials, nav_scan, nav_history, nav_settings,
    back, cancel, delete, done, continue_, try_again, yes, no,
    credentials_heading, no_credentials, issued_by, valid_until, copies_left, refresh_hint,
    restored_hint, delete_credential, delete_credential_confirm, refresh, refreshing,
    refresh_refused,
    type_identity, type_age,
    claim_given_name, claim_family_name, claim_birthdate, claim_region, claim_nationality,
    claim_age_over,
    offer_heading, offer_from, offer_what, offer_explainer, offer_accept, offer_done,
    offer_invalid, offer_used, issuer_unreachable, see_credentials,
    step_contacting, step_authorizing, step_keys, step_receiving, step_storing,
    asks_for, idn_warning, purpose, from_credential, will_share, will_not_share, required,
    not_enough_claims, share, decline, sharing, sent, declined, show_qr, qr_details,
    refused_heading, nothing_shared, refuse_insecure, refuse_no_credential, refuse_missing,
    refuse_no_copy, refuse_restored, refuse_untrusted_issuer, refuse_mismatch, refuse_invalid,
    scan_heading, scan_explainer, camera, start_camera, camera_unavailable, paste_label,
    history_heading, history_explainer, no_history, shared_from, clear_history,
    unlock_heading, passphrase, unlock, wrong_passphrase,
    passphrase_heading, passphrase_explainer, new_passphrase, set_passphrase,
    remove_passphrase, passphrase_set, passphrase_removed, passphrase_too_short,
    backup_heading, backup_explainer, backup_passphrase, export_backup, backup_saved,
    backup_failed, backup_file, import_backup, choose_file, backup_unreadable,
    backup_restored,
    delete_everything_heading, delete_everything_explainer, delete_everything,
    delete_everything_confirm, deleted_everything,
}

/// English.
pub const EN: Text = Text {
    app_name: "Cachet wallet",
    tagline: "Your credentials stay on this device. Nothing is shared without your yes.",
    language: "Language",
    navigation: "Wallet sections",
    loading: "Opening your wallet…",
    cannot_open: "The wallet cannot open",
    nav_credentials: "Credentials",
    nav_scan: "Scan",
    nav_history: "History",
    nav_settings: "Settings",
    back: "Back",
    cancel: "Cancel",
    delete: "Delete",
    done: "Done",
    continue_: "Continue",
    try_again: "Try again",
    yes: "Yes",
    no: "No",
    credentials_heading: "Your credentials",
    no_credentials: "No credentials yet. Open a credential offer from an issuer to add one.",
    issued_by: "Issued by",
    valid_until: "Valid until {}",
    copies_left: "{unused} of {total} single-use copies left",
    refresh_hint: "Every copy is used. New copies come by themselves once a week; getting them now tells the issuer that you used them all.",
    refresh: "Get new copies",
    refreshing: "Getting new copies from the issuer…",
    refresh_refused: "The issuer no longer renews this credential. Ask it for a new offer.",
    restored_hint: "Restored from a backup. Its keys stayed on the device that received it, so it can be viewed here but not shown to sites.",
    delete_credential: "Delete this credential",
    delete_credential_confirm: "Delete this credential and all its copies from this device?",
    type_identity: "Identity",
    type_age: "Age",
    claim_given_name: "Given name",
    claim_family_name: "Family name",
    claim_birthdate: "Date of birth",
    claim_region: "Region",
    claim_nationality: "Nationality",
    claim_age_over: "Over {}",
    offer_heading: "Add a credential",
    offer_from: "Offered by",
    offer_what: "Credentials:",
    offer_explainer: "The wallet makes a new key for each copy on this device and asks the issuer to sign. The issuer will not learn where you use them.",
    offer_accept: "Add to my wallet",
    offer_done: "Added. Your credentials are on this device.",
    offer_invalid: "This offer cannot be used",
    offer_used: "This offer was already used or has expired. Ask the issuer for a new one.",
    issuer_unreachable: "The issuer cannot be reached. Check your connection and try again.",
    see_credentials: "See my credentials",
    step_contacting: "Contacting the issuer…",
    step_authorizing: "Redeeming the offer…",
    step_keys: "Making keys on this device…",
    step_receiving: "Receiving the credentials…",
    step_storing: "Checking and saving…",
    asks_for: "asks to see",
    idn_warning: "This address uses international characters (xn--). Check that it is the site you mean: it may imitate another.",
    purpose: "Why",
    from_credential: "From your {} credential",
    will_share: "Will be shared:",
    will_not_share: "Will not be shared:",
    required: "needed by the site",
    not_enough_claims: "The site's request is not answered without what you left out.",
    share: "Share",
    decline: "Decline",
    sharing: "Sharing…",
    sent: "Sent to the site.",
    declined: "Declined. Nothing was shared.",
    show_qr: "Show this code to the site's camera.",
    qr_details: "QR version {version}, {chars} characters. The code works once.",
    refused_heading: "The wallet will not answer this request",
    nothing_shared: "Nothing was shared and nothing was used up.",
    refuse_insecure: "{} does not use a secure connection, so the answer could be read by others.",
    refuse_no_credential: "You have no credential of the kind the site asks for.",
    refuse_missing: "Your credentials do not include: {}.",
    refuse_no_copy: "No unused copy is left. Ask the issuer for a new batch.",
    refuse_restored: "This credential was restored from a backup; it can only be shown from the device that received it.",
    refuse_untrusted_issuer: "This site names the issuers it accepts, and none of your credentials comes from one of them.",
    refuse_mismatch: "The request says it comes from one site but wants the answer sent to another. This is how phishing works.",
    refuse_invalid: "The request is not valid: {}",
    scan_heading: "Scan a code",
    scan_explainer: "Scan a site's request or an issuer's offer, or paste its text. The camera picture never leaves this device.",
    camera: "Camera",
    start_camera: "Start the camera",
    camera_unavailable: "The camera is not available",
    paste_label: "Or paste a link or code",
    history_heading: "What you shared",
    history_explainer: "Kept only on this device. Delete any entry whenever you like.",
    no_history: "Nothing shared yet.",
    shared_from: "From {}:",
    clear_history: "Delete the whole history",
    unlock_heading: "Unlock your wallet",
    passphrase: "Passphrase",
    unlock: "Unlock",
    wrong_passphrase: "Wrong passphrase.",
    passphrase_heading: "Passphrase",
    passphrase_explainer: "With a passphrase, the wallet asks for it every time it opens. There is no way to recover a forgotten passphrase.",
    new_passphrase: "New passphrase (at least 8 characters)",
    set_passphrase: "Set passphrase",
    remove_passphrase: "Remove passphrase",
    passphrase_set: "Passphrase set. Your records were encrypted again with it.",
    passphrase_removed: "Passphrase removed.",
    passphrase_too_short: "Use at least 8 characters.",
    backup_heading: "Backup",
    backup_explainer: "An encrypted file with your credentials and history. Keys never leave this device: restored credentials can be viewed, not shown to sites.",
    backup_passphrase: "Backup passphrase",
    export_backup: "Save a backup",
    backup_saved: "Backup saved.",
    backup_failed: "The backup could not be saved.",
    backup_file: "Backup file",
    import_backup: "Restore from backup",
    choose_file: "Choose a backup file first.",
    backup_unreadable: "The file cannot be read.",
    backup_restored: "Restored {} credentials.",
    delete_everything_heading: "Delete everything",
    delete_everything_explainer: "Removes every credential, key and history entry from this device.",
    delete_everything: "Delete everything…",
    delete_everything_confirm: "This cannot be undone. Delete everything?",
    deleted_everything: "Everything was deleted.",
};

/// Simplified Chinese.
pub const ZH_HANS: Text = Text {
    app_name: "Cachet 钱包",
    tagline: "你的凭证只保存在这台设备上。未经你同意，不会分享任何信息。",
    language: "语言",
    navigation: "钱包栏目",
    loading: "正在打开钱包…",
    cannot_open: "无法打开钱包",
    nav_credentials: "凭证",
    nav_scan: "扫码",
    nav_history: "记录",
    nav_settings: "设置",
    back: "返回",
    cancel: "取消",
    delete: "删除",
    done: "完成",
    continue_: "继续",
    try_again: "重试",
    yes: "是",
    no: "否",
    credentials_heading: "你的凭证",
    no_credentials: "还没有凭证。打开签发方提供的凭证链接即可添加。",
    issued_by: "签发方",
    valid_until: "有效期至 {}",
    copies_left: "一次性副本剩余 {unused} / {total}",
    refresh_hint: "所有副本都已用完。新副本每周会自动获取；现在获取会让签发方知道你已用完。",
    refresh: "获取新副本",
    refreshing: "正在从签发方获取新副本…",
    refresh_refused: "签发方不再续发此凭证。请向其申请新的凭证链接。",
    restored_hint: "从备份恢复。其密钥留在原设备上，因此只能在此查看，不能出示给网站。",
    delete_credential: "删除此凭证",
    delete_credential_confirm: "从这台设备删除此凭证及其全部副本？",
    type_identity: "身份",
    type_age: "年龄",
    claim_given_name: "名",
    claim_family_name: "姓",
    claim_birthdate: "出生日期",
    claim_region: "地区",
    claim_nationality: "国籍",
    claim_age_over: "已满 {} 岁",
    offer_heading: "添加凭证",
    offer_from: "提供方",
    offer_what: "凭证：",
    offer_explainer: "钱包会在这台设备上为每个副本生成新密钥，并请签发方签名。签发方不会知道你在哪里使用它们。",
    offer_accept: "添加到我的钱包",
    offer_done: "已添加。你的凭证保存在这台设备上。",
    offer_invalid: "此凭证链接无法使用",
    offer_used: "此链接已被使用或已过期。请向签发方重新申请。",
    issuer_unreachable: "无法连接签发方。请检查网络后重试。",
    see_credentials: "查看我的凭证",
    step_contacting: "正在连接签发方…",
    step_authorizing: "正在兑换凭证链接…",
    step_keys: "正在本机生成密钥…",
    step_receiving: "正在接收凭证…",
    step_storing: "正在检查并保存…",
    asks_for: "请求查看",
    idn_warning: "此地址使用国际化字符（xn--）。请确认这是您要访问的网站：它可能在冒充其他网站。",
    purpose: "用途",
    from_credential: "来自你的{}凭证",
    will_share: "将分享：",
    will_not_share: "不会分享：",
    required: "网站必需",
    not_enough_claims: "去掉这些信息后，无法满足网站的请求。",
    share: "分享",
    decline: "拒绝",
    sharing: "正在分享…",
    sent: "已发送给网站。",
    declined: "已拒绝，未分享任何信息。",
    show_qr: "请将此二维码对准网站的摄像头。",
    qr_details: "二维码版本 {version}，{chars} 个字符。仅可使用一次。",
    refused_heading: "钱包不会回应此请求",
    nothing_shared: "未分享任何信息，也未消耗任何副本。",
    refuse_insecure: "{} 未使用安全连接，回复可能被他人读取。",
    refuse_no_credential: "你没有网站所要求类型的凭证。",
    refuse_missing: "你的凭证中没有：{}。",
    refuse_no_copy: "没有未使用的副本了。请向签发方申请新的一批。",
    refuse_restored: "此凭证从备份恢复，只能在接收它的设备上出示。",
    refuse_untrusted_issuer: "此网站指定了它接受的签发方，而你的凭证都不是由这些签发方签发的。",
    refuse_mismatch: "此请求声称来自一个网站，却要求把回复发送到另一个网站。这是钓鱼的常见手法。",
    refuse_invalid: "请求无效：{}",
    scan_heading: "扫描二维码",
    scan_explainer: "扫描网站的请求或签发方的凭证二维码，或粘贴其文本。摄像头画面不会离开这台设备。",
    camera: "摄像头",
    start_camera: "打开摄像头",
    camera_unavailable: "摄像头不可用",
    paste_label: "或粘贴链接或代码",
    history_heading: "分享记录",
    history_explainer: "仅保存在这台设备上，可随时删除任何一条。",
    no_history: "还没有分享过任何信息。",
    shared_from: "来自{}：",
    clear_history: "删除全部记录",
    unlock_heading: "解锁钱包",
    passphrase: "密码短语",
    unlock: "解锁",
    wrong_passphrase: "密码短语错误。",
    passphrase_heading: "密码短语",
    passphrase_explainer: "设置后，每次打开钱包都需要输入。忘记后无法找回。",
    new_passphrase: "新密码短语（至少 8 个字符）",
    set_passphrase: "设置密码短语",
    remove_passphrase: "移除密码短语",
    passphrase_set: "已设置密码短语，记录已用它重新加密。",
    passphrase_removed: "已移除密码短语。",
    passphrase_too_short: "请至少使用 8 个字符。",
    backup_heading: "备份",
    backup_explainer: "包含凭证和记录的加密文件。密钥不会离开这台设备：恢复的凭证可以查看，但不能出示给网站。",
    backup_passphrase: "备份密码短语",
    export_backup: "保存备份",
    backup_saved: "备份已保存。",
    backup_failed: "无法保存备份。",
    backup_file: "备份文件",
    import_backup: "从备份恢复",
    choose_file: "请先选择备份文件。",
    backup_unreadable: "无法读取该文件。",
    backup_restored: "已恢复 {} 个凭证。",
    delete_everything_heading: "删除全部",
    delete_everything_explainer: "从这台设备删除所有凭证、密钥和记录。",
    delete_everything: "删除全部…",
    delete_everything_confirm: "此操作无法撤销。确定删除全部？",
    deleted_everything: "已全部删除。",
};
