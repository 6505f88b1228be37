//! Reading a Kafka release from where a user has it: a folder of schemas, an
//! Apache Kafka source checkout, or a `kafka-clients` jar.

use kafkawire_gen::import::SourceFile;
use std::io::Read as _;
use std::path::Path;

/// Where Kafka keeps the message schemas, in the source tree and in the jar.
const CHECKOUT_DIR: &str = "clients/src/main/resources/common/message";
const JAR_DIR: &str = "common/message/";

/// A release read from a source, with what the source says about itself.
#[derive(Debug)]
pub(crate) struct Release {
    pub(crate) files: Vec<SourceFile>,
    /// The release name, when the source tells it.
    pub(crate) release: Option<String>,
    /// The commit, when the source tells it.
    pub(crate) commit: Option<String>,
    /// What kind of source it was, for messages.
    pub(crate) kind: &'static str,
}

pub(crate) fn read(path: &Path) -> Result<Release, String> {
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return read_jar(&bytes).map_err(|e| format!("{}: {e}", path.display()));
    }
    let checkout = path.join(CHECKOUT_DIR);
    if checkout.is_dir() {
        let files = read_folder(&checkout)?;
        return Ok(Release {
            files,
            release: gradle_version(path),
            commit: git_head(&path.join(".git")),
            kind: "Kafka source checkout",
        });
    }
    if path.is_dir() {
        let files = read_folder(path)?;
        // A folder named like a release (`.../kafka-schemas/4.0.0`) names it.
        let release = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        return Ok(Release {
            files,
            release,
            commit: None,
            kind: "schema folder",
        });
    }
    Err(format!(
        "{}: not a schema folder, a Kafka checkout or a jar",
        path.display()
    ))
}

fn read_folder(dir: &Path) -> Result<Vec<SourceFile>, String> {
    let files = kafkawire_gen::import::read_dir_files(dir).map_err(|e| e.to_string())?;
    // The schemas and the folder's README, nothing else Kafka does not ship there.
    Ok(files
        .into_iter()
        .filter(|f| f.name.ends_with(".json") || f.name == "README.md")
        .collect())
}

fn gradle_version(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("gradle.properties")).ok()?;
    property(&text, "version")
}

fn property(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The commit `HEAD` points at, read from the `.git` folder (or the `gitdir:`
/// file of a worktree) without running git.
fn git_head(git: &Path) -> Option<String> {
    let git = if git.is_file() {
        let text = std::fs::read_to_string(git).ok()?;
        let dir = text.trim().strip_prefix("gitdir:")?.trim().to_string();
        git.parent()?.join(dir)
    } else {
        git.to_path_buf()
    };
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(r) = head.strip_prefix("ref:") else {
        return Some(head.to_string());
    };
    let r = r.trim();
    // A worktree keeps refs in the common folder.
    let common = std::fs::read_to_string(git.join("commondir"))
        .ok()
        .map(|c| git.join(c.trim()))
        .unwrap_or_else(|| git.clone());
    for base in [&git, &common] {
        if let Ok(sha) = std::fs::read_to_string(base.join(r)) {
            return Some(sha.trim().to_string());
        }
        if let Ok(packed) = std::fs::read_to_string(base.join("packed-refs")) {
            for l in packed.lines() {
                if let Some((sha, name)) = l.split_once(' ')
                    && name == r
                {
                    return Some(sha.to_string());
                }
            }
        }
    }
    None
}

fn u16_at(b: &[u8], at: usize) -> Result<usize, String> {
    b.get(at..at + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
        .ok_or_else(|| "truncated zip".to_string())
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "truncated zip".to_string())
}

fn usize_at(b: &[u8], at: usize) -> Result<usize, String> {
    usize::try_from(u32_at(b, at)?).map_err(|e| e.to_string())
}

/// Reads the schemas out of a `kafka-clients` jar: the `common/message/*.json`
/// entries, and the release and commit from `kafka/kafka-version.properties`.
///
/// A jar is a zip; this reads its central directory and inflates stored and
/// deflated entries (all a jar uses), checking each entry's CRC-32.
pub(crate) fn read_jar(bytes: &[u8]) -> Result<Release, String> {
    let entries = zip_entries(bytes)?;
    let mut files = Vec::new();
    let mut release = None;
    let mut commit = None;
    for (name, data) in entries {
        if let Some(file) = name.strip_prefix(JAR_DIR)
            && !file.contains('/')
            && file.ends_with(".json")
        {
            files.push(SourceFile {
                name: file.to_string(),
                bytes: data,
            });
        } else if name == "kafka/kafka-version.properties" {
            let text = String::from_utf8_lossy(&data);
            release = property(&text, "version");
            commit = property(&text, "commitId");
        }
    }
    if files.is_empty() {
        return Err(format!(
            "no {JAR_DIR}*.json entries: not a kafka-clients jar"
        ));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Release {
        files,
        release,
        commit,
        kind: "kafka-clients jar",
    })
}

/// Every file entry of a zip: name and uncompressed bytes.
fn zip_entries(b: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    // End of central directory: 22 bytes plus a comment of up to 64 KiB.
    let min = b.len().saturating_sub(22 + 0xFFFF);
    let eocd = (min..=b.len().saturating_sub(22))
        .rev()
        .find(|&i| b[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or("no end of central directory: not a zip/jar")?;
    let count = u16_at(b, eocd + 10)?;
    let mut at = usize_at(b, eocd + 16)?;
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err("zip64 archives are not supported".into());
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(b, at)? != 0x0201_4b50 {
            return Err("bad central directory entry".into());
        }
        let method = u16_at(b, at + 10)?;
        let crc = u32_at(b, at + 16)?;
        let csize = usize_at(b, at + 20)?;
        let usize_ = usize_at(b, at + 24)?;
        let (nlen, elen, clen) = (
            u16_at(b, at + 28)?,
            u16_at(b, at + 30)?,
            u16_at(b, at + 32)?,
        );
        let local = usize_at(b, at + 42)?;
        let name = b.get(at + 46..at + 46 + nlen).ok_or("truncated zip")?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += 46 + nlen + elen + clen;
        if name.ends_with('/') {
            continue;
        }
        if u32_at(b, local)? != 0x0403_4b50 {
            return Err(format!("{name}: bad local header"));
        }
        let start = local + 30 + u16_at(b, local + 26)? + u16_at(b, local + 28)?;
        let raw = b
            .get(start..start + csize)
            .ok_or_else(|| format!("{name}: truncated"))?;
        let data = match method {
            0 => raw.to_vec(),
            8 => {
                let mut out = Vec::with_capacity(usize_);
                flate2::read::DeflateDecoder::new(raw)
                    .take(u64::try_from(usize_).unwrap_or(u64::MAX))
                    .read_to_end(&mut out)
                    .map_err(|e| format!("{name}: {e}"))?;
                out
            }
            m => return Err(format!("{name}: compression method {m} is not supported")),
        };
        if data.len() != usize_ || crc32fast::hash(&data) != crc {
            return Err(format!("{name}: size or CRC-32 mismatch"));
        }
        out.push((name, data));
    }
    Ok(out)
}
