//! Base64 (RFC 4648): the URL-safe alphabet without padding for Kafka's UUID
//! text, the standard alphabet with padding for `bytes` in JSON. One
//! canonical text per value: decoding refuses misplaced padding and non-zero
//! unused bits.

/// The standard alphabet (section 4), for JSON under the `serde` feature.
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
pub(crate) const STANDARD: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The URL-safe alphabet (section 5), Java's `Base64.getUrlEncoder()`.
pub(crate) const URL_SAFE: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends the base64 of `data` to `out`, with `=` padding if `pad`.
pub(crate) fn encode(data: &[u8], alphabet: &[u8; 64], pad: bool, out: &mut String) {
    out.reserve(data.len().div_ceil(3) * 4);
    let sym = |v: u32| char::from(alphabet.get((v & 63) as usize).copied().unwrap_or(b'A'));
    for chunk in data.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        // A chunk of k bytes is k + 1 symbols.
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(sym(n >> shift));
            } else if pad {
                out.push('=');
            }
        }
    }
}

/// The value of symbol `c` in `alphabet`.
fn sextet(alphabet: &[u8; 64], c: u8) -> Option<u32> {
    // Both alphabets share their first 62 symbols.
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        _ if Some(&c) == alphabet.get(62) => 62,
        _ if Some(&c) == alphabet.get(63) => 63,
        _ => return None,
    }))
}

/// Decodes canonical base64 in `alphabet`: with `pad`, a multiple of four
/// symbols with at most two `=` at the end; without, no `=` at all. Bits
/// left over in the last symbol must be zero. `None` for anything else.
pub(crate) fn decode(text: &str, alphabet: &[u8; 64], pad: bool) -> Option<Vec<u8>> {
    let s = text.as_bytes();
    let body = if pad {
        if s.len() % 4 != 0 {
            return None;
        }
        let n = s.iter().rev().take(2).take_while(|&&c| c == b'=').count();
        s.get(..s.len() - n)?
    } else {
        s
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            n = (n << 6) | sextet(alphabet, c)?;
        }
        n <<= 6 * (4 - chunk.len());
        // k + 1 symbols carry k bytes; the bits below them must be zero.
        let keep = chunk.len() - 1;
        if keep < 3 && n & (0xff_ffff >> (8 * keep)) != 0 {
            return None;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(bytes.get(..keep)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
        let mut s = String::new();
        encode(data, alphabet, pad, &mut s);
        s
    }

    #[test]
    fn rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, text) in vectors {
            assert_eq!(enc(plain.as_bytes(), STANDARD, true), text);
            assert_eq!(
                decode(text, STANDARD, true).as_deref(),
                Some(plain.as_bytes())
            );
            let bare = text.trim_end_matches('=');
            assert_eq!(enc(plain.as_bytes(), STANDARD, false), bare);
            assert_eq!(
                decode(bare, STANDARD, false).as_deref(),
                Some(plain.as_bytes())
            );
        }
        assert_eq!(enc(&[0xfb, 0xff, 0xbf], STANDARD, true), "+/+/");
        assert_eq!(enc(&[0xfb, 0xff, 0xbf], URL_SAFE, false), "-_-_");
    }

    #[test]
    fn every_length_and_byte_round_trips() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for n in 0..data.len() {
            let slice = data.get(..n).unwrap_or_default();
            for (alphabet, pad) in [(STANDARD, true), (URL_SAFE, false)] {
                let text = enc(slice, alphabet, pad);
                assert_eq!(decode(&text, alphabet, pad).as_deref(), Some(slice));
            }
        }
    }

    #[test]
    fn non_canonical_text_is_refused() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zg==Zg==", "Zm9v\n", "Zm-v", "Zm_v", "=Zg=",
        ] {
            assert_eq!(decode(bad, STANDARD, true), None, "{bad:?}");
        }
        for bad in ["Zg==", "Z", "Zh", "Zm9", "Zm+v", "Zm/v"] {
            assert_eq!(decode(bad, URL_SAFE, false), None, "{bad:?}");
        }
    }
}
