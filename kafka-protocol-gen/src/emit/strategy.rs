//! `#[cfg(test)]` value generators for property tests: for a version, a random
//! value that sets only fields present in that version, uses null only where
//! the version allows it, keeps tagged fields at and away from their defaults,
//! and adds unknown tagged fields in flexible versions. Driven by the RNG of a
//! proptest run, so a failing case is reproducible from its seed.
//!
//! Also the "absent field" cases: for a version, values holding a non-default
//! value in exactly one field the version lacks (at any depth), with what
//! encoding them must do.

use super::cond::Cond;
use super::message::{default_expr, field_ident, rust_type};
use crate::model::{Field, Message, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

fn struct_ident(msg: &Message, i: usize) -> Ident {
    Ident::new(&msg.structs[i].name, Span::call_site())
}

fn gen_plain(msg: &Message, ty: &Type) -> TokenStream {
    match ty {
        Type::Bool => quote!(g.bool()),
        Type::Int8 => quote!(g.i8()),
        Type::Int16 => quote!(g.i16()),
        Type::Uint16 => quote!(g.u16()),
        Type::Int32 => quote!(g.i32()),
        Type::Uint32 => quote!(g.u32()),
        Type::Int64 => quote!(g.i64()),
        Type::Float64 => quote!(g.f64()),
        Type::Uuid => quote!(g.uuid()),
        Type::String => quote!(g.string()),
        Type::Bytes | Type::Records => quote!(g.bytes()),
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            quote!(g.nested(|g| <#id as crate::testing::Generate>::generate(g, version)))
        }
        Type::Array(inner) => {
            let e = gen_plain(msg, inner);
            quote!(g.vec(|g| #e))
        }
    }
}

/// Emits `impl Generate` for struct `idx`.
pub fn emit_generate(msg: &Message, idx: usize, out: &mut TokenStream) {
    let s = &msg.structs[idx];
    let id = struct_ident(msg, idx);
    let ctx = &s.versions;
    let mut sets = Vec::new();
    for f in &s.fields {
        let fid = field_ident(f);
        let present = Cond::new(&f.versions.intersect(ctx), ctx);
        let pset = f.versions.intersect(ctx);
        let plain = gen_plain(msg, &f.ty);
        let value = if f.is_optional() {
            let nullable = Cond::new(&f.nullable, &pset);
            match nullable {
                Cond::Never => quote!(::core::option::Option::Some(#plain)),
                c => {
                    let e = c.operand();
                    quote!(if #e && g.null() { ::core::option::Option::None } else { ::core::option::Option::Some(#plain) })
                }
            }
        } else {
            plain
        };
        // Tagged fields stay at their default a third of the time.
        let tagged = Cond::new(&f.tagged, &pset);
        let set = quote!(value.#fid = #value;);
        sets.push(match &tagged {
            Cond::Never => present.guard(set),
            Cond::Always => present.and_guard(quote!(!g.keep_default()), set),
            Cond::When(_) => {
                let e = tagged.operand();
                present.and_guard(quote!(!(#e && g.keep_default())), set)
            }
        });
    }
    if !msg.flexible.intersect(ctx).is_empty() {
        let flex = Cond::new(&msg.flexible, ctx);
        let first_free = s
            .fields
            .iter()
            .filter_map(|f| f.tag)
            .max()
            .map_or(0, |t| t + 1);
        sets.push(flex.guard(quote!(value.unknown_tagged_fields = g.unknown_tags(#first_free);)));
    }
    out.extend(quote! {
        #[cfg(test)]
        impl crate::testing::Generate for #id {
            #[allow(clippy::field_reassign_with_default, clippy::nonminimal_bool)]
            fn generate(g: &mut crate::testing::Gen, version: i16) -> Self {
                let _ = (&g, version);
                let mut value = Self::default();
                #(#sets)*
                value
            }
        }
    });
}

/// A non-default value of a field, built as for version `w` (one where the
/// field exists).
fn non_default_value(msg: &Message, f: &Field, w: i16) -> TokenStream {
    let plain = match &f.ty {
        Type::Bool
        | Type::Int8
        | Type::Int16
        | Type::Uint16
        | Type::Int32
        | Type::Uint32
        | Type::Int64
        | Type::Float64
        | Type::Uuid => {
            let d = default_expr(msg, f);
            return quote!(crate::testing::NonDefault::non_default(#d));
        }
        Type::String => quote!(crate::ByteString::from_static("absent")),
        Type::Bytes | Type::Records => quote!(::bytes::Bytes::from_static(b"absent")),
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            quote!(<#id as crate::testing::Populate>::populated(#w))
        }
        Type::Array(inner) => {
            let t = rust_type(msg, inner);
            let e = match inner.as_ref() {
                Type::Struct(i) => {
                    let id = struct_ident(msg, *i);
                    quote!(<#id as crate::testing::Populate>::populated(#w))
                }
                _ => quote!(<#t as ::core::default::Default>::default()),
            };
            quote!(::std::vec![#e])
        }
    };
    // `null` is the non-default value of a field whose default is not null.
    if f.is_optional() {
        if f.default == crate::model::DefaultValue::Null {
            quote!(::core::option::Option::Some(#plain))
        } else {
            quote!(::core::option::Option::None)
        }
    } else {
        plain
    }
}

/// Emits `impl AbsentCases` for struct `idx`.
pub fn emit_absent_cases(msg: &Message, idx: usize, out: &mut TokenStream) {
    let s = &msg.structs[idx];
    let id = struct_ident(msg, idx);
    let ctx = &s.versions;
    let mut cases = Vec::new();
    for f in &s.fields {
        let fid = field_ident(f);
        let name = &f.name;
        let ignorable = f.ignorable;
        let present = f.versions.intersect(ctx);
        // Own field, absent in some versions of the struct.
        let absent = ctx.subtract(&f.versions);
        if let Some(w) = present.lowest()
            && !absent.is_empty()
        {
            let cond = Cond::new(&absent, ctx);
            let v = non_default_value(msg, f, w);
            cases.push(cond.guard(quote! {
                let mut value = Self::default();
                value.#fid = #v;
                out.push(crate::testing::AbsentCase { field: #name, ignorable: #ignorable, value, expected: Self::default() });
            }));
        }
        // A child struct's cases, wrapped in this field where it is present.
        if let Some(child) = crate::model::struct_of(&f.ty) {
            let cid = struct_ident(msg, child);
            let wrap = |x: TokenStream| match (&f.ty, f.is_optional()) {
                (Type::Struct(_), false) => x,
                (Type::Struct(_), true) => quote!(::core::option::Option::Some(#x)),
                (_, false) => quote!(::std::vec![#x]),
                (_, true) => quote!(::core::option::Option::Some(::std::vec![#x])),
            };
            let (wv, we) = (wrap(quote!(case.value)), wrap(quote!(case.expected)));
            let cond = Cond::new(&present, ctx);
            cases.push(cond.guard(quote! {
                for case in <#cid as crate::testing::AbsentCases>::absent_cases(version) {
                    let mut value = Self::default();
                    value.#fid = #wv;
                    let mut expected = Self::default();
                    expected.#fid = #we;
                    out.push(crate::testing::AbsentCase { field: case.field, ignorable: case.ignorable, value, expected });
                }
            }));
        }
    }
    let body = if cases.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote! {
            let mut out = ::std::vec::Vec::new();
            #(#cases)*
            out
        }
    };
    out.extend(quote! {
        #[cfg(test)]
        impl crate::testing::AbsentCases for #id {
            #[allow(clippy::field_reassign_with_default, unused_mut)]
            fn absent_cases(version: i16) -> ::std::vec::Vec<crate::testing::AbsentCase<Self>> {
                let _ = version;
                #body
            }
        }
    });
}
