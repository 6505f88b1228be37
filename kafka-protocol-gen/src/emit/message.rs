//! One Rust module per message: the struct for the message and its nested
//! structs, `Default` from the schema defaults, and the wire code.

use super::cond::Cond;
use super::doc;
use crate::model::{DefaultValue, Field, Message, MessageKind, Struct, Type, struct_of};
use crate::versions::VersionSet;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

/// The identifier of a field (raw identifiers for keywords).
pub fn field_ident(f: &Field) -> Ident {
    match f.ident.strip_prefix("r#") {
        Some(bare) => Ident::new_raw(bare, Span::call_site()),
        None => Ident::new(&f.ident, Span::call_site()),
    }
}

/// The local variable a decoder uses for a field.
fn local_ident(f: &Field) -> Ident {
    format_ident!("f_{}", f.ident.trim_start_matches("r#"))
}

fn struct_ident(msg: &Message, i: usize) -> Ident {
    Ident::new(&msg.structs[i].name, Span::call_site())
}

/// The Rust type of a value of `ty` (never an `Option`).
pub fn rust_type(msg: &Message, ty: &Type) -> TokenStream {
    match ty {
        Type::Bool => quote!(bool),
        Type::Int8 => quote!(i8),
        Type::Int16 => quote!(i16),
        Type::Uint16 => quote!(u16),
        Type::Int32 => quote!(i32),
        Type::Uint32 => quote!(u32),
        Type::Int64 => quote!(i64),
        Type::Float64 => quote!(f64),
        Type::String => quote!(crate::ByteString),
        Type::Bytes | Type::Records => quote!(::bytes::Bytes),
        Type::Uuid => quote!(crate::Uuid),
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            quote!(#id)
        }
        Type::Array(inner) => {
            let t = rust_type(msg, inner);
            quote!(::std::vec::Vec<#t>)
        }
    }
}

fn field_type(msg: &Message, f: &Field) -> TokenStream {
    let t = rust_type(msg, &f.ty);
    if f.is_optional() {
        quote!(::core::option::Option<#t>)
    } else {
        t
    }
}

fn int_literal(ty: &Type, v: i64) -> TokenStream {
    let lit = match ty {
        Type::Int8 => Literal::i8_suffixed(v as i8),
        Type::Int16 => Literal::i16_suffixed(v as i16),
        Type::Uint16 => Literal::u16_suffixed(v as u16),
        Type::Int32 => Literal::i32_suffixed(v as i32),
        Type::Uint32 => Literal::u32_suffixed(v as u32),
        _ => Literal::i64_suffixed(v),
    };
    quote!(#lit)
}

/// The default value of a field, as an expression of its Rust type.
pub fn default_expr(msg: &Message, f: &Field) -> TokenStream {
    let plain = match (&f.default, &f.ty) {
        (DefaultValue::Null, _) => return quote!(::core::option::Option::None),
        (DefaultValue::Bool(b), _) => quote!(#b),
        (DefaultValue::Int(i), ty) => int_literal(ty, *i),
        (DefaultValue::Float(x), _) => {
            let l = Literal::f64_suffixed(*x);
            quote!(#l)
        }
        (DefaultValue::Str(s), _) => quote!(crate::ByteString::from_static(#s)),
        (DefaultValue::Uuid(b), _) => quote!(crate::Uuid::from_bytes([#(#b),*])),
        (DefaultValue::Empty, Type::Bytes | Type::Records) => quote!(::bytes::Bytes::new()),
        (DefaultValue::Empty, Type::Array(inner)) => {
            let t = rust_type(msg, inner);
            quote!(::std::vec::Vec::<#t>::new())
        }
        (DefaultValue::Empty, Type::Struct(i)) => {
            let id = struct_ident(msg, *i);
            quote!(<#id as ::core::default::Default>::default())
        }
        (DefaultValue::Empty, ty) => {
            // Only reachable for types whose default is not "empty"; keep it total.
            let t = rust_type(msg, ty);
            quote!(<#t as ::core::default::Default>::default())
        }
    };
    if f.is_optional() {
        quote!(::core::option::Option::Some(#plain))
    } else {
        plain
    }
}

fn contains_float(msg: &Message, ty: &Type, seen: &mut Vec<usize>) -> bool {
    match ty {
        Type::Float64 => true,
        Type::Array(inner) => contains_float(msg, inner, seen),
        Type::Struct(i) => {
            if seen.contains(i) {
                return false;
            }
            seen.push(*i);
            msg.structs[*i]
                .fields
                .iter()
                .any(|f| contains_float(msg, &f.ty, seen))
        }
        _ => false,
    }
}

/// An expression that is true when field `f` (as `self.x`) differs from its default.
fn differs_from_default(msg: &Message, f: &Field) -> TokenStream {
    let id = field_ident(f);
    value_differs_from_default(msg, f, quote!(self.#id))
}

/// An expression that is true when `value` (a place of field `f`'s type)
/// differs from the field's default.
fn value_differs_from_default(msg: &Message, f: &Field, value: TokenStream) -> TokenStream {
    match (&f.default, f.is_optional()) {
        (DefaultValue::Null, _) => quote!(#value.is_some()),
        (DefaultValue::Bool(false), false) => quote!(#value),
        (DefaultValue::Bool(true), false) => quote!(!#value),
        (DefaultValue::Empty, false)
            if matches!(f.ty, Type::Array(_) | Type::Bytes | Type::Records) =>
        {
            quote!(!#value.is_empty())
        }
        _ => {
            let dv = default_expr(msg, f);
            quote!(#value != #dv)
        }
    }
}

/// The name of the serde `skip_serializing_if` function of a field that is
/// tagged in some versions.
fn json_skip_ident(f: &Field) -> Ident {
    format_ident!("__json_skip_{}", f.ident.trim_start_matches("r#"))
}

/// For the fields tagged in some versions: functions that tell serde to
/// leave the field out when `AtVersion` writes a version in which it is
/// tagged and it holds its default, as Kafka's JSON converters do (and as
/// the wire does).
fn emit_json_skips(msg: &Message, idx: usize) -> TokenStream {
    let s: &Struct = &msg.structs[idx];
    let id = struct_ident(msg, idx);
    let fns: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| !f.tagged.is_empty())
        .map(|f| {
            let name = json_skip_ident(f);
            let ty = field_type(msg, f);
            let tagged = Cond::new(&f.tagged, &s.versions).expr();
            let differs = value_differs_from_default(msg, f, quote!((*value)));
            quote! {
                fn #name(value: &#ty) -> bool {
                    match crate::serde_impl::json_version() {
                        ::core::option::Option::Some(version) => (#tagged) && !(#differs),
                        ::core::option::Option::None => false,
                    }
                }
            }
        })
        .collect();
    if fns.is_empty() {
        return quote!();
    }
    quote! {
        #[cfg(feature = "serde")]
        #[allow(clippy::nonminimal_bool, clippy::bool_comparison, clippy::double_parens, unused_variables)]
        impl #id {
            #(#fns)*
        }
    }
}

/// Whether `Default` can be derived: every field's default is its type's.
fn default_is_derivable(f: &Field) -> bool {
    match (&f.default, f.is_optional()) {
        (DefaultValue::Null, true) => true,
        (_, true) => false,
        (DefaultValue::Bool(b), _) => !b,
        (DefaultValue::Int(i), _) => *i == 0,
        (DefaultValue::Float(x), _) => *x == 0.0 && x.is_sign_positive(),
        (DefaultValue::Str(s), _) => s.is_empty(),
        (DefaultValue::Uuid(b), _) => b.iter().all(|&x| x == 0),
        (DefaultValue::Empty, _) => true,
        (DefaultValue::Null, false) => false,
    }
}

/// Minimum wire size of one array element (Java requires count <= remaining).
fn min_elem_len(ty: &Type, compact: bool) -> usize {
    match ty {
        Type::String => {
            if compact {
                1
            } else {
                2
            }
        }
        Type::Bytes | Type::Records => {
            if compact {
                1
            } else {
                4
            }
        }
        t => t.fixed_width().unwrap_or(1),
    }
}

// ---------------------------------------------------------------- decoding

/// The reader function of a fixed-width primitive.
fn primitive_reader(ty: &Type) -> Option<TokenStream> {
    Some(match ty {
        Type::Bool => quote!(crate::codec::read_bool),
        Type::Int8 => quote!(crate::codec::read_i8),
        Type::Int16 => quote!(crate::codec::read_i16),
        Type::Uint16 => quote!(crate::codec::read_u16),
        Type::Int32 => quote!(crate::codec::read_i32),
        Type::Uint32 => quote!(crate::codec::read_u32),
        Type::Int64 => quote!(crate::codec::read_i64),
        Type::Float64 => quote!(crate::codec::read_f64),
        Type::Uuid => quote!(crate::codec::read_uuid),
        _ => return None,
    })
}

/// For a fixed-width type, the function from its big-endian bytes to its
/// value (arrays of these are read from one slice); `bool` is left out (any
/// non-zero byte is true, a rule of its own).
fn fixed_width(ty: &Type) -> Option<TokenStream> {
    Some(match ty {
        Type::Int8 => quote!(i8::from_be_bytes),
        Type::Int16 => quote!(i16::from_be_bytes),
        Type::Uint16 => quote!(u16::from_be_bytes),
        Type::Int32 => quote!(i32::from_be_bytes),
        Type::Uint32 => quote!(u32::from_be_bytes),
        Type::Int64 => quote!(i64::from_be_bytes),
        Type::Float64 => quote!(f64::from_be_bytes),
        Type::Uuid => quote!(crate::Uuid::from_bytes),
        _ => return None,
    })
}

/// Reads one non-null element of `ty` from reader `r`.
fn read_elem(msg: &Message, ty: &Type, compact: &TokenStream, r: &Ident) -> TokenStream {
    if let Some(f) = primitive_reader(ty) {
        return quote!(#f(#r));
    }
    match ty {
        Type::String => {
            quote!(crate::codec::read_string(#r, #compact).and_then(crate::codec::non_null))
        }
        Type::Bytes | Type::Records => {
            quote!(crate::codec::read_bytes(#r, #compact).and_then(crate::codec::non_null))
        }
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            quote!(<#id as crate::codec::Wire>::read(#r, version))
        }
        Type::Array(inner) => {
            let n = read_nullable(msg, &Type::Array(inner.clone()), compact, r, false);
            quote!(#n.and_then(crate::codec::non_null))
        }
        // Fixed-width types were handled above.
        _ => quote!(),
    }
}

/// Reads a possibly-null value: `Result<Option<T>>` for nullable kinds.
fn read_nullable(
    msg: &Message,
    ty: &Type,
    compact: &TokenStream,
    r: &Ident,
    tagged: bool,
) -> TokenStream {
    match ty {
        Type::String => quote!(crate::codec::read_string(#r, #compact)),
        Type::Bytes | Type::Records => quote!(crate::codec::read_bytes(#r, #compact)),
        Type::Array(inner) => {
            if let Some(conv) = fixed_width(inner) {
                return quote!(crate::codec::read_fixed_array(#r, #compact, #conv));
            }
            let min = min_elem_len(inner, false);
            let min_c = min_elem_len(inner, true);
            let elem = match primitive_reader(inner) {
                Some(f) => f,
                None => {
                    let e = read_elem(msg, inner, compact, &format_ident!("r"));
                    quote!(|r| #e)
                }
            };
            let min_expr = if min == min_c {
                quote!(#min)
            } else {
                quote!(if #compact { #min_c } else { #min })
            };
            quote!(crate::codec::read_array(#r, #compact, #min_expr, #elem))
        }
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            if tagged {
                quote!(crate::codec::read_tagged_nullable_struct(#r, |r| <#id as crate::codec::Wire>::read(r, version)))
            } else {
                quote!(crate::codec::read_nullable_struct(#r, |r| <#id as crate::codec::Wire>::read(r, version)))
            }
        }
        other => {
            let e = read_elem(msg, other, compact, r);
            quote!(#e.map(::core::option::Option::Some))
        }
    }
}

/// Reads a field's value where it is present; `ctx` is the set of versions in
/// which this read happens.
fn read_field(msg: &Message, f: &Field, ctx: &VersionSet, r: &Ident, tagged: bool) -> TokenStream {
    let compact = Cond::new(&f.compact, ctx).expr();
    let name = &f.name;
    let nullable = Cond::new(&f.nullable, ctx);
    let is_struct = matches!(f.ty, Type::Struct(_));
    let value = if !f.ty.can_be_nullable() {
        read_elem(msg, &f.ty, &compact, r)
    } else if f.is_optional() {
        match (&nullable, is_struct) {
            (Cond::Never, _) => {
                let e = read_elem(msg, &f.ty, &compact, r);
                quote!(#e.map(::core::option::Option::Some))
            }
            (Cond::Always, _) => read_nullable(msg, &f.ty, &compact, r, tagged),
            (Cond::When(t), true) => {
                let n = read_nullable(msg, &f.ty, &compact, r, tagged);
                let e = read_elem(msg, &f.ty, &compact, r);
                quote!(if #t { #n } else { #e.map(::core::option::Option::Some) })
            }
            (Cond::When(t), false) => {
                let n = read_nullable(msg, &f.ty, &compact, r, tagged);
                quote!(#n.and_then(|v| crate::codec::null_check(v, #t)))
            }
        }
    } else {
        read_elem(msg, &f.ty, &compact, r)
    };
    quote!(crate::codec::at(#value, #name)?)
}

// ---------------------------------------------------------------- encoding

/// Writing one non-null value: `val` is the value (for `Copy` types), `v` a
/// reference to it. Returns the expression and whether it is a `Result`.
fn write_elem(
    msg: &Message,
    ty: &Type,
    val: &TokenStream,
    v: &TokenStream,
    compact: &TokenStream,
) -> (TokenStream, bool) {
    let e = match ty {
        Type::Bool => quote!(crate::codec::write_bool(w, #val)),
        Type::Int8 => quote!(crate::codec::write_i8(w, #val)),
        Type::Int16 => quote!(crate::codec::write_i16(w, #val)),
        Type::Uint16 => quote!(crate::codec::write_u16(w, #val)),
        Type::Int32 => quote!(crate::codec::write_i32(w, #val)),
        Type::Uint32 => quote!(crate::codec::write_u32(w, #val)),
        Type::Int64 => quote!(crate::codec::write_i64(w, #val)),
        Type::Float64 => quote!(crate::codec::write_f64(w, #val)),
        Type::Uuid => quote!(crate::codec::write_uuid(w, #v)),
        Type::String => {
            return (
                quote!(crate::codec::write_string(w, ::core::option::Option::Some(#v), #compact)),
                true,
            );
        }
        Type::Bytes | Type::Records => {
            return (
                quote!(crate::codec::write_bytes(w, ::core::option::Option::Some(#v), #compact)),
                true,
            );
        }
        Type::Struct(_) => return (quote!(crate::codec::Wire::write(#v, w, version)), true),
        Type::Array(inner) => {
            let body = elem_closure_body(msg, inner, compact);
            return (
                quote!(crate::codec::write_array(w, ::core::option::Option::Some(#v), #compact, |w, e| #body)),
                true,
            );
        }
    };
    (e, false)
}

/// The body of the closure writing one array element `e`.
fn elem_closure_body(msg: &Message, inner: &Type, compact: &TokenStream) -> TokenStream {
    let (e, fallible) = write_elem(msg, inner, &quote!(*e), &quote!(e), compact);
    if fallible { e } else { quote!({ #e; Ok(()) }) }
}

/// A write expression as a statement, with the field name on its errors.
fn stmt(e: TokenStream, fallible: bool, name: &str) -> TokenStream {
    if fallible {
        quote!(crate::codec::enc_at(#e, #name)?;)
    } else {
        quote!(#e;)
    }
}

/// An expression of the wire length of one non-null value `v` (type `&T`).
fn len_elem(ty: &Type, v: &TokenStream, compact: &TokenStream) -> TokenStream {
    if let Some(n) = ty.fixed_width() {
        return quote!(#n);
    }
    match ty {
        Type::String => {
            quote!(crate::codec::string_len(::core::option::Option::Some(#v), #compact))
        }
        Type::Bytes | Type::Records => {
            quote!(crate::codec::bytes_len(::core::option::Option::Some(#v), #compact))
        }
        Type::Struct(_) => quote!(crate::codec::Wire::wire_len(#v, version)),
        Type::Array(inner) => {
            if let Some(width) = inner.fixed_width() {
                return quote!(crate::codec::fixed_array_len(::core::option::Option::Some(#v), #compact, #width));
            }
            let e = len_elem(inner, &quote!(e), compact);
            quote!(crate::codec::array_len(::core::option::Option::Some(#v), #compact, |e| #e))
        }
        _ => quote!(0usize),
    }
}

/// Statements writing field `f` (value `self.x`) in a version set `ctx` where it is present.
fn write_field(msg: &Message, f: &Field, ctx: &VersionSet, tagged: bool) -> TokenStream {
    let id = field_ident(f);
    let name = &f.name;
    let compact = Cond::new(&f.compact, ctx).expr();
    if !f.is_optional() {
        let (e, fallible) = write_elem(msg, &f.ty, &quote!(self.#id), &quote!(&self.#id), &compact);
        return stmt(e, fallible, name);
    }
    let nullable = Cond::new(&f.nullable, ctx);
    // The versions of `ctx` where null is not allowed, as their own condition
    // (no negation, so no operator-precedence traps).
    let not_nullable = Cond::new(&ctx.subtract(&f.nullable), ctx);
    let null_check = not_nullable.and_guard(
        quote!(self.#id.is_none()),
        quote!(return Err(crate::EncodeError::null_not_allowed(#name, version));),
    );
    let body = match &f.ty {
        Type::String => stmt(
            quote!(crate::codec::write_string(w, self.#id.as_ref(), #compact)),
            true,
            name,
        ),
        Type::Bytes | Type::Records => stmt(
            quote!(crate::codec::write_bytes(w, self.#id.as_ref(), #compact)),
            true,
            name,
        ),
        Type::Array(inner) => {
            let body = elem_closure_body(msg, inner, &compact);
            stmt(
                quote!(crate::codec::write_array(w, self.#id.as_ref(), #compact, |w, e| #body)),
                true,
                name,
            )
        }
        Type::Struct(_) => {
            let marker = if tagged {
                quote!(crate::codec::write_uvarint(w, u32::from(self.#id.is_some()));)
            } else {
                quote!(crate::codec::write_i8(w, if self.#id.is_some() { 1 } else { -1 });)
            };
            let marker = nullable.guard(marker);
            let inner = stmt(quote!(crate::codec::Wire::write(v, w, version)), true, name);
            quote! {
                #marker
                if let ::core::option::Option::Some(v) = &self.#id { #inner }
            }
        }
        // Fixed-width types are never optional (the model allows null only on
        // strings, bytes, records, arrays and structs).
        _ => quote!(),
    };
    quote!(#null_check #body)
}

/// The wire length of field `f` in a version set `ctx` where it is present.
fn len_field(f: &Field, ctx: &VersionSet) -> TokenStream {
    let id = field_ident(f);
    let compact = Cond::new(&f.compact, ctx).expr();
    if !f.is_optional() {
        return len_elem(&f.ty, &quote!(&self.#id), &compact);
    }
    let nullable = Cond::new(&f.nullable, ctx);
    match &f.ty {
        Type::String => quote!(crate::codec::string_len(self.#id.as_ref(), #compact)),
        Type::Bytes | Type::Records => quote!(crate::codec::bytes_len(self.#id.as_ref(), #compact)),
        Type::Array(inner) => {
            if let Some(width) = inner.fixed_width() {
                return quote!(crate::codec::fixed_array_len(self.#id.as_ref(), #compact, #width));
            }
            let e = len_elem(inner, &quote!(e), &compact);
            quote!(crate::codec::array_len(self.#id.as_ref(), #compact, |e| #e))
        }
        Type::Struct(_) => {
            let marker = match &nullable {
                Cond::Always => quote!(1usize),
                Cond::Never => quote!(0usize),
                Cond::When(t) => quote!(usize::from(#t)),
            };
            quote!(#marker + self.#id.as_ref().map_or(0, |v| crate::codec::Wire::wire_len(v, version)))
        }
        _ => quote!(0usize),
    }
}

// ---------------------------------------------------------------- structs

/// Kafka's JSON name of a field (its `JsonConverter`s): the schema name with
/// the first letter lower-cased.
pub fn json_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The serde attributes of a field under the `serde` feature: its JSON name,
/// and the representation of bytes (base64) and floats (non-finite as text).
fn field_serde_attr(f: &Field) -> TokenStream {
    let name = json_name(&f.name);
    let optional = f.is_optional();
    let with = match &f.ty {
        Type::Bytes | Type::Records if optional => Some("crate::serde_impl::opt_base64"),
        Type::Bytes | Type::Records => Some("crate::serde_impl::base64"),
        Type::Array(inner) if matches!(**inner, Type::Bytes | Type::Records) => Some(if optional {
            "crate::serde_impl::opt_vec_base64"
        } else {
            "crate::serde_impl::vec_base64"
        }),
        Type::Float64 if !optional => Some("crate::serde_impl::float"),
        _ => None,
    };
    let skip = if f.tagged.is_empty() {
        quote!()
    } else {
        let path = format!("Self::{}", json_skip_ident(f));
        quote!(, skip_serializing_if = #path)
    };
    match with {
        Some(w) => quote!(#[cfg_attr(feature = "serde", serde(rename = #name, with = #w #skip))]),
        None => quote!(#[cfg_attr(feature = "serde", serde(rename = #name #skip))]),
    }
}

/// The serde name of a generated struct: `module::Struct`.
fn json_struct_name(msg: &Message, idx: usize) -> String {
    format!("{}::{}", msg.module, msg.structs[idx].name)
}

/// `json_field_in_version(structure, field, version)`: whether the JSON
/// field `field` of the struct whose serde name is `structure` exists in
/// `version` (`None` for names this message does not have).
fn emit_json_versions(msg: &Message) -> TokenStream {
    let mut arms = Vec::new();
    for (idx, st) in msg.structs.iter().enumerate() {
        let structure = json_struct_name(msg, idx);
        for f in &st.fields {
            let field = json_name(&f.name);
            let cond = Cond::new(&f.versions, &st.versions).expr();
            arms.push(quote!((#structure, #field) => #cond,));
        }
    }
    let body = if arms.is_empty() {
        quote! {
            let _ = (structure, field, version);
            ::core::option::Option::None
        }
    } else {
        quote! {
            ::core::option::Option::Some(match (structure, field) {
                #(#arms)*
                _ => return ::core::option::Option::None,
            })
        }
    };
    quote! {
        /// Whether a JSON field of a struct of this message exists in a
        /// version (see `serde_impl::Versioned`).
        #[cfg(feature = "serde")]
        #[allow(unused_variables)]
        pub(crate) fn json_field_in_version(
            structure: &str,
            field: &str,
            version: i16,
        ) -> ::core::option::Option<bool> {
            #body
        }
    }
}

fn doc_attr(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(|l| format!(" {l}")).collect();
    quote!(#(#[doc = #lines])*)
}

fn emit_struct(msg: &Message, idx: usize, out: &mut TokenStream) {
    let s: &Struct = &msg.structs[idx];
    let ctx = &s.versions;
    let id = struct_ident(msg, idx);
    let has_tags = !msg.flexible.intersect(ctx).is_empty();
    let derive_eq = !contains_float(msg, &Type::Struct(idx), &mut Vec::new());
    let struct_doc = doc_attr(&doc::struct_doc(msg, idx));

    // Declaration.
    let mut decls = Vec::new();
    let mut defaults = Vec::new();
    for f in &s.fields {
        let fid = field_ident(f);
        let ty = field_type(msg, f);
        let d = doc_attr(&doc::field_doc(msg, f));
        let serde = field_serde_attr(f);
        decls.push(quote!(#d #serde pub #fid: #ty,));
        let dv = default_expr(msg, f);
        defaults.push(quote!(#fid: #dv,));
    }
    if has_tags {
        decls.push(quote! {
            /// Tagged fields this version of the codec does not know, kept in tag order
            /// and written back where they belong.
            #[cfg_attr(feature = "serde", serde(rename = "_unknownTaggedFields", skip_serializing_if = "::std::vec::Vec::is_empty"))]
            pub unknown_tagged_fields: ::std::vec::Vec<crate::RawTaggedField>,
        });
        defaults.push(quote!(unknown_tagged_fields: ::std::vec::Vec::new(),));
    }
    let eq = if derive_eq { quote!(, Eq) } else { quote!() };
    // The container name is what `serde_impl::Versioned` looks fields up by:
    // unique across messages (nested struct names repeat between them).
    let serde_name = json_struct_name(msg, idx);
    let serde = quote! {
        #[cfg_attr(
            feature = "serde",
            derive(::serde::Serialize, ::serde::Deserialize),
            serde(default, deny_unknown_fields, rename = #serde_name)
        )]
    };
    if s.fields.iter().all(default_is_derivable) {
        out.extend(quote! {
            #struct_doc
            #[derive(Debug, Clone, Default, PartialEq #eq)]
            #serde
            #[non_exhaustive]
            pub struct #id { #(#decls)* }
        });
    } else {
        out.extend(quote! {
            #struct_doc
            #[derive(Debug, Clone, PartialEq #eq)]
            #serde
            #[non_exhaustive]
            pub struct #id { #(#decls)* }

            impl ::core::default::Default for #id {
                fn default() -> Self { Self { #(#defaults)* } }
            }
        });
    }

    // Builder-style setters: the structs are `#[non_exhaustive]` (Kafka adds
    // fields), so users outside the crate build values from `Default`.
    let setters: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let fid = field_ident(f);
            let with = format_ident!("with_{}", f.ident.trim_start_matches("r#"));
            let ty = field_type(msg, f);
            let doc = format!(
                " Sets `{}` (Kafka field `{}`) and returns the value.",
                f.ident.trim_start_matches("r#"),
                f.name
            );
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #with(mut self, value: #ty) -> Self {
                    self.#fid = value;
                    self
                }
            }
        })
        .collect();
    let unknown_setter = if has_tags {
        quote! {
            /// Sets the unknown tagged fields (strictly ascending tags) and returns the value.
            #[must_use]
            pub fn with_unknown_tagged_fields(mut self, value: ::std::vec::Vec<crate::RawTaggedField>) -> Self {
                self.unknown_tagged_fields = value;
                self
            }
        }
    } else {
        quote!()
    };
    out.extend(quote! {
        impl #id {
            #(#setters)*
            #unknown_setter
        }
    });

    // Encoding, length and decoding.
    let mut writes = Vec::new();
    let mut lens = Vec::new();
    let mut reads = Vec::new();
    let mut locals = Vec::new();
    let r = format_ident!("r");
    for f in &s.fields {
        let fid = field_ident(f);
        let local = local_ident(f);
        let name = &f.name;
        let mandatory = f.mandatory().intersect(ctx);
        let present = Cond::new(&mandatory, ctx);
        // Write and length where present and untagged.
        writes.push(present.guard(write_field(msg, f, &mandatory, false)));
        let l = len_field(f, &mandatory);
        lens.push(present.guard(quote!(n += #l;)));
        // A value the version cannot carry.
        let absent = Cond::new(&ctx.subtract(&f.versions), ctx);
        if !f.ignorable && !absent.is_never() {
            let test = differs_from_default(msg, f);
            writes.push(absent.and_guard(
                test,
                quote!(return Err(crate::EncodeError::non_default(#name, version));),
            ));
        }
        // Read.
        let read = read_field(msg, f, &mandatory, &r, false);
        let dv = default_expr(msg, f);
        let tagged_somewhere = !f.tagged.intersect(ctx).is_empty();
        let mutability = if tagged_somewhere {
            quote!(mut)
        } else {
            quote!()
        };
        let init = match &present {
            Cond::Always => read,
            Cond::Never => dv,
            Cond::When(t) => quote!(if #t { #read } else { #dv }),
        };
        reads.push(quote!(let #mutability #local = #init;));
        locals.push(quote!(#fid: #local,));
    }

    // Tag section.
    if has_tags {
        let flex = Cond::new(&msg.flexible, ctx);
        let fctx = msg.flexible.intersect(ctx);
        let mut tagged: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| !f.tagged.intersect(ctx).is_empty())
            .collect();
        tagged.sort_by_key(|f| f.tag);
        let count_mut = if tagged.is_empty() {
            quote!()
        } else {
            quote!(mut)
        };
        let mut count = Vec::new();
        let mut body_len = Vec::new();
        let mut body_write = Vec::new();
        let mut arms = Vec::new();
        let mut free = Vec::new();
        for f in &tagged {
            let local = local_ident(f);
            let name = &f.name;
            let tset = f.tagged.intersect(ctx);
            // The tag section exists only in flexible versions: judge the tag there.
            let tc = Cond::new(&tset, &fctx);
            let tag = f.tag.unwrap_or_default();
            let differs = differs_from_default(msg, f);
            let cond = match &tc {
                Cond::When(_) => {
                    let op = tc.operand();
                    quote!(#op && #differs)
                }
                _ => differs,
            };
            let len = len_field(f, &tset);
            let write = write_field(msg, f, &tset, true);
            count.push(quote!(if #cond { count += 1; }));
            body_len.push(quote! {
                if #cond { let l = #len; n += crate::codec::uvarint_len(#tag) + crate::codec::uvarint_len_usize(l) + l; }
            });
            body_write.push(quote! {
                if #cond {
                    crate::codec::write_unknown_until(w, &self.unknown_tagged_fields, &mut next_unknown, #tag);
                    crate::codec::write_uvarint(w, #tag);
                    crate::codec::write_size(w, #len)?;
                    #write
                }
            });
            // Kafka rejects a known tag in a version where it is not valid, so an
            // unknown field may not use any tag the struct defines in any version.
            free.push(quote!(crate::codec::check_tag_free(&self.unknown_tagged_fields, #tag)?;));
            let read = read_field(msg, f, &tset, &format_ident!("r"), true);
            // Read in place, whatever size the tag declares (Kafka's reader
            // does the same).
            let set = quote! {{ #local = #read; }};
            match &tc {
                Cond::Always => arms.push(quote!(#tag => #set)),
                Cond::Never => {}
                Cond::When(t) => {
                    arms.push(quote!(#tag if #t => #set));
                }
            }
            if !tc.is_always() {
                arms.push(quote!(#tag => return Err(crate::DecodeError::tag_not_valid(#tag, version).at(#name)),));
            }
        }
        let push_unknown =
            quote!(unknown_tagged_fields.push(crate::codec::read_unknown_tag(r, tag, size)?));
        let dispatch = if arms.is_empty() {
            quote!(#push_unknown;)
        } else {
            quote!(match tag { #(#arms)* _ => #push_unknown, })
        };
        writes.push(flex.guard(quote! {
            crate::codec::check_unknown_order(&self.unknown_tagged_fields)?;
            #(#free)*
            let #count_mut count = self.unknown_tagged_fields.len();
            #(#count)*
            crate::codec::write_size(w, count)?;
            let mut next_unknown = 0usize;
            #(#body_write)*
            crate::codec::write_unknown_until(w, &self.unknown_tagged_fields, &mut next_unknown, u32::MAX);
        }));
        let not_flex = Cond::new(&ctx.subtract(&msg.flexible), ctx);
        writes.push(not_flex.and_guard(
            quote!(!self.unknown_tagged_fields.is_empty()),
            quote!(return Err(crate::EncodeError::tagged_fields_unsupported(version));),
        ));
        lens.push(flex.guard(quote! {
            let #count_mut count = self.unknown_tagged_fields.len();
            #(#count)*
            n += crate::codec::uvarint_len_usize(count) + crate::codec::unknown_len(&self.unknown_tagged_fields);
            #(#body_len)*
        }));
        let unknown_mut = if flex.is_never() {
            quote!()
        } else {
            quote!(mut)
        };
        reads.push(quote!(let #unknown_mut unknown_tagged_fields = ::std::vec::Vec::new();));
        reads.push(flex.guard(quote! {
            let count = crate::codec::read_tag_count(r)?;
            for _ in 0..count {
                let (tag, size) = crate::codec::read_tag(r)?;
                #dispatch
            }
        }));
        locals.push(quote!(unknown_tagged_fields,));
    }

    let lens_mut = if lens.iter().all(|l| l.is_empty()) {
        quote!()
    } else {
        quote!(mut)
    };
    let version_used_w = quote!(let _ = version;);
    out.extend(quote! {
        impl crate::codec::Wire for #id {
            fn write(&self, w: &mut ::bytes::BytesMut, version: i16) -> ::core::result::Result<(), crate::EncodeError> {
                #version_used_w
                #(#writes)*
                Ok(())
            }
            fn wire_len(&self, version: i16) -> usize {
                #version_used_w
                let #lens_mut n = 0usize;
                #(#lens)*
                n
            }
            fn read(r: &mut ::bytes::Bytes, version: i16) -> ::core::result::Result<Self, crate::DecodeError> {
                #version_used_w
                let _ = &r;
                #(#reads)*
                Ok(Self { #(#locals)* })
            }
        }
    });
}

// ---------------------------------------------------------------- test values

/// `#[cfg(test)]` constructors of a value with every field present in a version
/// set to a non-default value.
fn emit_populate(msg: &Message, idx: usize, out: &mut TokenStream) {
    let s = &msg.structs[idx];
    let id = struct_ident(msg, idx);
    let ctx = &s.versions;
    let mut sets = Vec::new();
    for f in &s.fields {
        let fid = field_ident(f);
        let present = Cond::new(&f.versions.intersect(ctx), ctx);
        let v = populate_value(msg, &f.ty, &default_expr(msg, f), f.is_optional());
        sets.push(present.guard(quote!(value.#fid = #v;)));
    }
    if !msg.flexible.intersect(ctx).is_empty() {
        let flex = Cond::new(&msg.flexible, ctx);
        sets.push(
            flex.guard(quote!(value.unknown_tagged_fields = crate::testing::unknown_tags();)),
        );
    }
    out.extend(quote! {
        #[cfg(test)]
        impl crate::testing::Populate for #id {
            #[allow(clippy::field_reassign_with_default)]
            fn populated(version: i16) -> Self {
                let _ = version;
                #[allow(unused_mut)]
                let mut value = Self::default();
                #(#sets)*
                value
            }
        }
    });
}

fn populate_value(msg: &Message, ty: &Type, default: &TokenStream, optional: bool) -> TokenStream {
    let plain = match ty {
        Type::Bool
        | Type::Int8
        | Type::Int16
        | Type::Uint16
        | Type::Int32
        | Type::Uint32
        | Type::Int64
        | Type::Float64
        | Type::Uuid => {
            return quote!(crate::testing::NonDefault::non_default(#default));
        }
        Type::String => quote!(crate::ByteString::from_static("populated ✓")),
        Type::Bytes | Type::Records => {
            quote!(::bytes::Bytes::from_static(b"\x00\x01\x02populated"))
        }
        Type::Struct(i) => {
            let id = struct_ident(msg, *i);
            quote!(<#id as crate::testing::Populate>::populated(version))
        }
        Type::Array(inner) => {
            let e = populate_elem(msg, inner);
            quote!(::std::vec![#e, #e])
        }
    };
    if optional {
        quote!(::core::option::Option::Some(#plain))
    } else {
        plain
    }
}

fn populate_elem(msg: &Message, ty: &Type) -> TokenStream {
    match ty {
        Type::Bool => quote!(true),
        Type::Int8 => quote!(-7i8),
        Type::Int16 => quote!(-300i16),
        Type::Uint16 => quote!(65000u16),
        Type::Int32 => quote!(70000i32),
        Type::Uint32 => quote!(4_000_000_000u32),
        Type::Int64 => quote!(-5_000_000_000i64),
        Type::Float64 => quote!(2.5f64),
        Type::Uuid => quote!(crate::Uuid::from_bytes([7u8; 16])),
        other => populate_value(msg, other, &quote!(Default::default()), false),
    }
}

// ---------------------------------------------------------------- module

/// The code of one message module.
pub fn emit_module(msg: &Message, partner: Option<&Message>, base: &syn::Path) -> TokenStream {
    let mut body = TokenStream::new();
    for i in 0..msg.structs.len() {
        emit_struct(msg, i, &mut body);
        body.extend(emit_json_skips(msg, i));
        emit_populate(msg, i, &mut body);
        super::strategy::emit_generate(msg, i, &mut body);
        super::strategy::emit_absent_cases(msg, i, &mut body);
    }
    let id = struct_ident(msg, 0);
    let name = &msg.name;
    let lo = msg.valid.lowest().unwrap_or(0);
    let hi = msg.valid.highest().unwrap_or(0);
    let flex = match msg.flexible.lowest() {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let unstable = if msg.latest_unstable {
        quote!(::core::option::Option::Some(#hi))
    } else {
        quote!(::core::option::Option::None)
    };
    body.extend(quote! {
        impl crate::Message for #id {
            const NAME: &'static str = #name;
            const VERSIONS: crate::VersionRange = crate::VersionRange::new(#lo, #hi);
            const FLEXIBLE_FROM: ::core::option::Option<i16> = #flex;
            const UNSTABLE_VERSION: ::core::option::Option<i16> = #unstable;
        }
    });
    if let (Some(partner), MessageKind::Request | MessageKind::Response) = (partner, msg.kind) {
        let api = Ident::new(&super::api_const(msg), Span::call_site());
        let (tr, other) = match msg.kind {
            MessageKind::Request => (quote!(Request), quote!(Response)),
            _ => (quote!(Response), quote!(Request)),
        };
        let other_ty = Ident::new(&partner.name, Span::call_site());
        let other_mod = Ident::new(&partner.module, Span::call_site());
        body.extend(quote! {
            impl crate::#tr for #id {
                const API_KEY: crate::ApiKey = crate::ApiKey::#api;
                type #other = #base::#other_mod::#other_ty;
            }
        });
    }
    body.extend(emit_json_versions(msg));
    let _ = struct_of;
    body
}
