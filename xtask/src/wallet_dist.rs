//! Finishing the wallet build that Trunk leaves in `dist/wallet`: Trunk's inline loader
//! script moves into a file, so the page runs under a CSP without `'unsafe-inline'`;
//! and the service worker gets the list of files to cache for offline use (the QR
//! scanner's module in `scanner/` included), with a version that changes whenever any of
//! them does.

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

/// Every file under `dir` (except the service worker itself) as `/prefix/name`, with
/// their bytes appended to `contents`.
fn collect(dir: &Path, prefix: &str, files: &mut Vec<String>, contents: &mut Vec<u8>) -> Result {
    let entries =
        fs::read_dir(dir).map_err(|err| fail(format!("cannot list {}: {err}", dir.display())))?;
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &name, files, contents)?;
        } else if name != "/sw.js" && !name.ends_with(".d.ts") {
            contents.extend(fs::read(&path).unwrap_or_default());
            files.push(name);
        }
    }
    Ok(())
}

/// Moves the inline loader out of `index.html` and fills in the service worker.
///
/// # Errors
/// A missing or unexpected build output.
pub(crate) fn finish(dist: &Path) -> Result {
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
    collect(dist, "", &mut files, &mut contents)?;
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
