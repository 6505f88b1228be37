//! `cargo xtask package`: packages every publishable crate of the workspace
//! together, as crates.io would receive them, and checks what went in.
//!
//! `cargo package` builds each `.crate` from its extracted contents (verification),
//! with the workspace's crates served by a temporary local registry, so a crate
//! that needs a file outside its package (the schemas, a README included by a
//! non-test item) fails here. On top of that this command checks each package's
//! file list: only the sources, the build script, the examples, the README, and
//! for `kafkawire` every file of the workspace's `schemas/` (a symlink that a
//! checkout without symlinks would turn into a small file); no tests, captures or
//! corpora; and each `.crate` under [`MAX_CRATE_BYTES`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A budget for one `.crate` (compressed). crates.io accepts 10 MB; the largest
/// today, kafkawire with two Kafka releases of schemas, is about 180 KB.
pub(crate) const MAX_CRATE_BYTES: u64 = 1 << 20;

/// Top-level files a package may hold (cargo adds the first four).
const FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.toml.orig",
    "Cargo.lock",
    ".cargo_vcs_info.json",
    "README.md",
    "build.rs",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];

/// The licence files every package ships (`license = "MIT OR Apache-2.0"`).
const LICENCES: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE"];

/// Folders a package may hold.
const DIRS: &[&str] = &["src/", "examples/", "schemas/"];

/// A workspace member: its folder and package name, and whether it is
/// published (`publish = false` is not).
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) dir: String,
    pub(crate) name: String,
    pub(crate) publish: bool,
}

/// Reads `members = [...]` of the workspace manifest and each member's
/// `[package]` name and `publish`. A line-based reading of the TOML this
/// workspace writes (xtask keeps no TOML parser for it).
pub(crate) fn members(root: &Path) -> Result<Vec<Member>, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let workspace = read(&root.join("Cargo.toml"))?;
    let start = workspace
        .find("members = [")
        .ok_or("Cargo.toml: no `members = [` in [workspace]")?;
    let list = &workspace[start + "members = [".len()..];
    let list = &list[..list.find(']').ok_or("Cargo.toml: unterminated members")?];
    let mut out = Vec::new();
    for dir in list
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .filter(|s| !s.is_empty())
    {
        let path = root.join(dir).join("Cargo.toml");
        let manifest = read(&path)?;
        let package = section(&manifest, "[package]");
        let name = package
            .lines()
            .find_map(|l| value(l, "name"))
            .ok_or_else(|| format!("{}: no package name", path.display()))?;
        let publish = !package
            .lines()
            .any(|l| value(l, "publish").is_some_and(|v| v == "false" || v == "[]"));
        out.push(Member {
            dir: dir.to_string(),
            name: name.trim_matches('"').to_string(),
            publish,
        });
    }
    Ok(out)
}

/// The lines of `header`'s table, up to the next table.
fn section<'a>(toml: &'a str, header: &str) -> &'a str {
    let Some(start) = toml.find(header) else {
        return "";
    };
    let body = &toml[start + header.len()..];
    let end = body.find("\n[").map_or(body.len(), |i| i + 1);
    &body[..end]
}

/// `value` of a `key = value` line.
fn value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let (k, v) = line.split_once('=')?;
    (k.trim() == key).then(|| v.trim())
}

/// What is wrong with one package's file list (`cargo package --list`):
/// files outside [`FILES`] and [`DIRS`], a missing licence file, and for a
/// package with a `schemas/`
/// folder, any difference from the workspace's `schemas` files.
pub(crate) fn check_listing(
    name: &str,
    listed: &[String],
    schemas: Option<&BTreeSet<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut shipped = BTreeSet::new();
    for f in listed {
        if let Some(rest) = f.strip_prefix("schemas/") {
            shipped.insert(rest.to_string());
        }
        let allowed = FILES.contains(&f.as_str()) || DIRS.iter().any(|d| f.starts_with(d));
        if !allowed {
            problems.push(format!(
                "{name}: {f} is packaged (only {} and {} belong in a package; see `include` in its Cargo.toml)",
                FILES[4..].join(", "),
                DIRS.join(", ")
            ));
        }
    }
    for licence in LICENCES {
        if !listed.iter().any(|f| f == licence) {
            problems.push(format!(
                "{name}: {licence} is not packaged (a symlink to ../{licence}, listed in `include`)"
            ));
        }
    }
    if let Some(expected) = schemas {
        let missing: Vec<_> = expected.difference(&shipped).collect();
        if !missing.is_empty() {
            let shown: Vec<_> = missing
                .iter()
                .take(5)
                .map(|m| format!("schemas/{m}"))
                .collect();
            problems.push(format!(
                "{name}: {} of the {} schema files are missing ({}{}); is {name}/schemas still a symlink to ../schemas?",
                missing.len(),
                expected.len(),
                shown.join(", "),
                if missing.len() > shown.len() { ", ..." } else { "" }
            ));
        }
        for extra in shipped.difference(expected) {
            problems.push(format!(
                "{name}: schemas/{extra} is packaged but not in the workspace's schemas/"
            ));
        }
    } else if !shipped.is_empty() {
        problems.push(format!(
            "{name}: ships a schemas/ folder; only kafkawire builds from the schemas"
        ));
    }
    problems
}

