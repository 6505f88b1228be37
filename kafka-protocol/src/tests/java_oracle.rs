//! Kafka's own Java code as the oracle: every (message, version) this crate
//! and a Kafka release both define, checked against the release's generated
//! `*Data` classes and `*DataJsonConverter`s (`interop/java`, one JVM per
//! release for the whole run).
//!
//! For each pair, on the default value, the populated value and generated
//! values (nulls, long strings and arrays, tagged fields at and away from
//! their defaults, unknown tagged fields):
//! - our bytes -> Java reads them (every byte) and writes them -> identical;
//! - Java's JSON of what it read -> our serde reader -> equal to our value
//!   (Kafka's JSON has no unknown tagged fields: compared without them);
//! - our `AtVersion` JSON -> Java's converter reads it -> Java's bytes ->
//!   identical to ours (again without unknown tagged fields);
//! - a field the version lacks, set (the absent-field cases): Java refuses to
//!   write a non-ignorable one naming the same field as our `NonDefaultField`
//!   error, and drops an ignorable one to the same bytes as ours;
//! - nulls: each string, bytes, array or struct of the populated value set to
//!   null in turn: both write it the same where the version allows null, both
//!   refuse it where it does not;
//! - acceptance, differentially: mutated encodings and random bytes are
//!   accepted by our `decode` if and only if Kafka's reader accepts them,
//!   both leave the same bytes unread, and both write back the same bytes
//!   (or both refuse to).
//!
//! `KAFKA_ORACLE_VALUES` sets the generated values per pair (default 64),
//! `KAFKA_ORACLE_FUZZ` the fuzzed inputs per pair (default: as many),
//! `KAFKA_ORACLE_SEED` the seed (default fixed, so CI is repeatable; `random`
//! for a fresh one, printed). The run prints a coverage table per release and
//! names every pair it could not check, with the reason.

#[path = "../../../interop/jvm.rs"]
mod jvm;

use crate::testing::{AbsentCases, Gen, Generate, Populate};
use crate::{AtVersion, DecodeErrorKind, EncodeErrorKind, Message, VersionRange};
use bytes::Bytes;
use jvm::{Answer, Item, Jvm};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Write as _;

/// One message type, as the generated registry lists it.
pub(crate) struct Entry {
    name: &'static str,
    versions: VersionRange,
    check: fn(&mut Jvm, i16, &Settings, &JavaFields, bool) -> PairReport,
}

/// The field names the release's classes of one message know (lower-cased).
struct JavaFields(Vec<String>);

impl JavaFields {
    fn knows(&self, field: &str) -> bool {
        self.0.iter().any(|f| f.eq_ignore_ascii_case(field))
    }
}

impl Entry {
    pub(crate) const fn of<M>() -> Entry
    where
        M: Message + Generate + Populate + AbsentCases + Serialize + DeserializeOwned,
    {
        Entry {
            name: M::NAME,
            versions: M::VERSIONS,
            check: check_pair::<M>,
        }
    }
}

struct Settings {
    values: usize,
    fuzz: usize,
    seed: u64,
}

#[derive(Default)]
struct PairReport {
    values: usize,
    rejections: usize,
    nulls: usize,
    fuzzed: usize,
    mismatches: Vec<String>,
    /// Absent-field cases Kafka's classes cannot take: (field, reason).
    unchecked: Vec<(String, String)>,
    /// Fuzzed inputs an older release reads and this crate refuses as the
    /// current release does (a negative tagged-field count).
    refused_since: usize,
}

/// The value with every unknown tagged field removed, at any depth: what
/// survives Kafka's JSON converters.
fn without_unknown_tags<M: Serialize + DeserializeOwned>(value: &M) -> M {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("_unknownTaggedFields");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).expect("to JSON");
    strip(&mut json);
    serde_json::from_value(json).expect("from JSON")
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// Where two byte strings first differ, for a readable mismatch.
fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let at = ours
        .iter()
        .zip(theirs)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(theirs.len()));
    let window = |b: &[u8]| hex(&b[at.saturating_sub(8)..(at + 16).min(b.len())]);
    format!(
        "{} vs {} bytes, first difference at {at}: ours ..{}.. Java's ..{}..",
        ours.len(),
        theirs.len(),
        window(ours),
        window(theirs)
    )
}

