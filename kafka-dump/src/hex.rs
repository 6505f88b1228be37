//! Hex dumps back to bytes.
//!
//! Three layouts are read, detected from the text:
//!
//! - **plain hex**: hex digits and whitespace only, as written by `xxd -p`,
//!   `tshark -T fields -e tcp.payload`, or typed by hand (`00 00 00 0c ...`).
//!   Whitespace may fall anywhere between digits; the digit count must be even.
//! - **xxd**: `xxd` (any `-c`/`-g`), lines `OFFSET: HEX  ASCII`. The hex
//!   part ends at the first two consecutive spaces after it started.
//! - **hexdump -C**: lines `OFFSET  HEX  HEX  |ASCII|` and a last line with
//!   the length only; the hex part ends at the `|`.
//!
//! In both offset layouts each line's offset must be the number of bytes read
//! so far (this catches an ASCII column misread as hex), and a `*` line (a
//! run of identical lines that `hexdump` and `xxd -a` squeeze) repeats the
//! line before it up to the next offset.

use std::fmt;

/// A hex dump that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hex dump line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for HexError {}

fn err(line: usize, message: impl Into<String>) -> HexError {
    HexError {
        line,
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Plain,
    Xxd,
    HexdumpC,
}

/// Reads a hex dump in one of the layouts above.
pub fn parse(text: &str) -> Result<Vec<u8>, HexError> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let layout = if offset_prefix(first).is_some_and(|(_, rest)| rest.starts_with(':')) {
        Layout::Xxd
    } else if first.contains('|') {
        Layout::HexdumpC
    } else {
        Layout::Plain
    };
    match layout {
        Layout::Plain => parse_plain(text),
        Layout::Xxd | Layout::HexdumpC => parse_offsets(text, layout),
    }
}

fn digit(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

fn parse_plain(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<(u8, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        for (col, c) in line.bytes().enumerate() {
            if c.is_ascii_whitespace() {
                continue;
            }
            let d = digit(c).ok_or_else(|| {
                err(
                    n + 1,
                    format!(
                        "column {}: {:?} is not a hex digit (plain hex: digits and whitespace only)",
                        col + 1,
                        char::from(c)
                    ),
                )
            })?;
            match high.take() {
                None => high = Some((d, n + 1)),
                Some((h, _)) => out.push(h << 4 | d),
            }
        }
    }
    if let Some((_, line)) = high {
        return Err(err(line, "odd number of hex digits"));
    }
    Ok(out)
}

/// The leading hex offset of a line and what follows it.
fn offset_prefix(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let end = trimmed
        .bytes()
        .position(|c| !c.is_ascii_hexdigit())
        .unwrap_or(trimmed.len());
    if end == 0 {
        return None;
    }
    let offset = usize::from_str_radix(trimmed.get(..end)?, 16).ok()?;
    Some((offset, trimmed.get(end..)?))
}

/// The hex digits of `hex` (pairs, whitespace between groups) as bytes.
fn hex_bytes(hex: &str, line: usize) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::new();
    for group in hex.split_ascii_whitespace() {
        if group.len() % 2 != 0 {
            return Err(err(line, format!("odd number of hex digits in {group:?}")));
        }
        for pair in group.as_bytes().chunks(2) {
            match pair {
                [h, l] => match (digit(*h), digit(*l)) {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => return Err(err(line, format!("{group:?} is not hex"))),
                },
                _ => return Err(err(line, format!("odd number of hex digits in {group:?}"))),
            }
        }
    }
    Ok(out)
}

