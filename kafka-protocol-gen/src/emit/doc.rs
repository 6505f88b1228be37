//! Rustdoc text from the schemas: `about`, plus the versions in which a field
//! exists, is nullable and is tagged.

use crate::model::{DefaultValue, Field, Message, MessageKind};

/// Escapes schema prose for rustdoc markdown (brackets would become links,
/// angle brackets HTML).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' => out.push_str("\\*"),
            '_' => out.push_str("\\_"),
            '#' => out.push_str("\\#"),
            c => out.push(c),
        }
    }
    out
}

fn default_text(d: &DefaultValue) -> Option<String> {
    Some(match d {
        DefaultValue::Null => "null".into(),
        DefaultValue::Bool(true) => "true".into(),
        DefaultValue::Int(i) if *i != 0 => i.to_string(),
        DefaultValue::Float(f) if *f != 0.0 => f.to_string(),
        DefaultValue::Str(s) if !s.is_empty() => format!("{s:?}"),
        _ => return None,
    })
}

/// The doc of a field.
pub fn field_doc(msg: &Message, f: &Field) -> String {
    let mut out = if f.about.trim().is_empty() {
        format!("`{}`.", f.name)
    } else {
        escape(f.about.trim())
    };
    out.push_str("\n\n");
    out.push_str(&format!(
        "Kafka field `{}` ({}), versions {}",
        f.name,
        escape(&f.ty.kafka_name(&msg.structs)),
        f.versions
    ));
    let nullable = f.nullable.intersect(&f.versions);
    if !nullable.is_empty() {
        out.push_str(&format!("; nullable in {nullable}"));
    }
    if let Some(tag) = f.tag
        && !f.tagged.is_empty()
    {
        out.push_str(&format!("; tagged (tag {tag}) in {}", f.tagged));
    }
    if let Some(d) = default_text(&f.default) {
        out.push_str(&format!("; default {}", escape(&d)));
    }
    if f.ignorable {
        out.push_str("; ignorable (dropped silently in versions without it)");
    }
    if f.map_key {
        out.push_str("; map key");
    }
    out.push('.');
    out
}

/// The doc of a struct.
pub fn struct_doc(msg: &Message, idx: usize) -> String {
    let s = &msg.structs[idx];
    if idx != 0 {
        let kind = if s.common { "Common struct" } else { "Struct" };
        return format!(
            "{kind} `{}` of [`{}`], versions {}.",
            s.name, msg.name, s.versions
        );
    }
    let what = match (msg.kind, msg.api_key) {
        (MessageKind::Request, Some(k)) => format!("The request body of API key {k}"),
        (MessageKind::Response, Some(k)) => format!("The response body of API key {k}"),
        (MessageKind::Header, _) => "A protocol header".to_string(),
        _ => "A Kafka data schema".to_string(),
    };
    let flexible = match msg.flexible.lowest() {
        Some(v) => format!("flexible (KIP-482 tagged fields, compact lengths) from version {v}"),
        None => "never flexible".to_string(),
    };
    let mut out = format!(
        "`{}`: {what}.\n\nVersions {}; {flexible}.",
        msg.name, msg.valid
    );
    if msg.latest_unstable
        && let Some(h) = msg.valid.highest()
    {
        out.push_str(&format!(
            " Version {h} is **unstable** (`latestVersionUnstable`): Kafka may still change it."
        ));
    }
    if !msg.deprecated.is_empty() {
        out.push_str(&format!(" Deprecated versions: {}.", msg.deprecated));
    }
    out.push_str("\n\nGenerated from ");
    let parts: Vec<String> = msg
        .origins
        .iter()
        .map(|o| format!("Kafka {} `{}` (versions {})", o.release, o.file, o.versions))
        .collect();
    out.push_str(&parts.join(" and "));
    out.push('.');
    out
}
