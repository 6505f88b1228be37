//! Version ranges as Kafka writes them (`"none"`, `"3"`, `"1-4"`, `"9+"`) and the
//! version sets the model works with once history is merged.

use std::fmt;

/// The highest version an open range (`N+`) reaches: Java's `Short.MAX_VALUE`.
pub const MAX_VERSION: i16 = i16::MAX;

/// A set of versions: sorted, disjoint, non-adjacent inclusive ranges.
///
/// Kafka's own ranges are contiguous; merging a release with kept history can
/// in principle produce a set with holes, so the model keeps sets.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct VersionSet {
    ranges: Vec<(i16, i16)>,
}

/// Why a version range string was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRange(pub String);

impl VersionSet {
    /// The empty set (`"none"`).
    pub const fn none() -> Self {
        Self { ranges: Vec::new() }
    }

    /// `lo..=hi`; empty when `lo > hi`.
    pub fn range(lo: i16, hi: i16) -> Self {
        if lo > hi {
            Self::none()
        } else {
            Self {
                ranges: vec![(lo, hi)],
            }
        }
    }

    /// `lo+`.
    pub fn open(lo: i16) -> Self {
        Self::range(lo, MAX_VERSION)
    }

    /// Parses Kafka's syntax. Whitespace is trimmed; negative versions are rejected.
    pub fn parse(text: &str) -> Result<Self, BadRange> {
        let t = text.trim();
        let bad = || BadRange(text.to_string());
        let num = |s: &str| -> Result<i16, BadRange> {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<i16>().map_err(|_| bad())
        };
        if t == "none" {
            return Ok(Self::none());
        }
        if let Some(lo) = t.strip_suffix('+') {
            return Ok(Self::open(num(lo)?));
        }
        if let Some((lo, hi)) = t.split_once('-') {
            let (lo, hi) = (num(lo)?, num(hi)?);
            if lo > hi {
                return Err(bad());
            }
            return Ok(Self::range(lo, hi));
        }
        let v = num(t)?;
        Ok(Self::range(v, v))
    }

    /// True when no version is in the set.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges, sorted.
    pub fn ranges(&self) -> &[(i16, i16)] {
        &self.ranges
    }

    /// Lowest version, if any.
    pub fn lowest(&self) -> Option<i16> {
        self.ranges.first().map(|r| r.0)
    }

    /// Highest version, if any.
    pub fn highest(&self) -> Option<i16> {
        self.ranges.last().map(|r| r.1)
    }

    /// True when `v` is in the set.
    pub fn contains(&self, v: i16) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= v && v <= hi)
    }

    /// True when the set is one range ending at [`MAX_VERSION`] (`N+`), or empty.
    pub fn is_open_ended_or_none(&self) -> bool {
        match self.ranges.as_slice() {
            [] => true,
            [(_, hi)] => *hi == MAX_VERSION,
            _ => false,
        }
    }

    /// True when the set is a single range (or empty).
    pub fn is_contiguous(&self) -> bool {
        self.ranges.len() <= 1
    }

    /// Every version of the set, in order (the set must be bounded to be useful).
    pub fn iter(&self) -> impl Iterator<Item = i16> + '_ {
        self.ranges.iter().flat_map(|&(lo, hi)| lo..=hi)
    }

    fn normalize(mut ranges: Vec<(i16, i16)>) -> Self {
        ranges.sort_unstable();
        let mut out: Vec<(i16, i16)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            if let Some(last) = out.last_mut()
                && i32::from(lo) <= i32::from(last.1) + 1
            {
                last.1 = last.1.max(hi);
                continue;
            }
            out.push((lo, hi));
        }
        Self { ranges: out }
    }

    /// Set union.
    pub fn union(&self, other: &Self) -> Self {
        Self::normalize(self.ranges.iter().chain(&other.ranges).copied().collect())
    }

    /// Set intersection.
    pub fn intersect(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            for &(c, d) in &other.ranges {
                let (lo, hi) = (a.max(c), b.min(d));
                if lo <= hi {
                    out.push((lo, hi));
                }
            }
        }
        Self::normalize(out)
    }

    /// Set difference `self - other`.
    pub fn subtract(&self, other: &Self) -> Self {
        let mut cur = self.ranges.clone();
        for &(c, d) in &other.ranges {
            let mut next = Vec::new();
            for (a, b) in cur {
                if d < a || c > b {
                    next.push((a, b));
                    continue;
                }
                if a < c {
                    next.push((a, c - 1));
                }
                if d < b {
                    next.push((d + 1, b));
                }
            }
            cur = next;
        }
        Self::normalize(cur)
    }

    /// True when every version of `other` is in `self`.
    pub fn is_superset(&self, other: &Self) -> bool {
        other.subtract(self).is_empty()
    }
}

impl fmt::Display for VersionSet {
    /// Kafka's syntax where it has one (`none`, `3`, `1-4`, `9+`); holes are
    /// joined with commas.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("none");
        }
        for (i, &(lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if hi == MAX_VERSION {
                write!(f, "{lo}+")?;
            } else if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for VersionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionSet({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kafka_syntax() {
        assert_eq!(VersionSet::parse("none").unwrap(), VersionSet::none());
        assert_eq!(VersionSet::parse(" 3 ").unwrap(), VersionSet::range(3, 3));
        assert_eq!(VersionSet::parse("1-4").unwrap(), VersionSet::range(1, 4));
        assert_eq!(VersionSet::parse("9+").unwrap(), VersionSet::open(9));
        for bad in ["", "-1", "4-1", "a", "1-", "+", "1+2", "99999"] {
            assert!(VersionSet::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn set_algebra() {
        let a = VersionSet::range(0, 11);
        let b = VersionSet::range(3, 13);
        assert_eq!(a.subtract(&b), VersionSet::range(0, 2));
        assert_eq!(a.intersect(&b), VersionSet::range(3, 11));
        assert_eq!(a.union(&b), VersionSet::range(0, 13));
        let holes = VersionSet::range(0, 10).subtract(&VersionSet::range(4, 5));
        assert_eq!(holes.to_string(), "0-3, 6-10");
        assert!(holes.contains(3) && !holes.contains(4) && holes.contains(6));
        assert!(VersionSet::open(2).is_superset(&VersionSet::range(2, 5)));
        assert!(!VersionSet::range(2, 5).is_superset(&VersionSet::open(2)));
        assert_eq!(VersionSet::open(9).to_string(), "9+");
        assert_eq!(
            VersionSet::range(0, 1).union(&VersionSet::range(2, 3)),
            VersionSet::range(0, 3)
        );
    }
}
