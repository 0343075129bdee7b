//! The wallet's logic bound to the browser: IndexedDB, WebCrypto and fetch.