/// The pair's seed: the run's seed mixed with the name and the version.
fn pair_seed(seed: u64, name: &str, version: i16) -> u64 {
    name.bytes()
        .fold(seed ^ (version as u64).wrapping_mul(0x9e37_79b9), |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Does Java's refusal name the field? Kafka's message reads "Attempted to
/// write a non-default fieldName at version N"; the schema's own spelling
/// sometimes starts with a capital.
fn names_field(reason: &str, field: &str) -> bool {
    let lower = |s: &str| s.to_ascii_lowercase();
    lower(reason).contains(&lower(field))
}

/// Puts into `at_version` (a value's `AtVersion` JSON) every part of
/// `value` (its plain JSON) that differs from `base` (the plain JSON of the
/// same value without the change): how a field the version lacks reaches
/// Kafka's converter, which refuses structs the version lacks even at their
/// defaults.
fn inject(at_version: &mut serde_json::Value, value: &serde_json::Value, base: &serde_json::Value) {
    use serde_json::Value;
    if value == base {
        return;
    }
    match (at_version, value, base) {
        (Value::Object(at), Value::Object(v), Value::Object(b)) => {
            for (key, field) in v {
                match (at.get_mut(key), b.get(key)) {
                    (Some(inner), Some(b)) => inject(inner, field, b),
                    (_, b) if Some(field) != b => {
                        at.insert(key.clone(), field.clone());
                    }
                    _ => {}
                }
            }
        }
        (Value::Array(at), Value::Array(v), Value::Array(b))
            if at.len() == v.len() && v.len() == b.len() =>
        {
            for ((at, v), b) in at.iter_mut().zip(v).zip(b) {
                inject(at, v, b);
            }
        }
        (at, v, _) => *at = v.clone(),
    }
}

/// A JSON path: array indexes and object keys.
type JsonPath = Vec<Result<usize, String>>;

/// The paths of every string, bytes, array and struct in `v` (what can be
/// null in some version), the first element of each array only.
fn nullable_paths(v: &serde_json::Value, at: &mut JsonPath) -> Vec<JsonPath> {
    let mut out = Vec::new();
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key == "_unknownTaggedFields" {
                    continue;
                }
                at.push(Err(key.clone()));
                if value.is_string() || value.is_array() || value.is_object() {
                    out.push(at.clone());
                }
                out.extend(nullable_paths(value, at));
                at.pop();
            }
        }
        serde_json::Value::Array(items) => {
            if let Some(first) = items.first() {
                at.push(Ok(0));
                out.extend(nullable_paths(first, at));
                at.pop();
            }
        }
        _ => {}
    }
    out
}

/// The blobs of an `R` answer: bytes left unread, bytes written, Kafka's
/// JSON, the writer's refusal (empty when it wrote).
struct JavaRead {
    left: usize,
    written: Vec<u8>,
    json: Vec<u8>,
    write_error: String,
}

fn java_read(answer: Answer) -> Result<JavaRead, String> {
    match answer {
        Answer::Ok(blobs) => {
            let [left, written, json, error] = &blobs[..] else {
                panic!("R answers with four blobs");
            };
            Ok(JavaRead {
                left: String::from_utf8_lossy(left).parse().expect("a count"),
                written: written.clone(),
                json: json.clone(),
                write_error: String::from_utf8_lossy(error).into_owned(),
            })
        }
        Answer::Refused(why) => Err(why),
    }
}

