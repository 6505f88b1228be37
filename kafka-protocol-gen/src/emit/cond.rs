//! Version conditions: a version set turned into a boolean expression on
//! `version`, simplified against the versions the surrounding struct can have
//! (a test that is always true or always false is not emitted, as Kafka's
//! `VersionConditional` does).

use crate::versions::{MAX_VERSION, VersionSet};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A condition relative to a context.
#[derive(Clone, Debug)]
pub enum Cond {
    /// True in every version of the context.
    Always,
    /// False in every version of the context.
    Never,
    /// Depends on the version: one comparison, or several joined with `||`
    /// (see [`Cond::operand`] for use next to `&&` or `!`).
    When(TokenStream),
}

impl Cond {
    /// `set` evaluated for a `version` known to be inside `ctx`.
    pub fn new(set: &VersionSet, ctx: &VersionSet) -> Self {
        let inside = set.intersect(ctx);
        if inside.is_empty() {
            return Cond::Never;
        }
        if inside == *ctx {
            return Cond::Always;
        }
        let (clo, chi) = (
            ctx.lowest().unwrap_or(0),
            ctx.highest().unwrap_or(MAX_VERSION),
        );
        let parts: Vec<TokenStream> = inside
            .ranges()
            .iter()
            .map(|&(lo, hi)| {
                let l = Literal::i16_unsuffixed(lo);
                let h = Literal::i16_unsuffixed(hi);
                match (lo <= clo, hi >= chi) {
                    (true, true) => quote!(true),
                    (true, false) => quote!(version <= #h),
                    (false, true) => quote!(version >= #l),
                    (false, false) if lo == hi => quote!(version == #l),
                    (false, false) => quote!((#l..=#h).contains(&version)),
                }
            })
            .collect();
        Cond::When(quote!(#(#parts)||*))
    }

    /// The condition as an expression on its own (an `if` condition or an argument).
    pub fn expr(&self) -> TokenStream {
        match self {
            Cond::Always => quote!(true),
            Cond::Never => quote!(false),
            Cond::When(t) => t.clone(),
        }
    }

    /// The condition as an operand of `&&` or `!`: parenthesized when it is a
    /// disjunction.
    pub fn operand(&self) -> TokenStream {
        let e = self.expr();
        if e.to_string().contains("||") {
            quote!((#e))
        } else {
            e
        }
    }

    /// `body` guarded by the condition (nothing if never, unguarded if always).
    pub fn guard(&self, body: TokenStream) -> TokenStream {
        match self {
            Cond::Always => body,
            Cond::Never => TokenStream::new(),
            Cond::When(t) => quote!(if #t { #body }),
        }
    }

    /// `body` run when the condition and `test` both hold.
    pub fn and_guard(&self, test: TokenStream, body: TokenStream) -> TokenStream {
        match self {
            Cond::Always => quote!(if #test { #body }),
            Cond::Never => TokenStream::new(),
            Cond::When(_) => {
                let op = self.operand();
                quote!(if #op && #test { #body })
            }
        }
    }

    /// True when never satisfied.
    pub fn is_never(&self) -> bool {
        matches!(self, Cond::Never)
    }

    /// True when always satisfied.
    pub fn is_always(&self) -> bool {
        matches!(self, Cond::Always)
    }
}
