//! Comment-aware loading: Kafka's schema files are JSON plus `//` and `/* */`
//! comments (Jackson's `ALLOW_COMMENTS`). Comments are removed only outside
//! string literals; everything else is left for `serde_json`, which also rejects
//! trailing tokens as Jackson's `FAIL_ON_TRAILING_TOKENS` does.

/// Why comment stripping failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentError {
    /// A `/*` comment with no closing `*/`; the byte offset where it starts.
    UnterminatedBlockComment(usize),
}

/// Returns `text` with comments replaced by spaces (newlines kept, so
/// `serde_json`'s line and column numbers still point into the original file).
pub fn strip_comments(text: &str) -> Result<String, CommentError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut in_string = false;
    while let Some(&c) = bytes.get(i) {
        if in_string {
            out.push(c);
            if c == b'\\' {
                if let Some(&n) = bytes.get(i + 1) {
                    out.push(n);
                    i += 1;
                }
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match (c, bytes.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                out.push(c);
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break;
                    }
                    out.push(b' ');
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                let start = i;
                i += 2;
                out.extend_from_slice(b"  ");
                loop {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (Some(b'*'), Some(b'/')) => {
                            out.extend_from_slice(b"  ");
                            i += 2;
                            break;
                        }
                        (Some(&c), _) => {
                            out.push(if c == b'\n' { b'\n' } else { b' ' });
                            i += 1;
                        }
                        (None, _) => return Err(CommentError::UnterminatedBlockComment(start)),
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, and only outside multi-byte sequences.
    Ok(String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_line_and_block_comments_outside_strings() {
        let src =
            "// licence\n{ \"a\": \"x // not a comment\", /* b */ \"b\": \"/* kept */\" } // end";
        let out = strip_comments(src).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["a"], "x // not a comment");
        assert_eq!(v["b"], "/* kept */");
        assert_eq!(out.lines().count(), src.lines().count());
    }

    #[test]
    fn escaped_quote_does_not_end_string() {
        let out = strip_comments(r#"{"a": "q\" // still string"}"#).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["a"], "q\" // still string");
    }

    #[test]
    fn unterminated_block_comment_is_an_error() {
        assert_eq!(
            strip_comments("{ /* open"),
            Err(CommentError::UnterminatedBlockComment(2))
        );
    }
}
