//! Maintenance commands for the workspace.
//!
//! - `cargo xtask regen` validates the bundled schemas (`schemas/`), merges the
//!   current release with kept history, renders the codec and prints what it
//!   generated. `kafkawire`'s build script runs the same generator on
//!   every build; this command shows the result and fails early with a clear
//!   message when a schema is wrong.
//! - `cargo xtask regen --from SOURCE` imports a new Kafka release (a schema
//!   folder, a Kafka source checkout, a `kafka-clients` jar, or a release
//!   version `kafka-clients:4.4.0` whose jar Maven fetches), keeps what it no
//!   longer defines in history, records the jar's SHA-256, writes the
//!   changelog, regenerates and rebuilds.
//! - `cargo xtask regen --check` fails when `schemas/` is not what a regen from
//!   the recorded release produces.
//! - `cargo xtask expand [API]` writes the generated code into a folder.
//! - `cargo xtask package` runs `cargo package` on every publishable crate
//!   together (each `.crate` is built on its own) and checks what each holds.
//! - `cargo xtask test` checks (and installs, when it may) the programs the
//!   tests talk to, then runs the whole test suite.

mod package;
mod source;
mod test;

use kafkawire_gen::import::{self, ImportError, Options};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

const USAGE: &str = "\
usage:
  cargo xtask regen [--out DIR]              regenerate from the bundled schemas
  cargo xtask regen --from SOURCE [--release NAME] [--commit SHA]
                    [--allow-wire-change] [--no-build]
                                             import a Kafka release: SOURCE is a schema
                                             folder, a Kafka source checkout, a
                                             kafka-clients jar, or kafka-clients:VERSION
                                             (the release's jar, fetched with mvn)
  cargo xtask regen --check                  fail if schemas/ is not what a regen of the
                                             recorded release produces
  cargo xtask expand [API] [--out DIR]       write the generated Rust (formatted) into
                                             DIR (default target/expand), only API's
                                             request and response modules if given
  cargo xtask package [--allow-dirty] [--no-verify]
                                             cargo package every publishable crate
                                             together; check their files and sizes
  cargo xtask test [-- ARGS]                 check (and install, when it may) the programs
                                             the tests talk to, then cargo test --workspace
common: --schemas DIR (default: the workspace's schemas/)";

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

#[derive(Default)]
struct Args {
    out: Option<PathBuf>,
    schemas: Option<PathBuf>,
    from: Option<PathBuf>,
    release: Option<String>,
    commit: Option<String>,
    allow_wire_change: bool,
    no_build: bool,
    check: bool,
    api: Option<String>,
}

fn parse(args: &[String], positional_ok: bool) -> Option<Args> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => a.out = Some(PathBuf::from(it.next()?)),
            "--schemas" => a.schemas = Some(PathBuf::from(it.next()?)),
            "--from" => a.from = Some(PathBuf::from(it.next()?)),
            "--release" => a.release = Some(it.next()?.clone()),
            "--commit" => a.commit = Some(it.next()?.clone()),
            "--allow-wire-change" => a.allow_wire_change = true,
            "--no-build" => a.no_build = true,
            "--check" => a.check = true,
            s if positional_ok && !s.starts_with('-') && a.api.is_none() => {
                a.api = Some(s.to_string());
            }
            _ => return None,
        }
    }
    Some(a)
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::FAILURE
}

fn staging_dir() -> PathBuf {
    std::env::temp_dir().join(format!("kafka-xtask-regen-{}", std::process::id()))
}

