//! Finishing the wallet build that Trunk leaves in `dist/wallet`: Trunk's inline loader
//! script moves into a file, so the page runs under a CSP without `'unsafe-inline'`;
//! and the service worker gets the list of files to cache for offline use, with a
//! version that changes whenever any of them does.

use std::fs;
use std::path::Path;

use crate::cmd::{Result, fail};

const INLINE_SCRIPT: &str = "<script type=\"module\">";

/// FNV-1a, 64 bits: a stable content fingerprint for file names and the cache version.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|err| fail(format!("cannot read {}: {err}", path.display())))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|err| fail(format!("cannot write {}: {err}", path.display())))
}

/// Moves the inline loader out of `index.html` and fills in the service worker.
///
/// # Errors
/// A missing or unexpected build output.
pub fn finish(dist: &Path) -> Result {
    let index = dist.join("index.html");
    let mut html = read(&index)?;
    if let Some(start) = html.find(INLINE_SCRIPT) {
        let body_start = start + INLINE_SCRIPT.len();
        let end = html[body_start..]
            .find("</script>")
            .map(|offset| body_start + offset)
            .ok_or_else(|| fail("index.html: unterminated inline script"))?;
        let script = html[body_start..end].trim().to_owned();
        let name = format!("boot-{:016x}.js", fingerprint(script.as_bytes()));
        write(&dist.join(&name), &format!("{script}\n"))?;
        html.replace_range(
            start..end + "</script>".len(),
            &format!("<script type=\"module\" src=\"/{name}\"></script>"),
        );
        write(&index, &html)?;
    }
    if html.contains("<script>") || html.contains(INLINE_SCRIPT) {
        return Err(fail("index.html still has an inline script"));
    }

    let mut files = Vec::new();
    let mut contents = Vec::new();
    let entries =
        fs::read_dir(dist).map_err(|err| fail(format!("cannot list {}: {err}", dist.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "sw.js" && entry.path().is_file() {
            contents.extend(fs::read(entry.path()).unwrap_or_default());
            files.push(format!("/{name}"));
        }
    }
    files.sort();
    files.insert(0, "/".to_owned());
    let list = format!(
        "[{}]",
        files
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let worker = dist.join("sw.js");
    let template = read(&worker)?;
    if template.contains("__PRECACHE__") {
        let filled = template
            .replace("__VERSION__", &format!("{:016x}", fingerprint(&contents)))
            .replace("__PRECACHE__", &list);
        write(&worker, &filled)?;
    }
    Ok(())
}
