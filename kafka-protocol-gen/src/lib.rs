//! Generator (in progress).