fn regen(args: &[String]) -> ExitCode {
    let Some(a) = parse(args, false) else {
        return usage();
    };
    let root = workspace_root();
    let schemas = a.schemas.clone().unwrap_or_else(|| root.join("schemas"));
    if a.check {
        if a.from.is_some() {
            return usage();
        }
        return check(&schemas);
    }
    if let Some(from) = &a.from {
        let code = import_release(&a, from, &schemas);
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| root.join("target").join("kafka-protocol-generated"));
    let code = generate(&schemas, &out);
    if code != ExitCode::SUCCESS || a.from.is_none() || a.no_build {
        return code;
    }
    if a.schemas.is_some() {
        println!("not rebuilding: --schemas is not the workspace's schemas/");
        return code;
    }
    println!("rebuilding: cargo build -p kafkawire");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // By manifest path: it works whatever the package is named.
    let manifest = root.join("kafka-protocol").join("Cargo.toml");
    match Command::new(cargo)
        .arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        .current_dir(&root)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => fail(format!("cargo build -p kafkawire failed: {s}")),
        Err(e) => fail(format!("running cargo: {e}")),
    }
}

fn import_release(a: &Args, from: &Path, schemas: &Path) -> ExitCode {
    let maven = match source::MavenRelease::parse(&from.to_string_lossy()) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let read = match &maven {
        Some(m) => {
            let dir =
                std::env::temp_dir().join(format!("kafka-xtask-maven-{}", std::process::id()));
            let r = source::read_maven(m, &dir);
            let _ = std::fs::remove_dir_all(&dir);
            r
        }
        None => source::read(from),
    };
    let src = match read {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let Some(release) = a.release.clone().or(src.release.clone()) else {
        return fail(format!(
            "{} ({}) does not say which release it is: pass --release NAME",
            from.display(),
            src.kind
        ));
    };
    let commit = a.commit.clone().or(src.commit.clone()).unwrap_or_default();
    println!(
        "importing Kafka {release}{} from {} ({}, {} files)",
        if commit.is_empty() {
            String::new()
        } else {
            format!(" ({commit})")
        },
        from.display(),
        src.kind,
        src.files.len()
    );
    if let Some(j) = &src.jar {
        println!("jar: {} sha256 {}", j.artifact, j.sha256);
    }
    let opts = Options {
        release,
        commit,
        allow_wire_change: a.allow_wire_change,
        jar: src.jar.clone(),
    };
    let staging = staging_dir();
    let result = import::plan(schemas, src.files, &opts, &staging).and_then(|plan| {
        import::apply(schemas, &plan)?;
        Ok::<_, ImportError>(plan)
    });
    let _ = std::fs::remove_dir_all(&staging);
    let plan = match result {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "error: import refused, {} left untouched",
                schemas.display()
            );
            return fail(e);
        }
    };
    for w in &plan.wire_changes {
        println!(
            "warning: wire change let through by --allow-wire-change: {} v{}: {}",
            w.message, w.version, w.detail
        );
    }
    print!("{}", plan.changelog());
    println!(
        "(message, version) pairs: {} before, {} after, none lost; changelog appended to {}",
        plan.pairs_before,
        plan.pairs_after,
        schemas.join("CHANGELOG.md").display()
    );
    ExitCode::SUCCESS
}

