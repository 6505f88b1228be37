//! Reading a Kafka release from where a user has it: a folder of schemas, an
//! Apache Kafka source checkout, a `kafka-clients` jar, or a release version
//! (`kafka-clients:4.4.0`) whose jar Maven fetches.

use kafkawire_gen::JarSource;
use kafkawire_gen::import::SourceFile;
use sha2::Digest as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

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
    /// The jar, when the source was one: its name and SHA-256.
    pub(crate) jar: Option<JarSource>,
}

/// The Maven group and artifact of Kafka's client jar, which holds the schemas.
const GROUP: &str = "org.apache.kafka";
const ARTIFACT: &str = "kafka-clients";
/// The plugin that copies an artifact out of Maven, pinned so every
/// maintainer runs the same one.
const DEPENDENCY_PLUGIN: &str = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/// A Kafka release named by its version, `--from kafka-clients:4.4.0` (or the
/// full coordinates `org.apache.kafka:kafka-clients:4.4.0`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MavenRelease {
    /// The release version, `4.4.0`.
    pub(crate) version: String,
}

impl MavenRelease {
    /// `Ok(None)` when `spec` does not name the Maven artifact (it is then a
    /// path), an error when it does but the version is not a version.
    pub(crate) fn parse(spec: &str) -> Result<Option<MavenRelease>, String> {
        let full = format!("{GROUP}:{ARTIFACT}:");
        let short = format!("{ARTIFACT}:");
        let Some(version) = spec
            .strip_prefix(&full)
            .or_else(|| spec.strip_prefix(&short))
        else {
            return Ok(None);
        };
        let valid = version.starts_with(|c: char| c.is_ascii_digit())
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            return Err(format!(
                "{spec}: {version:?} is not a Kafka release version (give one like {ARTIFACT}:4.4.0)"
            ));
        }
        Ok(Some(MavenRelease {
            version: version.to_string(),
        }))
    }

    /// The Maven coordinates, `org.apache.kafka:kafka-clients:4.4.0`.
    pub(crate) fn coordinates(&self) -> String {
        format!("{GROUP}:{ARTIFACT}:{}", self.version)
    }

    /// The jar's file name as Maven copies it.
    fn file_name(&self) -> String {
        format!("{ARTIFACT}-{}.jar", self.version)
    }
}

/// The Maven program: `$XTASK_MVN` when set (a wrapper, or the tests' stand-in),
/// else `mvn` from `PATH`.
fn mvn_program() -> std::ffi::OsString {
    std::env::var_os("XTASK_MVN").unwrap_or_else(|| "mvn".into())
}

/// Fetches the release's `kafka-clients` jar with Maven (through the local
/// repository, `~/.m2`, with checksums enforced) into `dir`, and returns its path.
pub(crate) fn fetch(release: &MavenRelease, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mvn = mvn_program();
    let mut cmd = Command::new(&mvn);
    cmd.args(["--batch-mode", "--quiet", "--strict-checksums"])
        .arg(format!("{DEPENDENCY_PLUGIN}:copy"))
        .arg(format!("-Dartifact={}:jar", release.coordinates()))
        .arg(format!("-DoutputDirectory={}", dir.display()))
        .arg("-Dmdep.overWriteReleases=true")
        // No project: run where no pom.xml can be picked up.
        .current_dir(dir);
    let shown = format!(
        "{} --batch-mode --quiet --strict-checksums {DEPENDENCY_PLUGIN}:copy -Dartifact={}:jar -DoutputDirectory={}",
        mvn.to_string_lossy(),
        release.coordinates(),
        dir.display()
    );
    println!("fetching {} with Maven: {shown}", release.coordinates());
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "`{}` not found: Maven is needed to fetch {} (install it, e.g. `apt-get install maven`), \
                 or download {} yourself and pass its path to --from",
                mvn.to_string_lossy(),
                release.coordinates(),
                release.file_name()
            ));
        }
        Err(e) => return Err(format!("running `{}`: {e}", mvn.to_string_lossy())),
    };
    if !out.status.success() {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let tail: Vec<&str> = text.lines().rev().take(20).collect();
        return Err(format!(
            "Maven could not fetch {} ({}): `{shown}` said:\n{}",
            release.coordinates(),
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let jar = dir.join(release.file_name());
    if !jar.is_file() {
        return Err(format!(
            "Maven succeeded but left no {} in {}",
            release.file_name(),
            dir.display()
        ));
    }
    Ok(jar)
}

/// Reads a release named by its version: fetches the jar with Maven into
/// `dir`, reads it, and checks that the jar says it is that release.
pub(crate) fn read_maven(release: &MavenRelease, dir: &Path) -> Result<Release, String> {
    let jar = fetch(release, dir)?;
    let bytes = std::fs::read(&jar).map_err(|e| format!("{}: {e}", jar.display()))?;
    let mut r = read_jar(&bytes).map_err(|e| format!("{}: {e}", jar.display()))?;
    if r.release.as_deref() != Some(release.version.as_str()) {
        return Err(format!(
            "{}: the jar says it is Kafka {}, not {}",
            jar.display(),
            r.release
                .as_deref()
                .unwrap_or("(no kafka/kafka-version.properties)"),
            release.version
        ));
    }
    if let Some(j) = &mut r.jar {
        j.artifact = release.coordinates();
    }
    r.kind = "kafka-clients jar from Maven";
    Ok(r)
}

/// The SHA-256 of `bytes` in lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn read(path: &Path) -> Result<Release, String> {
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut r = read_jar(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(j) = &mut r.jar {
            j.artifact = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        return Ok(r);
    }
    let checkout = path.join(CHECKOUT_DIR);
    if checkout.is_dir() {
        let files = read_folder(&checkout)?;
        return Ok(Release {
            files,
            release: gradle_version(path),
            commit: git_head(&path.join(".git")),
            kind: "Kafka source checkout",
            jar: None,
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
            jar: None,
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
/// entries and that folder's `README.md` (as a schema folder import takes
/// them), and the release and commit from `kafka/kafka-version.properties`.
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
            && (file.ends_with(".json") || file == "README.md")
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
    if !files.iter().any(|f| f.name.ends_with(".json")) {
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
        jar: Some(JarSource {
            artifact: String::new(),
            sha256: sha256_hex(bytes),
        }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maven_release_specs() {
        let short = MavenRelease::parse("kafka-clients:4.4.0").unwrap().unwrap();
        assert_eq!(short.version, "4.4.0");
        assert_eq!(short.coordinates(), "org.apache.kafka:kafka-clients:4.4.0");
        assert_eq!(short.file_name(), "kafka-clients-4.4.0.jar");
        assert_eq!(
            MavenRelease::parse("org.apache.kafka:kafka-clients:3.9.2-rc1").unwrap(),
            Some(MavenRelease {
                version: "3.9.2-rc1".into()
            })
        );
        // Paths are not specs.
        for path in [
            "schemas/4.4.0",
            "/tmp/kafka-clients-4.4.0.jar",
            "./kafka-clients:4.4.0",
        ] {
            assert_eq!(MavenRelease::parse(path).unwrap(), None, "{path}");
        }
        // A spec with something that is not a version is refused, saying why.
        for bad in [
            "kafka-clients:",
            "kafka-clients:latest",
            "kafka-clients:4.4.0:jar",
            "kafka-clients:4.4.0/../x",
            "org.apache.kafka:kafka-clients:",
        ] {
            let err = MavenRelease::parse(bad).unwrap_err();
            assert!(err.contains("not a Kafka release version"), "{bad}: {err}");
        }
    }

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