/// Every file under `dir`, relative, `/`-separated.
fn files_under(dir: &Path) -> Result<BTreeSet<String>, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for e in entries {
            let path = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else if let Ok(rel) = path.strip_prefix(base) {
                let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
                out.insert(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// `cargo xtask package [--allow-dirty] [--no-verify]`.
pub(crate) fn run(root: &Path, args: &[String]) -> ExitCode {
    let mut flags = Vec::new();
    for a in args {
        match a.as_str() {
            "--allow-dirty" | "--no-verify" => flags.push(a.clone()),
            _ => return crate::usage(),
        }
    }
    let members = match members(root) {
        Ok(m) => m,
        Err(e) => return crate::fail(e),
    };
    let (published, skipped): (Vec<_>, Vec<_>) = members.iter().partition(|m| m.publish);
    println!(
        "packaging {} (skipping publish = false: {})",
        published
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        skipped
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let cargo_package = |extra: &[&str], packages: &[&Member]| {
        let mut c = Command::new(&cargo);
        c.current_dir(root).arg("package").args(extra).args(&flags);
        for m in packages {
            c.arg("-p").arg(&m.name);
        }
        c
    };

    // The file lists first: quick, and a wrong list is clearer than a build error.
    let schemas = match files_under(&root.join("schemas")) {
        Ok(s) => s,
        Err(e) => return crate::fail(e),
    };
    let mut problems = Vec::new();
    for m in &published {
        let output = match cargo_package(&["--list", "--quiet"], &[m]).output() {
            Ok(o) if o.status.success() => o,
            Ok(o) => {
                return crate::fail(format!(
                    "cargo package --list -p {}: {}\n{}",
                    m.name,
                    o.status,
                    String::from_utf8_lossy(&o.stderr)
                ));
            }
            Err(e) => return crate::fail(format!("running cargo: {e}")),
        };
        let listed: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        // A symlink in the workspace (or, where symlinks are not checked out, a
        // small file): either way this package ships the schemas.
        let has_schemas = std::fs::symlink_metadata(root.join(&m.dir).join("schemas")).is_ok();
        problems.extend(check_listing(
            &m.name,
            &listed,
            has_schemas.then_some(&schemas),
        ));
    }
    if !problems.is_empty() {
        return crate::fail(problems.join("\n"));
    }

    // All together: interdependent crates not on crates.io resolve from the
    // temporary registry cargo builds of the packages being made.
    match cargo_package(&["--locked"], &published).status() {
        Ok(s) if s.success() => {}
        Ok(s) => return crate::fail(format!("cargo package failed: {s}")),
        Err(e) => return crate::fail(format!("running cargo: {e}")),
    }

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    // Every crate takes the workspace's version, as this one does.
    let version = env!("CARGO_PKG_VERSION");
    for m in &published {
        let path = target
            .join("package")
            .join(format!("{}-{version}.crate", m.name));
        match std::fs::metadata(&path) {
            Ok(meta) if meta.len() > MAX_CRATE_BYTES => problems.push(format!(
                "{}: {} bytes, over the {MAX_CRATE_BYTES}-byte budget",
                path.display(),
                meta.len()
            )),
            Ok(meta) => println!("{:>9} bytes  {}", meta.len(), path.display()),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    if !problems.is_empty() {
        return crate::fail(problems.join("\n"));
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(files: &[&str]) -> Vec<String> {
        files.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_workspace_members_and_which_are_published() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let members = members(root).unwrap();
        let find = |n: &str| members.iter().find(|m| m.name == n).unwrap();
        assert!(find("kafkawire").publish);
        assert!(find("kafkawire-records").publish);
        assert!(!find("xtask").publish);
    }

    #[test]
    fn sources_readme_and_schemas_pass() {
        let schemas: BTreeSet<String> = ["manifest.json", "current/A.json"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let listed = list(&[
            "Cargo.toml",
            "Cargo.lock",
            "README.md",
            "build.rs",
            "src/lib.rs",
            "examples/dump.rs",
            "schemas/manifest.json",
            "schemas/current/A.json",
            "LICENSE-MIT",
            "LICENSE-APACHE",
        ]);
        assert_eq!(
            check_listing("p", &listed, Some(&schemas)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn tests_data_and_a_broken_symlink_are_reported() {
        let schemas: BTreeSet<String> = ["manifest.json"].iter().map(|s| s.to_string()).collect();
        let licences = ["LICENSE-MIT", "LICENSE-APACHE"];
        let mut listed = list(&["src/lib.rs", "tests/data/x.pcap", "schemas"]);
        listed.extend(list(&licences));
        let problems = check_listing("p", &listed, Some(&schemas));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("tests/data/x.pcap"));
        assert!(problems[1].contains("schemas"));
        assert!(
            problems[2].contains("1 of the 1 schema files are missing (schemas/manifest.json)")
        );
        let mut listed = list(&["schemas/manifest.json"]);
        listed.extend(list(&licences));
        let problems = check_listing("q", &listed, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        // A package without its licence files.
        let problems = check_listing("r", &list(&["src/lib.rs", "LICENSE-MIT"]), None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("LICENSE-APACHE is not packaged"));
    }
}
