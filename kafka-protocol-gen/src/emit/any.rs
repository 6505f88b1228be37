//! The any-message enums: `AnyRequest` and `AnyResponse`, one variant per API
//! (named after it: `Produce(ProduceRequest)`), so a proxy can decode, encode
//! and inspect any body without a match of its own.

use super::api_name;
use crate::SchemaSet;
use crate::model::{Message, MessageKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// Emits `AnyRequest` and `AnyResponse` over every request and response with
/// an API key in `set`; message types are named under `base` (`crate::messages`).
pub fn emit_any(set: &SchemaSet, base: &syn::Path) -> TokenStream {
    let mut out = TokenStream::new();
    for kind in [MessageKind::Request, MessageKind::Response] {
        let mut msgs: Vec<&Message> = set
            .messages
            .iter()
            .filter(|m| m.kind == kind && m.api_key.is_some())
            .collect();
        msgs.sort_by_key(|m| m.api_key);
        out.extend(emit_enum(kind, &msgs, base));
    }
    out
}

fn emit_enum(kind: MessageKind, msgs: &[&Message], base: &syn::Path) -> TokenStream {
    let (enum_name, what, other) = if kind == MessageKind::Request {
        ("AnyRequest", "request", "Response")
    } else {
        ("AnyResponse", "response", "Request")
    };
    let any = Ident::new(enum_name, Span::call_site());
    let mut variants = TokenStream::new();
    let mut decode_arms = TokenStream::new();
    let mut encode_arms = TokenStream::new();
    let mut len_arms = TokenStream::new();
    let mut key_arms = TokenStream::new();
    let mut name_arms = TokenStream::new();
    let mut default_arms = TokenStream::new();
    let mut from_impls = TokenStream::new();
    for m in msgs {
        let key = m.api_key.unwrap_or_default();
        let variant = Ident::new(api_name(m), Span::call_site());
        let ty = Ident::new(&m.name, Span::call_site());
        let doc = format!(" `{}` (API key {key}), versions {}.", m.name, m.valid);
        variants.extend(quote! {
            #[doc = #doc]
            #variant(#base::#ty),
        });
        decode_arms.extend(quote! {
            #key => ::core::result::Result::Ok(Self::#variant(
                <#base::#ty as crate::Message>::decode(buf, version)?,
            )),
        });
        encode_arms.extend(quote! {
            Self::#variant(m) => crate::Message::encode(m, buf, version),
        });
        len_arms.extend(quote! {
            Self::#variant(m) => crate::Message::encoded_len(m, version),
        });
        key_arms.extend(quote! {
            Self::#variant(_) => crate::ApiKey(#key),
        });
        let name = api_name(m);
        default_arms.extend(quote! {
            #key => ::core::option::Option::Some(Self::#variant(
                <#base::#ty as ::core::default::Default>::default(),
            )),
        });
        name_arms.extend(quote! {
            Self::#variant(_) => #name,
        });
        let from_doc = format!(" Wraps a `{}`.", m.name);
        from_impls.extend(quote! {
            impl ::core::convert::From<#base::#ty> for #any {
                #[doc = #from_doc]
                fn from(m: #base::#ty) -> Self {
                    Self::#variant(m)
                }
            }
        });
    }
    let enum_doc = format!(
        " Any {what} body: one variant per API, named after it, holding that API's {what} type.\n\n \
         The version is not stored: a {what} body is decoded and encoded at the version its \
         frame (or, for a response, the {} it answers) says.",
        other.to_lowercase()
    );
    let decode_doc = format!(
        " Decodes the body of a {what} to `version` of `api_key` from the front of `buf`, \
         advancing it past the body. An API key this crate does not know is \
         [`DecodeErrorKind::UnknownApiKey`](crate::DecodeErrorKind::UnknownApiKey)."
    );
    quote! {
        #[doc = #enum_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        #[allow(clippy::large_enum_variant)]
        pub enum #any {
            #variants
        }

        impl #any {
            #[doc = #decode_doc]
            pub fn decode(
                api_key: crate::ApiKey,
                version: i16,
                buf: &mut ::bytes::Bytes,
            ) -> ::core::result::Result<Self, crate::DecodeError> {
                match api_key.0 {
                    #decode_arms
                    k => ::core::result::Result::Err(crate::DecodeError::new(
                        crate::DecodeErrorKind::UnknownApiKey(k),
                    )),
                }
            }

            /// The default body (schema defaults) of `api_key`, `None` for an
            /// API key this crate does not know.
            pub fn default_for(api_key: crate::ApiKey) -> ::core::option::Option<Self> {
                match api_key.0 {
                    #default_arms
                    _ => ::core::option::Option::None,
                }
            }

            /// Like [`decode`](Self::decode), for a body that must fill `buf`
            /// exactly: trailing bytes are an error.
            pub fn decode_exact(
                api_key: crate::ApiKey,
                version: i16,
                mut buf: ::bytes::Bytes,
            ) -> ::core::result::Result<Self, crate::DecodeError> {
                let m = Self::decode(api_key, version, &mut buf)?;
                if !buf.is_empty() {
                    return ::core::result::Result::Err(
                        crate::DecodeError::new(crate::DecodeErrorKind::TrailingBytes(buf.len()))
                            .in_message(m.name(), version),
                    );
                }
                ::core::result::Result::Ok(m)
            }

            /// Appends the body encoded at `version` (see [`crate::Message::encode`]).
            pub fn encode(
                &self,
                buf: &mut ::bytes::BytesMut,
                version: i16,
            ) -> ::core::result::Result<(), crate::EncodeError> {
                match self {
                    #encode_arms
                }
            }

            /// The exact number of bytes [`encode`](Self::encode) appends at `version`.
            pub fn encoded_len(&self, version: i16) -> usize {
                match self {
                    #len_arms
                }
            }

            /// The API key.
            pub fn api_key(&self) -> crate::ApiKey {
                match self {
                    #key_arms
                }
            }

            /// Kafka's name for the API (`Produce`).
            pub fn name(&self) -> &'static str {
                match self {
                    #name_arms
                }
            }

            /// The request header version for `version` of this API, `None`
            /// for a version this crate does not support.
            pub fn request_header_version(&self, version: i16) -> ::core::option::Option<i16> {
                self.api_key().request_header_version(version)
            }

            /// The response header version for `version` of this API, `None`
            /// for a version this crate does not support.
            pub fn response_header_version(&self, version: i16) -> ::core::option::Option<i16> {
                self.api_key().response_header_version(version)
            }
        }

        #from_impls
    }
}
