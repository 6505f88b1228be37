//! Codec (in progress).
