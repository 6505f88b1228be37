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
use std::io;

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
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut reader = HexReader::new(text.as_bytes());
    match io::Read::read_to_end(&mut reader, &mut out) {
        Ok(_) => Ok(out),
        Err(e) => Err(hex_error(e)),
    }
}

/// The [`HexError`] inside an error of a [`HexReader`] (an I/O error of its
/// input becomes one naming the line).
pub fn hex_error(e: io::Error) -> HexError {
    let line = 0;
    let message = e.to_string();
    match e.into_inner().map(|inner| inner.downcast::<HexError>()) {
        Some(Ok(h)) => *h,
        _ => err(line, message),
    }
}

/// The longest run a `*` line may stand for: a larger jump of the offset is
/// an error rather than that many bytes.
pub const MAX_SQUEEZED_RUN: usize = 256 << 20;

/// A hex dump read incrementally, line by line: the bytes of each line
/// are delivered as soon as it has been read, so a dump piped in is
/// decoded as it comes. The layout is told from the first line that is not
/// blank. Errors are [`io::ErrorKind::InvalidData`] errors holding a
/// [`HexError`] (see [`hex_error`]).
#[derive(Debug)]
pub struct HexReader<R> {
    reader: R,
    /// Decided at the first line that is not blank.
    layout: Option<Layout>,
    /// 1-based number of the last line read.
    line: usize,
    /// Bytes decoded and not yet delivered, from `at`.
    out: Vec<u8>,
    at: usize,
    /// Bytes decoded so far (the offset the next line must have).
    count: usize,
    /// Plain layout: a high nibble waiting for its low one, and its line.
    high: Option<(u8, usize)>,
    /// Offset layouts: the last line's bytes, and whether a `*` follows it.
    previous: Vec<u8>,
    squeezed: bool,
    done: bool,
}

impl<R: io::BufRead> HexReader<R> {
    /// A reader of the hex dump `reader` holds.
    pub fn new(reader: R) -> Self {
        HexReader {
            reader,
            layout: None,
            line: 0,
            out: Vec::new(),
            at: 0,
            count: 0,
            high: None,
            previous: Vec::new(),
            squeezed: false,
            done: false,
        }
    }

    /// Reads and decodes the next line into `out`; false at the end.
    fn next_line(&mut self) -> Result<bool, HexError> {
        let mut raw = Vec::new();
        let read = self
            .reader
            .read_until(b'\n', &mut raw)
            .map_err(|e| err(self.line + 1, format!("cannot read the hex dump: {e}")))?;
        if read == 0 {
            self.finish()?;
            return Ok(false);
        }
        self.line += 1;
        let text = String::from_utf8_lossy(&raw);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let layout = match self.layout {
            Some(l) => l,
            None if line.trim().is_empty() => return Ok(true),
            None => {
                let l = if offset_prefix(line).is_some_and(|(_, rest)| rest.starts_with(':')) {
                    Layout::Xxd
                } else if line.contains('|') {
                    Layout::HexdumpC
                } else {
                    Layout::Plain
                };
                self.layout = Some(l);
                l
            }
        };
        match layout {
            Layout::Plain => self.plain_line(line),
            Layout::Xxd | Layout::HexdumpC => self.offset_line(line, layout),
        }?;
        Ok(true)
    }

    fn plain_line(&mut self, line: &str) -> Result<(), HexError> {
        let n = self.line;
        for (col, c) in line.bytes().enumerate() {
            if c.is_ascii_whitespace() {
                continue;
            }
            let d = digit(c).ok_or_else(|| {
                err(
                    n,
                    format!(
                        "column {}: {:?} is not a hex digit (plain hex: digits and whitespace only)",
                        col + 1,
                        char::from(c)
                    ),
                )
            })?;
            match self.high.take() {
                None => self.high = Some((d, n)),
                Some((h, _)) => {
                    self.out.push(h << 4 | d);
                    self.count += 1;
                }
            }
        }
        Ok(())
    }

    fn offset_line(&mut self, line: &str, layout: Layout) -> Result<(), HexError> {
        let n = self.line;
        if line.trim().is_empty() {
            return Ok(());
        }
        if line.trim() == "*" {
            if self.previous.is_empty() {
                return Err(err(n, "`*` without a line to repeat"));
            }
            self.squeezed = true;
            return Ok(());
        }
        let (offset, rest) = offset_prefix(line).ok_or_else(|| {
            err(
                n,
                "expected an offset at the start of the line (xxd or hexdump -C layout)",
            )
        })?;
        if self.squeezed {
            // Repeat the squeezed line up to this offset.
            if offset.saturating_sub(self.count) > MAX_SQUEEZED_RUN {
                return Err(err(
                    n,
                    format!("offset {offset:#x}: a `*` run of more than {MAX_SQUEEZED_RUN} bytes"),
                ));
            }
            while self.count < offset {
                let take = self.previous.len().min(offset - self.count);
                self.out
                    .extend_from_slice(self.previous.get(..take).unwrap_or_default());
                self.count += take;
            }
            self.squeezed = false;
        }
        if offset != self.count {
            return Err(err(
                n,
                format!(
                    "offset {offset:#x}, but {:#x} bytes were read before it",
                    self.count
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
        self.out.extend_from_slice(&bytes);
        self.count += bytes.len();
        if !bytes.is_empty() {
            self.previous = bytes;
        }
        Ok(())
    }

    /// Checks the end of the dump.
    fn finish(&mut self) -> Result<(), HexError> {
        if let Some((_, line)) = self.high {
            return Err(err(line, "odd number of hex digits"));
        }
        if self.squeezed {
            return Err(err(
                self.line,
                "the dump ends in `*` without the final offset",
            ));
        }
        Ok(())
    }
}

impl<R: io::BufRead> io::Read for HexReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.out.clear();
            self.at = 0;
            match self.next_line() {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, e));
                }
            }
        }
        let rest = self.out.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.at += n;
        Ok(n)
    }
}

fn digit(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
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
    fn a_squeezed_run_is_bounded() {
        let text = "00000000  00 00 |..|\n*\nffffffffff  01 |.|\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("`*` run of more than"), "{e}");
    }

    #[test]
    fn lines_are_delivered_as_they_are_read() {
        use std::io::{BufReader, Read};
        // A reader that fails after the first line: the first line's bytes
        // still come out before the error.
        struct FirstLineThenError(bool);
        impl Read for FirstLineThenError {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(io::Error::other("gone"));
                }
                buf[..5].copy_from_slice(b"0a0b\n");
                Ok(5)
            }
        }
        let mut r = HexReader::new(BufReader::new(FirstLineThenError(false)));
        let mut buf = [0; 8];
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        assert_eq!(buf[..2], [0x0a, 0x0b]);
        let e = hex_error(r.read(&mut buf).unwrap_err());
        assert_eq!(e.line, 2);
        assert!(e.message.contains("gone"), "{e}");
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