fn check(schemas: &Path) -> ExitCode {
    let manifest = match kafkawire_gen::read_manifest(schemas) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let files = match import::read_dir_files(&schemas.join(&manifest.current)) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let opts = Options {
        release: manifest.release.clone(),
        commit: manifest.commit.clone(),
        allow_wire_change: false,
        jar: manifest.jar.clone(),
    };
    let staging = staging_dir();
    let result = import::plan(schemas, files, &opts, &staging)
        .and_then(|plan| import::compare(schemas, &plan).map(|d| (plan, d)));
    let _ = std::fs::remove_dir_all(&staging);
    match result {
        Err(e) => fail(format!("{} does not regenerate: {e}", schemas.display())),
        Ok((_, diffs)) if !diffs.is_empty() => {
            eprintln!(
                "error: {} is not what `cargo xtask regen` of Kafka {} produces:",
                schemas.display(),
                manifest.release
            );
            for d in diffs {
                eprintln!("  {d}");
            }
            ExitCode::FAILURE
        }
        Ok((plan, _)) => {
            println!(
                "ok: {} is a regen of Kafka {} with history [{}]; {} (message, version) pairs",
                schemas.display(),
                manifest.release,
                manifest
                    .history
                    .iter()
                    .map(|h| h.release.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                plan.pairs_after
            );
            ExitCode::SUCCESS
        }
    }
}

fn generate(schemas: &Path, out: &Path) -> ExitCode {
    let report = match kafkawire_gen::generate(schemas, out) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let manifest = match kafkawire_gen::read_manifest(schemas) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    println!(
        "Kafka {} ({}), history: {}",
        manifest.release,
        manifest.commit,
        manifest
            .history
            .iter()
            .map(|h| h.release.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "{:>4}  {:<32} {:<10} {:<9} note",
        "key", "api", "versions", "flexible"
    );
    for (key, name, versions, flexible, unstable) in &report.apis {
        let note = if *unstable {
            "latest version unstable"
        } else {
            ""
        };
        println!("{key:>4}  {name:<32} {versions:<10} {flexible:<9} {note}");
    }
    println!(
        "{} APIs, {} messages (requests, responses, headers, data), {} structs, {} (message, version) pairs",
        report.apis.len(),
        report.messages,
        report.structs,
        report.message_versions
    );
    println!("{} files written to {}", report.files.len(), out.display());
    ExitCode::SUCCESS
}

fn expand(args: &[String]) -> ExitCode {
    let Some(a) = parse(args, true) else {
        return usage();
    };
    let root = workspace_root();
    let schemas = a.schemas.clone().unwrap_or_else(|| root.join("schemas"));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| root.join("target").join("expand"));
    if a.out.is_none() {
        // The default folder is ours: clear what an earlier expand left.
        for e in std::fs::read_dir(&out).into_iter().flatten().flatten() {
            if e.path().extension().is_some_and(|x| x == "rs") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let set = match kafkawire_gen::load_schema_set(&schemas) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let files = match kafkawire_gen::emit::render(&set, "crate::messages", "") {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let wanted: Option<Vec<String>> = match &a.api {
        None => None,
        Some(api) => {
            let modules: Vec<String> = set
                .messages
                .iter()
                .filter(|m| matches_api(m, api))
                .map(|m| format!("{}.rs", m.module))
                .collect();
            if modules.is_empty() {
                return fail(format!(
                    "no API {api:?} (give a name like Fetch or FetchRequest, or a key like 1)"
                ));
            }
            Some(modules)
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(format!("{}: {e}", out.display()));
    }
    let mut written = Vec::new();
    for (name, text) in files {
        if wanted.as_ref().is_some_and(|w| !w.contains(&name)) {
            continue;
        }
        let path = out.join(&name);
        if let Err(e) = std::fs::write(&path, text) {
            return fail(format!("{}: {e}", path.display()));
        }
        written.push(path);
    }
    // The generator formats with prettyplease; rustfmt, when installed, gives
    // the layout the rest of the workspace uses.
    let formatted = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .args(&written)
        .status()
        .is_ok_and(|s| s.success());
    println!(
        "{} files written to {} ({})",
        written.len(),
        out.display(),
        if formatted {
            "rustfmt"
        } else {
            "prettyplease; rustfmt not available"
        }
    );
    for w in &written {
        println!("  {}", w.display());
    }
    ExitCode::SUCCESS
}

fn matches_api(m: &kafkawire_gen::Message, api: &str) -> bool {
    use kafkawire_gen::MessageKind;
    if !matches!(m.kind, MessageKind::Request | MessageKind::Response) {
        return false;
    }
    if let Ok(k) = api.parse::<i16>() {
        return m.api_key == Some(k);
    }
    let base = m
        .name
        .strip_suffix("Request")
        .or_else(|| m.name.strip_suffix("Response"))
        .unwrap_or(&m.name);
    let api = api
        .strip_suffix("Request")
        .or_else(|| api.strip_suffix("Response"))
        .unwrap_or(api);
    base.eq_ignore_ascii_case(api)
        || m.module
            .trim_end_matches("_request")
            .trim_end_matches("_response")
            == api
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        Some("expand") => expand(&args[1..]),
        Some("package") => package::run(&workspace_root(), &args[1..]),
        Some("test") => test::run(&workspace_root(), &args[1..]),
        _ => usage(),
    }
}