/// Kafka's JSON converters write a `records` field as empty bytes (they do
/// not serialize record content): our JSON with the same blanks, to compare
/// with theirs.
fn blank_records(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if matches!(key.as_str(), "records" | "unalignedRecords") && value.is_string() {
                    *value = serde_json::Value::String(String::new());
                } else {
                    blank_records(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(blank_records),
        _ => {}
    }
}

/// `json`: whether to compare JSON too (JSON field names are the current
/// release's; 3.9 spells some differently, e.g. VoteRequest's
/// `candidateEpoch`, now `replicaEpoch`).
fn check_pair<M>(
    jvm: &mut Jvm,
    version: i16,
    settings: &Settings,
    known: &JavaFields,
    json: bool,
) -> PairReport
where
    M: Message + Generate + Populate + AbsentCases + Serialize + DeserializeOwned,
{
    let name = M::NAME;
    let with_json = json;
    let mut g = Gen::new(pair_seed(settings.seed, name, version));
    let mut values = vec![M::default(), M::populated(version)];
    while values.len() < settings.values.max(2) {
        values.push(M::generate(&mut g, version));
    }
    let mut report = PairReport {
        values: values.len(),
        ..PairReport::default()
    };
    let item = |op: u8, payload: Vec<u8>| Item {
        op,
        name: name.into(),
        version,
        payload,
    };
    let mut items = Vec::new();
    // Per value: (our bytes, our bytes without unknown tags, that value).
    let mut expected = Vec::new();
    for value in &values {
        let ours = value.to_bytes(version).expect("a generated value encodes");
        let stripped = without_unknown_tags(value);
        let stripped_bytes = stripped.to_bytes(version).expect("stripped value encodes");
        let json = serde_json::to_vec(&AtVersion::new(&stripped, version)).expect("to JSON");
        items.push(item(b'R', ours.to_vec()));
        if with_json {
            items.push(item(b'J', json));
        }
        expected.push((ours, stripped_bytes, stripped));
    }
    // Fields the version lacks, set: JSON of the version's fields plus the
    // field that is set.
    let absent: Vec<_> = M::absent_cases(version)
        .into_iter()
        .filter(|_| with_json)
        .map(|case| {
            let value = without_unknown_tags(&case.value);
            let base = without_unknown_tags(&case.expected);
            let mut json = serde_json::to_value(AtVersion::new(&base, version)).expect("to JSON");
            inject(
                &mut json,
                &serde_json::to_value(&value).expect("to JSON"),
                &serde_json::to_value(&base).expect("to JSON"),
            );
            items.push(item(b'J', serde_json::to_vec(&json).expect("to JSON")));
            (case.field, case.ignorable, value, json)
        })
        .collect();
    report.rejections = absent.len();
    // Acceptance: mutated encodings of the values and random bytes.
    let mut fuzz = Vec::new();
    for (i, (ours, _, _)) in expected.iter().enumerate() {
        if fuzz.len() >= settings.fuzz {
            break;
        }
        let mut bytes = ours.to_vec();
        if i % 8 == 7 {
            bytes = (0..g.below(64)).map(|_| g.next() as u8).collect();
        } else {
            g.mutate(&mut bytes);
        }
        items.push(item(b'R', bytes.clone()));
        fuzz.push(Bytes::from(bytes));
    }
    report.fuzzed = fuzz.len();
    // Nulls: the populated value's JSON at the version with one field at a
    // time set to null (where the version allows null, both write it; where
    // it does not, both refuse).
    let mut nulls = Vec::new();
    if with_json {
        let populated = without_unknown_tags(&M::populated(version));
        let json = serde_json::to_value(AtVersion::new(&populated, version)).expect("to JSON");
        for path in nullable_paths(&json, &mut Vec::new()) {
            let mut nulled = json.clone();
            if let Some(at) = path.iter().try_fold(&mut nulled, |v, k| match k {
                Ok(i) => v.get_mut(*i),
                Err(key) => v.get_mut(key.as_str()),
            }) {
                *at = serde_json::Value::Null;
            }
            items.push(item(b'J', serde_json::to_vec(&nulled).expect("to JSON")));
            nulls.push((path, nulled));
        }
    }
    report.nulls = nulls.len();

    let mut answers = jvm.batch(&items).into_iter();
    let release_is_current = jvm.release() == jvm::CURRENT;
    let mut refused_since = 0;
    let mut fail = |what: String| {
        if report.mismatches.len() < 3 {
            report.mismatches.push(format!("{name} v{version} {what}"));
        } else {
            report.mismatches.push(String::new());
        }
    };
    for (i, (ours, stripped_bytes, stripped)) in expected.iter().enumerate() {
        let read = answers.next().expect("an answer");
        let from_json = if with_json {
            answers.next().expect("an answer")
        } else {
            Answer::Ok(vec![stripped_bytes.to_vec()])
        };
        match java_read(read) {
            Ok(java) => {
                if java.write_error.is_empty() && java.written != ours[..] {
                    fail(format!(
                        "value #{i}: Java re-wrote our bytes differently: {}",
                        first_difference(ours, &java.written)
                    ));
                }
                if !java.write_error.is_empty() {
                    fail(format!(
                        "value #{i}: Java read our bytes but refuses to write them: {}",
                        java.write_error
                    ));
                }
                if java.left != 0 {
                    fail(format!(
                        "value #{i}: Java left {} of our {} bytes unread",
                        java.left,
                        ours.len()
                    ));
                }
                let mut want =
                    serde_json::to_value(AtVersion::new(stripped, version)).expect("to JSON");
                blank_records(&mut want);
                match serde_json::from_slice::<M>(&java.json) {
                    _ if !with_json => {}
                    Ok(back)
                        if serde_json::to_value(AtVersion::new(&back, version)).ok()
                            == Some(want.clone()) => {}
                    Ok(back) => fail(format!(
                        "value #{i}: Java's JSON reads back as a different value: {}\nJava's JSON: {}\nours: {want}",
                        match back.to_bytes(version) {
                            Ok(b) => first_difference(stripped_bytes, &b),
                            Err(e) => format!("which does not encode: {e}"),
                        },
                        String::from_utf8_lossy(&java.json)
                    )),
                    Err(e) => fail(format!(
                        "value #{i}: our serde reader refuses Java's JSON: {e}\n{}",
                        String::from_utf8_lossy(&java.json)
                    )),
                }
            }
            Err(why) => fail(format!(
                "value #{i}: Java refuses our bytes: {why}\nbytes: {}",
                hex(&ours[..ours.len().min(256)])
            )),
        }
        match from_json {
            Answer::Ok(blobs) if blobs[0] == stripped_bytes[..] => {}
            Answer::Ok(blobs) => fail(format!(
                "value #{i}: Java wrote our JSON differently: {}\nJSON: {}",
                first_difference(stripped_bytes, &blobs[0]),
                serde_json::to_string(&AtVersion::new(stripped, version)).unwrap_or_default()
            )),
            Answer::Refused(why) => fail(format!(
                "value #{i}: Java refuses our JSON: {why}\nJSON: {}",
                serde_json::to_string(&AtVersion::new(stripped, version)).unwrap_or_default()
            )),
        }
    }
    for (field, ignorable, value, json) in &absent {
        let answer = answers.next().expect("an answer");
        let ours = value.to_bytes(version);
        if !known.knows(field) {
            report.unchecked.push((
                field.to_string(),
                "the release's classes have no such field".into(),
            ));
            continue;
        }
        if let Answer::Refused(why) = &answer
            && why.contains("Can't read version")
        {
            // Kafka's JSON converter refuses a struct outside its versions
            // even at a field that is ignorable, so the value cannot reach
            // Kafka's writer.
            let structure = why.rsplit(" of ").next().unwrap_or(why);
            report.unchecked.push((
                field.to_string(),
                format!("Kafka's JSON converter cannot read {structure} in versions without it"),
            ));
            continue;
        }
        match (ignorable, &ours, answer) {
            (true, Ok(ours), Answer::Ok(blobs)) if blobs[0] == ours[..] => {}
            (false, Err(e), Answer::Refused(why))
                if e.kind() == EncodeErrorKind::NonDefaultField { field, version }
                    && names_field(&why, field) => {}
            (_, ours, theirs) => fail(format!(
                "absent field {field} (ignorable: {ignorable}): ours {:?}, Java's {theirs:?}\nJSON: {json}",
                ours.as_ref().map(|b| hex(b))
            )),
        }
    }
    report.rejections -= report.unchecked.len();
    for (i, input) in fuzz.iter().enumerate() {
        let java = java_read(answers.next().expect("an answer"));
        let mut rest = input.clone();
        let ours = M::decode(&mut rest, version);
        match (ours, java) {
            (Err(_), Err(_)) => {}
            (Ok(value), Ok(java)) => {
                if rest.len() != java.left {
                    fail(format!(
                        "input #{i}: we leave {} bytes unread, Java {}\ninput: {}",
                        rest.len(),
                        java.left,
                        hex(input)
                    ));
                }
                match (value.to_bytes(version), java.write_error.is_empty()) {
                    (Ok(b), true) if b == java.written[..] => {}
                    (Err(_), false) => {}
                    (ours, _) => fail(format!(
                        "input #{i}: both read it, but write it back differently: ours {:?}, Java's {} {}\ninput: {}",
                        ours.map(|b| hex(&b)),
                        hex(&java.written),
                        java.write_error,
                        hex(input)
                    )),
                }
            }
            (Ok(_), Err(why)) => fail(format!(
                "input #{i}: we accept what Java refuses ({why})\ninput: {}",
                hex(input)
            )),
            // Kafka 4.4 started refusing negative tag counts: an older
            // release reading them is that release's behaviour, not ours.
            (Err(e), Ok(_))
                if !release_is_current
                    && matches!(e.kind(), DecodeErrorKind::NegativeTagCount(_)) =>
            {
                refused_since += 1;
            }
            (Err(e), Ok(_)) => fail(format!(
                "input #{i}: we refuse what Java accepts ({e})\ninput: {}",
                hex(input)
            )),
        }
    }
    // In the order they were sent: values, absent fields, fuzz, nulls.
    for (path, json) in &nulls {
        let theirs = answers.next().expect("an answer");
        let ours = serde_json::from_value::<M>(json.clone())
            .map_err(|e| e.to_string())
            .and_then(|v| v.to_bytes(version).map_err(|e| e.to_string()));
        match (&ours, &theirs) {
            (Ok(b), Answer::Ok(blobs)) if blobs[0] == b[..] => {}
            (Err(_), Answer::Refused(_)) => {}
            _ => fail(format!(
                "null at {}: ours {:?}, Java's {theirs:?}",
                path.iter()
                    .map(|k| match k {
                        Ok(i) => format!("[{i}]"),
                        Err(key) => format!(".{key}"),
                    })
                    .collect::<String>(),
                ours.map(|b| hex(&b))
            )),
        }
    }
    report.refused_since = refused_since;
    report
}

/// One release's results, for the coverage table.
#[derive(Default)]
struct ReleaseReport {
    defined_by_both: usize,
    checked: usize,
    values: usize,
    rejections: usize,
    nulls: usize,
    fuzzed: usize,
    /// Pairs whose JSON was left to the current release.
    wire_only: usize,
    mismatches: Vec<String>,
    unchecked: Vec<String>,
    /// Every pair checked.
    pairs: Vec<(&'static str, i16)>,
    /// What was not checked: "Message[.field]: reason" -> versions.
    unchecked_versions: std::collections::BTreeMap<String, Vec<i16>>,
}

/// The field names of `name`'s classes in the release.
fn java_fields(jvm: &mut Jvm, name: &str) -> JavaFields {
    let answer = jvm.batch(&[Item {
        op: b'F',
        name: name.into(),
        version: 0,
        payload: Vec::new(),
    }]);
    match &answer[0] {
        Answer::Ok(blobs) => JavaFields(
            String::from_utf8_lossy(&blobs[0])
                .split(' ')
                .map(str::to_string)
                .collect(),
        ),
        Answer::Refused(why) => panic!("{name}: the oracle lists no fields: {why}"),
    }
}

/// Which versions of `name` the release's classes define, and the highest
/// stable one.
fn java_versions(jvm: &mut Jvm, name: &str) -> Result<(VersionRange, i16), String> {
    let answer = jvm.batch(&[Item {
        op: b'I',
        name: name.into(),
        version: 0,
        payload: Vec::new(),
    }]);
    match &answer[0] {
        Answer::Ok(blobs) => {
            let text = String::from_utf8_lossy(&blobs[0]).into_owned();
            let mut parts = text.split(' ').map(|x| x.parse::<i16>());
            match (parts.next(), parts.next(), parts.next()) {
                (Some(Ok(lowest)), Some(Ok(highest)), Some(Ok(stable))) => {
                    Ok((VersionRange { lowest, highest }, stable))
                }
                _ => Err(format!("unreadable version range {text:?}")),
            }
        }
        Answer::Refused(why) => Err(why.clone()),
    }
}

/// Checks every pair `jvm`'s release defines. `current`: the current
/// release's versions per message, when `jvm` runs an older release: its
/// unstable versions (not yet part of its protocol, their shape since
/// changed) are left out, and JSON is compared only where the current
/// release does not define the pair (JSON names follow the current release).
fn run_release(
    mut jvm: Jvm,
    settings: &Settings,
    current: Option<&std::collections::HashMap<&str, VersionRange>>,
) -> ReleaseReport {
    let release = jvm.release().to_string();
    let mut report = ReleaseReport::default();
    for entry in crate::message_tests::ORACLE {
        let (theirs, stable) = match java_versions(&mut jvm, entry.name) {
            Ok(v) => v,
            Err(why) => {
                report.unchecked.push(format!(
                    "{} (all versions): kafka-clients {release} has no class for it: {why}",
                    entry.name
                ));
                continue;
            }
        };
        let known = java_fields(&mut jvm, entry.name);
        for version in entry.versions.iter() {
            if version < theirs.lowest || version > theirs.highest {
                continue;
            }
            report.defined_by_both += 1;
            let in_current = current.map(|c| {
                c.get(entry.name)
                    .is_some_and(|r| r.lowest <= version && version <= r.highest)
            });
            // A version the current release defines too and that was
            // unstable here: its shape changed since, the current release is
            // its oracle. (An unstable version only this release defines,
            // such as ShareFetch v0, is checked here: this is its shape.)
            if in_current == Some(true) && version > stable {
                report
                    .unchecked_versions
                    .entry(format!(
                        "{}: unstable in {release} (since changed), checked against the current release",
                        entry.name
                    ))
                    .or_default()
                    .push(version);
                continue;
            }
            let json = in_current != Some(true);
            let pair = (entry.check)(&mut jvm, version, settings, &known, json);
            report.checked += 1;
            if !json {
                report.wire_only += 1;
            }
            report.pairs.push((entry.name, version));
            report.values += pair.values;
            report.rejections += pair.rejections;
            report.nulls += pair.nulls;
            report.fuzzed += pair.fuzzed;
            report.mismatches.extend(pair.mismatches);
            if pair.refused_since > 0 {
                report
                    .unchecked_versions
                    .entry(format!(
                        "{}: fuzzed inputs with a tagged-field count of 2^31 or more: {release} reads no tags, this crate refuses them as {} does",
                        entry.name,
                        jvm::CURRENT
                    ))
                    .or_default()
                    .push(version);
            }
            for (field, reason) in pair.unchecked {
                report
                    .unchecked_versions
                    .entry(format!("{}.{field}: {reason}", entry.name))
                    .or_default()
                    .push(version);
            }
        }
    }
    report
}

fn settings() -> Settings {
    let values = std::env::var("KAFKA_ORACLE_VALUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let seed = match std::env::var("KAFKA_ORACLE_SEED").ok().as_deref() {
        None => 0x6b61_666b_615f_6f72,
        Some("random") => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
        Some(n) => n.parse().expect("KAFKA_ORACLE_SEED: a number or `random`"),
    };
    let fuzz = std::env::var("KAFKA_ORACLE_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(values);
    Settings { values, fuzz, seed }
}

fn print_and_check(rows: &[(&str, &ReleaseReport)], settings: &Settings) {
    let mut out = format!(
        "\nJava oracle (seed {}; KAFKA_ORACLE_SEED={} reproduces)\n\
         | kafka-clients | pairs defined by both | pairs checked (JSON too) | values per pair | absent-field cases | null cases | fuzzed inputs | mismatches |\n\
         |---|---|---|---|---|---|---|---|\n",
        settings.seed, settings.seed
    );
    let mut failures = Vec::new();
    for (release, r) in rows {
        let _ = writeln!(
            out,
            "| {release} | {} | {} ({}) | {} | {} | {} | {} | {} |",
            r.defined_by_both,
            r.checked,
            r.checked - r.wire_only,
            r.values.checked_div(r.checked).unwrap_or(0),
            r.rejections,
            r.nulls,
            r.fuzzed,
            r.mismatches.len()
        );
        for u in &r.unchecked {
            let _ = writeln!(out, "not checked against {release}: {u}");
        }
        for (what, versions) in &r.unchecked_versions {
            let _ = writeln!(
                out,
                "not checked against {release}: {what} (versions {versions:?})"
            );
        }
        failures.extend(r.mismatches.iter().filter(|m| !m.is_empty()).cloned());
    }
    jvm::report("messages-coverage", &out);
    // Every mismatch (the first three of each pair) goes to a file too.
    let report = jvm::target_dir().join("interop-java/messages-mismatches.txt");
    let _ = std::fs::write(&report, failures.join("\n\n"));
    assert!(
        failures.is_empty(),
        "{} mismatches with Kafka's Java code (all listed in {}); the first:\n{}",
        rows.iter().map(|(_, r)| r.mismatches.len()).sum::<usize>(),
        report.display(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every pair of the current release and of 3.9 (which still defines what
/// Kafka 4.0 removed), each on its own JVM, in parallel.
#[test]
fn every_message_and_version_agrees_with_kafkas_java_code() {
    let settings = settings();
    let start = |release| Jvm::start(release).unwrap_or_else(|e| panic!("the Java oracle: {e}"));
    let mut current_jvm = start(jvm::CURRENT);
    let current_versions: std::collections::HashMap<&str, VersionRange> =
        crate::message_tests::ORACLE
            .iter()
            .filter_map(|e| {
                java_versions(&mut current_jvm, e.name)
                    .ok()
                    .map(|(r, _)| (e.name, r))
            })
            .collect();
    let (current, legacy) = std::thread::scope(|s| {
        let legacy =
            s.spawn(|| run_release(start(jvm::LEGACY), &settings, Some(&current_versions)));
        let current = run_release(current_jvm, &settings, None);
        (current, legacy.join().expect("the 3.9 oracle thread"))
    });
    print_and_check(
        &[(jvm::CURRENT, &current), (jvm::LEGACY, &legacy)],
        &settings,
    );
    // Every pair this crate defines was checked against one release at least.
    let missed: Vec<String> = crate::message_tests::ORACLE
        .iter()
        .flat_map(|e| e.versions.iter().map(move |v| (e.name, v)))
        .filter(|p| !current.pairs.contains(p) && !legacy.pairs.contains(p))
        .map(|(name, v)| format!("{name} v{v}"))
        .collect();
    assert!(
        missed.is_empty(),
        "defined here, checked against no release: {}",
        missed.join(", ")
    );
}