fn parse_offsets(text: &str, layout: Layout) -> Result<Vec<u8>, HexError> {
    let mut out: Vec<u8> = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    let mut squeezed = false;
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.trim() == "*" {
            if previous.is_empty() {
                return Err(err(n, "`*` without a line to repeat"));
            }
            squeezed = true;
            continue;
        }
        let (offset, rest) = offset_prefix(line).ok_or_else(|| {
            err(
                n,
                "expected an offset at the start of the line (xxd or hexdump -C layout)",
            )
        })?;
        if squeezed {
            // Repeat the squeezed line up to this offset.
            while out.len() < offset {
                let take = previous.len().min(offset - out.len());
                out.extend_from_slice(previous.get(..take).unwrap_or_default());
            }
            squeezed = false;
        }
        if offset != out.len() {
            return Err(err(
                n,
                format!(
                    "offset {offset:#x}, but {:#x} bytes were read before it",
                    out.len()
                ),
            ));
        }
        let hex = match layout {
            Layout::Xxd => {
                let rest = rest.strip_prefix(':').ok_or_else(|| {
                    err(n, "expected `OFFSET:` (xxd layout, as on the first line)")
                })?;
                let body = rest.trim_start_matches(' ');
                // The hex part ends at two spaces; the ASCII column follows.
                body.find("  ")
                    .map_or(body, |end| body.get(..end).unwrap_or(body))
            }
            _ => rest.split('|').next().unwrap_or(""),
        };
        let bytes = hex_bytes(hex, n)?;
        out.extend_from_slice(&bytes);
        if !bytes.is_empty() {
            previous = bytes;
        }
    }
    if squeezed {
        return Err(err(
            text.lines().count(),
            "the dump ends in `*` without the final offset",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &[u8] = b"\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01 |ok| 2020 \xff";

    #[test]
    fn plain() {
        let text = "0000000a0012\n0000 0000 0001 207c 6f6b 7c20 3230 3230 20ff\n";
        assert_eq!(parse(text).unwrap(), DATA);
        assert_eq!(parse("").unwrap(), b"");
        let e = parse("00 0g").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("column 5"), "{e}");
        assert!(parse("000").unwrap_err().message.contains("odd"));
    }

    #[test]
    fn xxd_layout_with_ascii_that_looks_like_hex() {
        // `printf ... | xxd -c 8`; the ASCII column holds " |ok| 20" and "20 .".
        let text = "\
00000000: 0000 000a 0012 0000  ........
00000008: 0000 0001 207c 6f6b  .... |ok
00000010: 7c20 3230 3230 20ff  | 2020 .
";
        assert_eq!(parse(text).unwrap(), DATA);
        // Short last line padded with spaces, then its ASCII column.
        let text = "00000000: 0000 000a 0012 0000 0000 0001 207c 6f6b  ............ |ok\n00000010: 7c20 3230 3230 20ff                      | 2020 .\n";
        assert_eq!(parse(text).unwrap(), DATA);
        // xxd -g 1
        let text = "00000000: 00 00 00 0a 00 12 00 00  ........\n00000008: 00 00 00 01 20 7c 6f 6b  .... |ok\n00000010: 7c 20 32 30 32 30 20 ff  | 2020 .\n";
        assert_eq!(parse(text).unwrap(), DATA);
    }

    #[test]
    fn hexdump_c_layout() {
        let text = "\
00000000  00 00 00 0a 00 12 00 00  00 00 00 01 20 7c 6f 6b  |............ |ok|
00000010  7c 20 32 30 32 30 20 ff                           || 2020 .|
00000018
";
        assert_eq!(parse(text).unwrap(), DATA);
    }

    #[test]
    fn squeezed_lines_repeat() {
        let text = "\
00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000030  01 02                                             |..|
00000032
";
        let mut want = vec![0u8; 48];
        want.extend_from_slice(&[1, 2]);
        assert_eq!(parse(text).unwrap(), want);
        let xxd = "00000000: 0000 0000 0000 0000  ........\n*\n00000018: 0102  ..\n";
        let mut want = vec![0u8; 24];
        want.extend_from_slice(&[1, 2]);
        assert_eq!(parse(xxd).unwrap(), want);
        assert!(parse("00000000  00 |.|\n*\n").is_err());
    }

    #[test]
    fn offsets_must_follow_the_bytes() {
        // An ASCII column read as hex would shift the next offset.
        let text = "00000000: 0001 0203  ....\n00000008: 0405  ..\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("offset 0x8"), "{e}");
        let e = parse("00000000: 0001  ..\nzz\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
