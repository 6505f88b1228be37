//! Size-prefixed frames: what goes on the socket.
//!
//! Every Kafka request and response travels as an `int32` size followed by
//! that many bytes: a header, then the body. [`FrameCodec`] cuts frames out of
//! a buffer that accumulates socket reads and checks the size against a
//! configurable maximum *before* anything is read or allocated for the body
//! (zero and negative sizes are rejected too, with
//! [`DecodeErrorKind::BadFrameSize`]).
//!
//! A request frame says what it is: its header starts with the API key and
//! version, which pick the request header version
//! ([`ApiKey::request_header_version`]; ControlledShutdown v0 uses header v0)
//! and the body type. A response frame does not: it carries only the
//! correlation id, and the caller must know the API key and version of the
//! request it answers ([`ApiKey::response_header_version`]; the ApiVersions
//! response header is always v0). [`InFlight`] keeps that mapping for a
//! connection.
//!
//! ```
//! use bytes::BytesMut;
//! use kafkawire::frame::{self, FrameCodec, InFlight};
//! use kafkawire::messages::{ApiVersionsRequest, ApiVersionsResponse, RequestHeader};
//! use kafkawire::{ApiKey, Message};
//!
//! // A client writes a request frame and remembers what it asked.
//! let mut header = RequestHeader::default();
//! header.request_api_key = ApiKey::API_VERSIONS.0;
//! header.request_api_version = 3;
//! header.correlation_id = 7;
//! let mut wire = BytesMut::new();
//! frame::encode_request(&mut wire, &header, &ApiVersionsRequest::default())?;
//! let mut in_flight = InFlight::new();
//! in_flight.insert(&header);
//!
//! // A server cuts it out of its read buffer and reads the header.
//! let codec = FrameCodec::with_max_frame_size(1 << 20);
//! let mut body = codec.decode_frame(&mut wire)?.expect("a whole frame");
//! let got = frame::decode_request_header(&mut body)?;
//! assert_eq!(got.correlation_id, 7);
//! let request = ApiVersionsRequest::decode_exact(body, got.request_api_version)?;
//! assert_eq!(request, ApiVersionsRequest::default());
//!
//! // It answers; the client matches the answer by correlation id.
//! frame::encode_response(&mut wire, 7, 3, &ApiVersionsResponse::default())?;
//! let mut body = codec.decode_frame(&mut wire)?.expect("a whole frame");
//! let (api, version, _header) = in_flight.decode_response_header(&mut body)?;
//! assert_eq!((api, version), (ApiKey::API_VERSIONS, 3));
//! let response = ApiVersionsResponse::decode_exact(body, version)?;
//! assert_eq!(response.error_code, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::any::{AnyRequest, AnyResponse};
use crate::api::ApiKey;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::message::{Message, Request, Response};
use crate::messages::{RequestHeader, ResponseHeader};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::collections::HashMap;

/// The default maximum frame size: 100 MiB, Kafka's default
/// `socket.request.max.bytes`.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 104_857_600;

/// Bytes of the size prefix.
const SIZE_LEN: usize = 4;

/// Cuts size-prefixed frames out of a buffer, for either direction.
///
/// Incremental: hand it the buffer your socket reads append to, and it returns
/// `Ok(None)` until a whole frame is there. A size above the maximum, zero or
/// negative is an error as soon as the four size bytes are in, before any
/// byte of the body is read or any memory reserved for it.
///
/// Decoding accepts what Kafka's reader accepts (see
/// [`RequestFrame::decode`]); [`strict`](Self::strict) refuses what cannot be
/// written back byte for byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameCodec {
    max_frame_size: usize,
    strict: bool,
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameCodec {
    /// A codec with the [`DEFAULT_MAX_FRAME_SIZE`].
    pub const fn new() -> Self {
        Self {
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            strict: false,
        }
    }

    /// A codec accepting frames of at most `max` bytes (size prefix not counted).
    pub const fn with_max_frame_size(max: usize) -> Self {
        Self {
            max_frame_size: max,
            strict: false,
        }
    }

    /// The same codec, decoding requests with [`RequestFrame::decode_strict`]
    /// when `strict` is true: bytes after the body and input that is not the
    /// canonical encoding of its value are errors.
    pub const fn strict(self, strict: bool) -> Self {
        Self { strict, ..self }
    }

    /// Whether requests are decoded strictly.
    pub const fn is_strict(&self) -> bool {
        self.strict
    }

    /// The largest frame accepted, size prefix not counted.
    pub const fn max_frame_size(&self) -> usize {
        self.max_frame_size
    }

    /// Reads and checks the size prefix at the front of `buf` without
    /// consuming anything: `Ok(None)` when fewer than four bytes are there,
    /// the body size when it is valid.
    pub fn peek_size(&self, buf: &[u8]) -> Result<Option<usize>, DecodeError> {
        let Some(prefix) = buf.first_chunk::<SIZE_LEN>() else {
            return Ok(None);
        };
        let size = i32::from_be_bytes(*prefix);
        match usize::try_from(size) {
            Ok(n) if n > 0 && n <= self.max_frame_size => Ok(Some(n)),
            _ => Err(DecodeError::new(DecodeErrorKind::BadFrameSize(i64::from(
                size,
            )))),
        }
    }

    /// Splits the next whole frame's bytes (header and body, without the size
    /// prefix) off the front of `buf`, or returns `Ok(None)` when it is not all
    /// there yet. Bytes after the frame stay in `buf`.
    ///
    /// When the size is valid but the frame incomplete, `buf` is grown to hold
    /// it (at most the maximum frame size), so the next socket read can fill it.
    pub fn decode_frame(&self, buf: &mut BytesMut) -> Result<Option<Bytes>, DecodeError> {
        let Some(size) = self.peek_size(buf)? else {
            return Ok(None);
        };
        let total = SIZE_LEN + size;
        if buf.len() < total {
            buf.reserve(total - buf.len());
            return Ok(None);
        }
        buf.advance(SIZE_LEN);
        Ok(Some(buf.split_to(size).freeze()))
    }

    /// Cuts the next whole request frame out of `buf` and decodes it, or
    /// returns `Ok(None)` when it is not all there yet. The frame's bytes are
    /// consumed even when decoding them fails.
    pub fn decode_request(&self, buf: &mut BytesMut) -> Result<Option<RequestFrame>, DecodeError> {
        let decode = if self.strict {
            RequestFrame::decode_strict
        } else {
            RequestFrame::decode
        };
        self.decode_frame(buf)?.map(decode).transpose()
    }

    /// Like [`decode_frame`](Self::decode_frame), for bytes already in memory
    /// (a file of frames): slices the frame out of `buf` without copying.
    pub fn decode_frame_bytes(&self, buf: &mut Bytes) -> Result<Option<Bytes>, DecodeError> {
        let Some(size) = self.peek_size(buf)? else {
            return Ok(None);
        };
        if buf.len() < SIZE_LEN + size {
            return Ok(None);
        }
        buf.advance(SIZE_LEN);
        Ok(Some(buf.split_to(size)))
    }
}

/// The API key and version at the front of a request frame (after the size
/// prefix), without consuming them.
pub fn peek_request_api(frame: &[u8]) -> Result<(ApiKey, i16), DecodeError> {
    match frame.first_chunk::<4>() {
        Some(&[k0, k1, v0, v1]) => Ok((
            ApiKey(i16::from_be_bytes([k0, k1])),
            i16::from_be_bytes([v0, v1]),
        )),
        None => Err(DecodeError::new(DecodeErrorKind::UnexpectedEof {
            needed: 4,
            remaining: frame.len(),
        })),
    }
}

/// The correlation id at the front of a response frame (after the size
/// prefix), without consuming it.
pub fn peek_correlation_id(frame: &[u8]) -> Result<i32, DecodeError> {
    match frame.first_chunk::<4>() {
        Some(id) => Ok(i32::from_be_bytes(*id)),
        None => Err(DecodeError::new(DecodeErrorKind::UnexpectedEof {
            needed: 4,
            remaining: frame.len(),
        })),
    }
}

/// The header version `pick` gives for `version` of `api`, as a decode
/// error when the API or version is unknown.
fn header_version(
    api: ApiKey,
    version: i16,
    pick: fn(ApiKey, i16) -> Option<i16>,
) -> Result<i16, DecodeError> {
    let info = api
        .info()
        .ok_or(DecodeError::new(DecodeErrorKind::UnknownApiKey(api.0)))?;
    pick(api, version).ok_or_else(|| {
        DecodeError::new(DecodeErrorKind::UnsupportedVersion(version))
            .in_message(info.name, version)
    })
}

/// Decodes the request header at the front of `frame` (a frame without its
/// size prefix), leaving the body in `frame`. The header version is picked
/// from the API key and version the header starts with; an unknown API key is
/// [`DecodeErrorKind::UnknownApiKey`], an unknown version
/// [`DecodeErrorKind::UnsupportedVersion`].
pub fn decode_request_header(frame: &mut Bytes) -> Result<RequestHeader, DecodeError> {
    let (api, version) = peek_request_api(frame)?;
    let header_version = header_version(api, version, ApiKey::request_header_version)?;
    RequestHeader::decode(frame, header_version)
}

/// Decodes the response header at the front of `frame` (a frame without its
/// size prefix), for a response to `version` of `api`, leaving the body in
/// `frame`.
pub fn decode_response_header(
    frame: &mut Bytes,
    api: ApiKey,
    version: i16,
) -> Result<ResponseHeader, DecodeError> {
    let header_version = header_version(api, version, ApiKey::response_header_version)?;
    ResponseHeader::decode(frame, header_version)
}

/// Decodes a whole response frame (without its size prefix) whose body type
/// is known: a response to `version` of `R`'s API. The body must fill the
/// frame exactly.
pub fn decode_response<R: Response>(
    mut frame: Bytes,
    version: i16,
) -> Result<(ResponseHeader, R), DecodeError> {
    let header = decode_response_header(&mut frame, R::API_KEY, version)?;
    Ok((header, R::decode_exact(frame, version)?))
}

/// Writes the size prefix and runs `write`, or leaves `buf` as it was if
/// `write` fails. `len` is the exact size `write` appends.
pub(crate) fn write_frame(
    buf: &mut BytesMut,
    len: usize,
    write: impl FnOnce(&mut BytesMut) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let size = i32::try_from(len).map_err(|_| EncodeError::new(EncodeErrorKind::TooLong(len)))?;
    let start = buf.len();
    buf.reserve(SIZE_LEN + len);
    buf.put_i32(size);
    match write(buf) {
        Ok(()) => Ok(()),
        Err(e) => {
            buf.truncate(start);
            Err(e)
        }
    }
}

/// Appends a request frame: size prefix, `header` at the header version its
/// API key and version call for, and `body` at `header.request_api_version`.
///
/// The header's API key must be `R`'s ([`EncodeErrorKind::ApiKeyMismatch`]).
/// On error `buf` is left as it was.
pub fn encode_request<R: Request>(
    buf: &mut BytesMut,
    header: &RequestHeader,
    body: &R,
) -> Result<(), EncodeError> {
    if header.request_api_key != R::API_KEY.0 {
        return Err(EncodeError::new(EncodeErrorKind::ApiKeyMismatch {
            header: header.request_api_key,
            body: R::API_KEY.0,
        }));
    }
    let version = header.request_api_version;
    let header_version = R::API_KEY.request_header_version(version).ok_or_else(|| {
        EncodeError::new(EncodeErrorKind::UnsupportedVersion(version)).in_message(R::NAME, version)
    })?;
    let len = header.encoded_len(header_version) + body.encoded_len(version);
    write_frame(buf, len, |buf| {
        header.encode(buf, header_version)?;
        body.encode(buf, version)
    })
}

/// Appends a response frame answering `version` of `R`'s API: size prefix, a
/// response header holding `correlation_id`, and `body` at `version`. On
/// error `buf` is left as it was.
pub fn encode_response<R: Response>(
    buf: &mut BytesMut,
    correlation_id: i32,
    version: i16,
    body: &R,
) -> Result<(), EncodeError> {
    let header = ResponseHeader::default().with_correlation_id(correlation_id);
    encode_response_with_header(buf, &header, version, body)
}

/// Like [`encode_response`], with a whole response header (to keep its
/// unknown tagged fields when re-encoding).
pub fn encode_response_with_header<R: Response>(
    buf: &mut BytesMut,
    header: &ResponseHeader,
    version: i16,
    body: &R,
) -> Result<(), EncodeError> {
    let header_version = R::API_KEY.response_header_version(version).ok_or_else(|| {
        EncodeError::new(EncodeErrorKind::UnsupportedVersion(version)).in_message(R::NAME, version)
    })?;
    let len = header.encoded_len(header_version) + body.encoded_len(version);
    write_frame(buf, len, |buf| {
        header.encode(buf, header_version)?;
        body.encode(buf, version)
    })
}

/// A whole request: its header and its body, whatever the API.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RequestFrame {
    /// The header; its API key and version say what the body is.
    pub header: RequestHeader,
    /// The body.
    pub body: AnyRequest,
    /// Bytes after the body, which Kafka's reader ignores (librdkafka 2.16
    /// sends three after a Metadata v13 request); written back after the
    /// body, so the frame re-encodes byte for byte.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Bytes::is_empty",
            with = "crate::serde_impl::base64"
        )
    )]
    pub trailing: Bytes,
}

impl RequestFrame {
    /// A frame of `body` under `header`.
    pub fn new(header: RequestHeader, body: AnyRequest) -> Self {
        Self {
            header,
            body,
            trailing: Bytes::new(),
        }
    }

    /// The API key.
    pub fn api_key(&self) -> ApiKey {
        self.body.api_key()
    }

    /// The API version the body is at.
    pub fn version(&self) -> i16 {
        self.header.request_api_version
    }

    /// Decodes a whole request frame (without its size prefix) from its header
    /// alone: the API key and version pick the header version and the body
    /// type.
    ///
    /// Accepts what Kafka's broker accepts: bytes after the body are kept in
    /// [`trailing`](Self::trailing), and the body is read as Kafka's reader
    /// reads it (see [`DecodeErrorKind::NotCanonical`] for what that admits).
    pub fn decode(mut frame: Bytes) -> Result<Self, DecodeError> {
        let header = decode_request_header(&mut frame)?;
        let body = AnyRequest::decode(
            ApiKey(header.request_api_key),
            header.request_api_version,
            &mut frame,
        )?;
        Ok(Self {
            header,
            body,
            trailing: frame,
        })
    }

    /// Like [`decode`](Self::decode), but bytes after the body are
    /// [`DecodeErrorKind::TrailingBytes`] and a frame that is not the
    /// canonical encoding of what it decodes to is
    /// [`DecodeErrorKind::NotCanonical`] (its offset counts from the header).
    pub fn decode_strict(frame: Bytes) -> Result<Self, DecodeError> {
        let decoded = Self::decode(frame.clone())?;
        if !decoded.trailing.is_empty() {
            return Err(
                DecodeError::new(DecodeErrorKind::TrailingBytes(decoded.trailing.len()))
                    .in_message(decoded.body.name(), decoded.version()),
            );
        }
        let mut again = BytesMut::new();
        let offset = match decoded.encode(&mut again) {
            Ok(()) => first_difference(again.get(SIZE_LEN..).unwrap_or_default(), &frame),
            Err(_) => Some(0),
        };
        match offset {
            None => Ok(decoded),
            Some(offset) => Err(DecodeError::new(DecodeErrorKind::NotCanonical { offset })
                .in_message(decoded.body.name(), decoded.version())),
        }
    }

    fn header_version(&self) -> Result<i16, EncodeError> {
        let (key, version) = (self.header.request_api_key, self.version());
        if key != self.body.api_key().0 {
            return Err(EncodeError::new(EncodeErrorKind::ApiKeyMismatch {
                header: key,
                body: self.body.api_key().0,
            }));
        }
        self.body.request_header_version(version).ok_or_else(|| {
            EncodeError::new(EncodeErrorKind::UnsupportedVersion(version))
                .in_message(self.body.name(), version)
        })
    }

    /// The number of bytes [`encode`](Self::encode) appends, size prefix
    /// included; `None` when the header and body disagree on the API or the
    /// version is unsupported.
    pub fn encoded_len(&self) -> Option<usize> {
        let hv = self.header_version().ok()?;
        Some(
            SIZE_LEN
                + self.header.encoded_len(hv)
                + self.body.encoded_len(self.version())
                + self.trailing.len(),
        )
    }

    /// Appends the frame: size prefix, header, body. The header's API key must
    /// be the body's. On error `buf` is left as it was.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), EncodeError> {
        let hv = self.header_version()?;
        let version = self.version();
        let len =
            self.header.encoded_len(hv) + self.body.encoded_len(version) + self.trailing.len();
        write_frame(buf, len, |buf| {
            self.header.encode(buf, hv)?;
            self.body.encode(buf, version)?;
            buf.extend_from_slice(&self.trailing);
            Ok(())
        })
    }
}

/// A whole response: its header, its body, and the version of the request it
/// answers (which a response frame does not carry).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ResponseFrame {
    /// The header (the correlation id).
    pub header: ResponseHeader,
    /// The API version the body is at: the version of the request it answers.
    pub version: i16,
    /// The body.
    pub body: AnyResponse,
    /// Bytes after the body, which Kafka's reader ignores; written back
    /// after the body, so the frame re-encodes byte for byte.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Bytes::is_empty",
            with = "crate::serde_impl::base64"
        )
    )]
    pub trailing: Bytes,
}

impl ResponseFrame {
    /// A frame of `body` at `version` under `header`.
    pub fn new(header: ResponseHeader, version: i16, body: AnyResponse) -> Self {
        Self {
            header,
            version,
            body,
            trailing: Bytes::new(),
        }
    }

    /// The API key.
    pub fn api_key(&self) -> ApiKey {
        self.body.api_key()
    }

    /// Decodes a whole response frame (without its size prefix) answering
    /// `version` of `api`, accepting what Kafka's reader accepts: bytes after
    /// the body are kept in [`trailing`](Self::trailing).
    pub fn decode(mut frame: Bytes, api: ApiKey, version: i16) -> Result<Self, DecodeError> {
        let header = decode_response_header(&mut frame, api, version)?;
        let body = AnyResponse::decode(api, version, &mut frame)?;
        Ok(Self {
            header,
            version,
            body,
            trailing: frame,
        })
    }

    /// Like [`decode`](Self::decode), but bytes after the body and a frame
    /// that is not the canonical encoding of its value are errors, as in
    /// [`RequestFrame::decode_strict`].
    pub fn decode_strict(frame: Bytes, api: ApiKey, version: i16) -> Result<Self, DecodeError> {
        let decoded = Self::decode(frame.clone(), api, version)?;
        if !decoded.trailing.is_empty() {
            return Err(
                DecodeError::new(DecodeErrorKind::TrailingBytes(decoded.trailing.len()))
                    .in_message(decoded.body.name(), version),
            );
        }
        let mut again = BytesMut::new();
        let offset = match decoded.encode(&mut again) {
            Ok(()) => first_difference(again.get(SIZE_LEN..).unwrap_or_default(), &frame),
            Err(_) => Some(0),
        };
        match offset {
            None => Ok(decoded),
            Some(offset) => Err(DecodeError::new(DecodeErrorKind::NotCanonical { offset })
                .in_message(decoded.body.name(), version)),
        }
    }

    fn header_version(&self) -> Result<i16, EncodeError> {
        self.body
            .response_header_version(self.version)
            .ok_or_else(|| {
                EncodeError::new(EncodeErrorKind::UnsupportedVersion(self.version))
                    .in_message(self.body.name(), self.version)
            })
    }

    /// The number of bytes [`encode`](Self::encode) appends, size prefix
    /// included; `None` when the version is unsupported.
    pub fn encoded_len(&self) -> Option<usize> {
        let hv = self.header_version().ok()?;
        Some(
            SIZE_LEN
                + self.header.encoded_len(hv)
                + self.body.encoded_len(self.version)
                + self.trailing.len(),
        )
    }

    /// Appends the frame: size prefix, header, body. On error `buf` is left as
    /// it was.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), EncodeError> {
        let hv = self.header_version()?;
        let len =
            self.header.encoded_len(hv) + self.body.encoded_len(self.version) + self.trailing.len();
        write_frame(buf, len, |buf| {
            self.header.encode(buf, hv)?;
            self.body.encode(buf, self.version)?;
            buf.extend_from_slice(&self.trailing);
            Ok(())
        })
    }
}

/// Where `ours` (a re-encoding) first differs from `wire`; `None` when equal.
fn first_difference(ours: &[u8], wire: &[u8]) -> Option<usize> {
    if ours == wire {
        return None;
    }
    Some(
        ours.iter()
            .zip(wire)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(wire.len())),
    )
}

/// The requests in flight on one connection: correlation id -> (API key,
/// version), to decode the responses that answer them.
///
/// Insert every request that expects a response (not a Produce with
/// `acks = 0`, which gets none); a response takes its entry out.
#[derive(Clone, Debug, Default)]
pub struct InFlight {
    requests: HashMap<i32, (ApiKey, i16)>,
}

impl InFlight {
    /// No requests in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the request `header` describes. Returns what was recorded under
    /// the same correlation id before, if anything (a reused id).
    pub fn insert(&mut self, header: &RequestHeader) -> Option<(ApiKey, i16)> {
        self.insert_id(
            header.correlation_id,
            ApiKey(header.request_api_key),
            header.request_api_version,
        )
    }

    /// Records a request by its parts.
    pub fn insert_id(
        &mut self,
        correlation_id: i32,
        api: ApiKey,
        version: i16,
    ) -> Option<(ApiKey, i16)> {
        self.requests.insert(correlation_id, (api, version))
    }

    /// The request in flight under `correlation_id`, if any.
    pub fn get(&self, correlation_id: i32) -> Option<(ApiKey, i16)> {
        self.requests.get(&correlation_id).copied()
    }

    /// Takes the request under `correlation_id` out.
    pub fn remove(&mut self, correlation_id: i32) -> Option<(ApiKey, i16)> {
        self.requests.remove(&correlation_id)
    }

    /// How many requests are in flight.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// True when no request is in flight.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// Matches the response at the front of `frame` (a frame without its size
    /// prefix) to its request by correlation id, decodes its header and takes
    /// the request out of flight. Returns the request's API key and version
    /// (which the body is decoded at) and the header; the body stays in
    /// `frame`. An unmatched id is [`DecodeErrorKind::UnknownCorrelationId`];
    /// on any error the request stays in flight.
    pub fn decode_response_header(
        &mut self,
        frame: &mut Bytes,
    ) -> Result<(ApiKey, i16, ResponseHeader), DecodeError> {
        let id = peek_correlation_id(frame)?;
        let (api, version) = self
            .get(id)
            .ok_or(DecodeError::new(DecodeErrorKind::UnknownCorrelationId(id)))?;
        let header = decode_response_header(frame, api, version)?;
        self.remove(id);
        Ok((api, version, header))
    }

    /// Decodes a whole response frame (without its size prefix), matching it
    /// to its request by correlation id and taking the request out of flight.
    pub fn decode_response(&mut self, mut frame: Bytes) -> Result<ResponseFrame, DecodeError> {
        let id = peek_correlation_id(&frame)?;
        let (api, version) = self
            .get(id)
            .ok_or(DecodeError::new(DecodeErrorKind::UnknownCorrelationId(id)))?;
        let header = decode_response_header(&mut frame, api, version)?;
        let body = AnyResponse::decode(api, version, &mut frame)?;
        self.remove(id);
        Ok(ResponseFrame {
            header,
            version,
            body,
            trailing: frame,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RawTaggedField;
    use crate::messages::{
        ApiVersionsRequest, ApiVersionsResponse, ControlledShutdownRequest, MetadataRequest,
        MetadataResponse, ProduceRequest,
    };

    fn header(api: ApiKey, version: i16, correlation_id: i32) -> RequestHeader {
        RequestHeader::default()
            .with_request_api_key(api.0)
            .with_request_api_version(version)
            .with_correlation_id(correlation_id)
            .with_client_id(Some("client-1".into()))
    }

    fn request_frame<R: Request>(version: i16, correlation_id: i32, body: &R) -> BytesMut {
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &header(R::API_KEY, version, correlation_id), body).unwrap();
        buf
    }

    #[test]
    fn api_versions_v0_request_bytes() {
        // size 11 | key 18 | version 0 | correlation 1 | client id "a" (int16 length)
        let wire: &[u8] = &[0, 0, 0, 11, 0, 18, 0, 0, 0, 0, 0, 1, 0, 1, b'a'];
        let mut h = header(ApiKey::API_VERSIONS, 0, 1);
        h.client_id = Some("a".into());
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &h, &ApiVersionsRequest::default()).unwrap();
        assert_eq!(&buf[..], wire);

        let mut frame = FrameCodec::new().decode_frame(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty());
        assert_eq!(decode_request_header(&mut frame).unwrap(), h);
        assert!(frame.is_empty());
    }

    #[test]
    fn one_byte_at_a_time() {
        let topic = crate::messages::metadata_request::MetadataRequestTopic::default()
            .with_name(Some("orders".into()));
        let body = MetadataRequest::default().with_topics(Some(vec![topic]));
        let mut wire = request_frame(12, 42, &body);
        wire.extend_from_slice(&request_frame(1, 43, &ApiVersionsRequest::default()));
        let first_len = 4 + i32::from_be_bytes(wire[..4].try_into().unwrap()) as usize;

        let codec = FrameCodec::new();
        let mut read = BytesMut::new();
        let mut frames = Vec::new();
        for (i, b) in wire.iter().enumerate() {
            read.extend_from_slice(&[*b]);
            match codec.decode_frame(&mut read).unwrap() {
                None => assert!(i + 1 != first_len && i + 1 != wire.len(), "byte {i}"),
                Some(f) => {
                    assert!(i + 1 == first_len || i + 1 == wire.len(), "byte {i}");
                    frames.push(f);
                }
            }
        }
        assert!(read.is_empty());
        assert_eq!(frames.len(), 2);

        let mut f = frames[0].clone();
        let h = decode_request_header(&mut f).unwrap();
        assert_eq!(
            (h.request_api_key, h.request_api_version, h.correlation_id),
            (3, 12, 42)
        );
        assert_eq!(MetadataRequest::decode_exact(f, 12).unwrap(), body);
        let mut f = frames[1].clone();
        let h = decode_request_header(&mut f).unwrap();
        assert_eq!((h.request_api_key, h.correlation_id), (18, 43));
        assert_eq!(
            ApiVersionsRequest::decode_exact(f, 1).unwrap(),
            ApiVersionsRequest::default()
        );
    }

    #[test]
    fn two_frames_in_one_read_and_split_reads() {
        let a = request_frame(3, 1, &ApiVersionsRequest::default());
        let b = request_frame(9, 2, &ProduceRequest::default());
        let mut all = a.clone();
        all.extend_from_slice(&b);
        let codec = FrameCodec::new();

        // Both at once, then a third read holding half a size prefix.
        let mut read = all.clone();
        read.extend_from_slice(&[0, 0]);
        let f1 = codec.decode_frame(&mut read).unwrap().unwrap();
        let f2 = codec.decode_frame(&mut read).unwrap().unwrap();
        assert_eq!(codec.decode_frame(&mut read).unwrap(), None);
        assert_eq!(&read[..], &[0, 0]);
        assert_eq!(&f1[..], &a[4..]);
        assert_eq!(&f2[..], &b[4..]);

        // Cut at every point into two reads.
        for cut in 0..=all.len() {
            let mut read = BytesMut::from(&all[..cut]);
            let mut got = Vec::new();
            while let Some(f) = codec.decode_frame(&mut read).unwrap() {
                got.push(f);
            }
            read.extend_from_slice(&all[cut..]);
            while let Some(f) = codec.decode_frame(&mut read).unwrap() {
                got.push(f);
            }
            assert_eq!(got, vec![f1.clone(), f2.clone()], "cut at {cut}");
            assert!(read.is_empty());
        }

        // The same from memory.
        let mut bytes = all.freeze();
        assert_eq!(codec.decode_frame_bytes(&mut bytes).unwrap(), Some(f1));
        assert_eq!(codec.decode_frame_bytes(&mut bytes).unwrap(), Some(f2));
        assert_eq!(codec.decode_frame_bytes(&mut bytes).unwrap(), None);
    }

    #[test]
    fn over_the_maximum_rejected_before_allocation() {
        let codec = FrameCodec::with_max_frame_size(1024);
        // Exactly the maximum is fine.
        let mut read = BytesMut::with_capacity(8);
        read.extend_from_slice(&1024i32.to_be_bytes());
        assert_eq!(codec.decode_frame(&mut read).unwrap(), None);
        assert!(read.capacity() >= 1028);

        // One more is rejected from the size prefix alone, with nothing reserved.
        for size in [1025, i32::MAX] {
            let mut read = BytesMut::with_capacity(8);
            read.extend_from_slice(&size.to_be_bytes());
            let err = codec.decode_frame(&mut read).unwrap_err();
            assert_eq!(err.kind(), DecodeErrorKind::BadFrameSize(i64::from(size)));
            assert_eq!(read.capacity(), 8);
            assert_eq!(read.len(), 4, "nothing consumed");
        }
        // The default maximum is Kafka's 100 MiB.
        let mut read = BytesMut::from(&(104_857_601i32).to_be_bytes()[..]);
        assert_eq!(
            FrameCodec::new()
                .decode_frame(&mut read)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::BadFrameSize(104_857_601)
        );
    }

    #[test]
    fn zero_and_negative_sizes_rejected() {
        let codec = FrameCodec::new();
        for size in [0, -1, -2, i32::MIN] {
            let mut read = BytesMut::from(&size.to_be_bytes()[..]);
            read.extend_from_slice(&[1, 2, 3]);
            let err = codec.decode_frame(&mut read).unwrap_err();
            assert_eq!(err.kind(), DecodeErrorKind::BadFrameSize(i64::from(size)));
            let mut bytes = read.freeze();
            assert!(codec.decode_frame_bytes(&mut bytes).is_err());
        }
        // Fewer than four bytes: not yet known.
        assert_eq!(codec.peek_size(&[0, 0, 0]).unwrap(), None);
        assert_eq!(codec.peek_size(&[]).unwrap(), None);
    }

    #[test]
    fn header_version_from_the_request() {
        // ControlledShutdown v0: header v0, no client id.
        let mut h = header(ApiKey::CONTROLLED_SHUTDOWN, 0, 5);
        h.client_id = Some("".into());
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &h, &ControlledShutdownRequest::default()).unwrap();
        // size | key 7 | v0 | correlation 5 | broker id 0 (no client id)
        assert_eq!(&buf[..], &[0, 0, 0, 12, 0, 7, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]);
        let mut frame = buf.split_off(4).freeze();
        assert_eq!(decode_request_header(&mut frame).unwrap(), h);
        assert_eq!(frame.len(), 4);

        // Produce v9: flexible, header v2 (tagged fields after the client id).
        let mut h = header(ApiKey::PRODUCE, 9, 6);
        h.unknown_tagged_fields = vec![RawTaggedField {
            tag: 9,
            data: Bytes::from_static(b"x"),
        }];
        let mut buf = BytesMut::new();
        encode_request(&mut buf, &h, &ProduceRequest::default()).unwrap();
        let mut frame = buf.split_off(4).freeze();
        assert_eq!(decode_request_header(&mut frame).unwrap(), h);
        assert_eq!(
            ProduceRequest::decode_exact(frame, 9).unwrap(),
            ProduceRequest::default()
        );
    }

    #[test]
    fn unknown_api_or_version() {
        let mut frame = Bytes::from_static(&[0x7f, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(
            decode_request_header(&mut frame).unwrap_err().kind(),
            DecodeErrorKind::UnknownApiKey(0x7f00)
        );
        let mut frame = Bytes::from_static(&[0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0]);
        let err = decode_request_header(&mut frame).unwrap_err();
        assert_eq!(err.kind(), DecodeErrorKind::UnsupportedVersion(0x1000));
        assert_eq!(err.message(), Some("Produce"));
        let mut frame = Bytes::from_static(&[0, 3, 0]);
        assert!(decode_request_header(&mut frame).unwrap_err().is_eof());
        let mut frame = Bytes::from_static(&[0, 0, 0, 1]);
        assert_eq!(
            decode_response_header(&mut frame, ApiKey(-5), 0)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::UnknownApiKey(-5)
        );
    }

    #[test]
    fn responses_matched_by_correlation_id() {
        let mut in_flight = InFlight::new();
        assert_eq!(in_flight.insert(&header(ApiKey::API_VERSIONS, 3, 1)), None);
        assert_eq!(in_flight.insert(&header(ApiKey::METADATA, 12, 2)), None);
        assert_eq!(in_flight.len(), 2);

        // Answers arrive out of order.
        let meta = MetadataResponse::default().with_throttle_time_ms(9);
        let mut wire = BytesMut::new();
        encode_response(&mut wire, 2, 12, &meta).unwrap();
        let api = ApiVersionsResponse::default().with_error_code(35);
        encode_response(&mut wire, 1, 3, &api).unwrap();

        let codec = FrameCodec::new();
        let mut f = codec.decode_frame(&mut wire).unwrap().unwrap();
        // Metadata v12: flexible, response header v1 (correlation id + tagged fields).
        assert_eq!(&f[..5], &[0, 0, 0, 2, 0]);
        let (key, v, h) = in_flight.decode_response_header(&mut f).unwrap();
        assert_eq!((key, v, h.correlation_id), (ApiKey::METADATA, 12, 2));
        assert_eq!(MetadataResponse::decode_exact(f, 12).unwrap(), meta);

        let mut f = codec.decode_frame(&mut wire).unwrap().unwrap();
        // ApiVersions v3 is flexible, but its response header is v0: the
        // error code follows the correlation id directly.
        assert_eq!(&f[..6], &[0, 0, 0, 1, 0, 35]);
        let (key, v, _) = in_flight.decode_response_header(&mut f).unwrap();
        assert_eq!((key, v), (ApiKey::API_VERSIONS, 3));
        assert_eq!(ApiVersionsResponse::decode_exact(f, 3).unwrap(), api);
        assert!(in_flight.is_empty());

        // A second answer to the same id matches nothing.
        let mut wire = BytesMut::new();
        encode_response(&mut wire, 1, 3, &api).unwrap();
        let mut f = codec.decode_frame(&mut wire).unwrap().unwrap();
        assert_eq!(
            in_flight.decode_response_header(&mut f).unwrap_err().kind(),
            DecodeErrorKind::UnknownCorrelationId(1)
        );

        // Typed decode when the caller knows the body type.
        let mut wire = BytesMut::new();
        encode_response(&mut wire, 77, 0, &api).unwrap();
        let f = codec.decode_frame(&mut wire).unwrap().unwrap();
        let (h, body) = decode_response::<ApiVersionsResponse>(f, 0).unwrap();
        assert_eq!((h.correlation_id, body), (77, api));
    }

    #[test]
    fn encode_errors_leave_the_buffer_alone() {
        let mut buf = BytesMut::from(&b"kept"[..]);
        // Header and body disagree on the API.
        let err = encode_request(
            &mut buf,
            &header(ApiKey::METADATA, 1, 1),
            &ProduceRequest::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.kind(),
            EncodeErrorKind::ApiKeyMismatch { header: 3, body: 0 }
        );
        // A field the version cannot carry: the body fails after the prefix and header were written.
        let body = ProduceRequest::default().with_transactional_id(Some("tx".into()));
        let err = encode_request(&mut buf, &header(ApiKey::PRODUCE, 2, 1), &body).unwrap_err();
        assert!(err.to_string().contains("TransactionalId"), "{err}");
        // An unknown version.
        let err = encode_response(&mut buf, 1, 99, &ApiVersionsResponse::default()).unwrap_err();
        assert_eq!(err.kind(), EncodeErrorKind::UnsupportedVersion(99));
        assert_eq!(&buf[..], b"kept");
    }

    #[test]
    fn any_request_and_response_every_api_every_version() {
        let codec = FrameCodec::new();
        let mut apis = 0;
        for key in ApiKey::all() {
            apis += 1;
            let info = key.info().unwrap();
            let req = AnyRequest::default_for(key).unwrap();
            let resp = AnyResponse::default_for(key).unwrap();
            assert_eq!((req.api_key(), resp.api_key()), (key, key));
            assert_eq!((req.name(), resp.name()), (info.name, info.name));
            for v in info.versions.lowest..=info.versions.highest {
                assert_eq!(req.request_header_version(v), key.request_header_version(v));
                assert_eq!(
                    resp.response_header_version(v),
                    key.response_header_version(v)
                );
                let mut h = header(key, v, i32::from(v) + 100);
                if key.request_header_version(v) == Some(0) {
                    // Header v0 (ControlledShutdown v0) has no client id.
                    h.client_id = Some("".into());
                }
                let frame = RequestFrame::new(h, req.clone());
                let mut wire = BytesMut::new();
                frame.encode(&mut wire).unwrap();
                assert_eq!(Some(wire.len()), frame.encoded_len(), "{key:?} v{v}");
                let got = codec.decode_request(&mut wire).unwrap().unwrap();
                assert_eq!(got, frame, "{key:?} v{v}");
                assert!(wire.is_empty());

                let mut in_flight = InFlight::new();
                in_flight.insert(&frame.header);
                let answer = ResponseFrame::new(
                    ResponseHeader::default().with_correlation_id(i32::from(v) + 100),
                    v,
                    resp.clone(),
                );
                answer.encode(&mut wire).unwrap();
                assert_eq!(Some(wire.len()), answer.encoded_len());
                let f = codec.decode_frame(&mut wire).unwrap().unwrap();
                assert_eq!(
                    in_flight.decode_response(f.clone()).unwrap(),
                    answer,
                    "{key:?} v{v}"
                );
                assert!(in_flight.is_empty());
                assert_eq!(ResponseFrame::decode(f, key, v).unwrap(), answer);
            }
        }
        assert!(apis >= 90, "{apis} APIs");
    }

    #[test]
    fn any_variants_and_unknown_keys() {
        let produce = ProduceRequest::default().with_acks(1).with_timeout_ms(5);
        let any = AnyRequest::from(produce.clone());
        assert!(matches!(&any, AnyRequest::Produce(p) if *p == produce));
        assert_eq!((any.api_key(), any.name()), (ApiKey::PRODUCE, "Produce"));
        let bytes = produce.to_bytes(8).unwrap();
        assert_eq!(any.encoded_len(8), bytes.len());
        let mut b = bytes.clone();
        b = {
            let mut v = BytesMut::from(&b[..]);
            v.extend_from_slice(b"tail");
            v.freeze()
        };
        let mut rest = b.clone();
        assert_eq!(
            AnyRequest::decode(ApiKey::PRODUCE, 8, &mut rest).unwrap(),
            any
        );
        assert_eq!(&rest[..], b"tail");
        let err = AnyRequest::decode_exact(ApiKey::PRODUCE, 8, b).unwrap_err();
        assert_eq!(err.kind(), DecodeErrorKind::TrailingBytes(4));
        assert_eq!(err.message(), Some("Produce"));

        let resp = AnyResponse::from(ApiVersionsResponse::default().with_error_code(35));
        assert!(matches!(resp, AnyResponse::ApiVersions(ref r) if r.error_code == 35));
        assert_eq!(resp.name(), "ApiVersions");

        // The first key past the table, whatever release is bundled.
        let next = ApiKey(ApiKey::all().map(|k| k.0).max().unwrap() + 1);
        assert!(next.info().is_none());
        for key in [ApiKey(-1), next, ApiKey(i16::MAX)] {
            assert_eq!(AnyRequest::default_for(key), None);
            assert_eq!(AnyResponse::default_for(key), None);
            let mut b = bytes.clone();
            assert_eq!(
                AnyRequest::decode(key, 0, &mut b).unwrap_err().kind(),
                DecodeErrorKind::UnknownApiKey(key.0)
            );
            assert_eq!(
                AnyResponse::decode(key, 0, &mut b).unwrap_err().kind(),
                DecodeErrorKind::UnknownApiKey(key.0)
            );
        }
        // An unsupported version of a known API.
        let mut b = bytes.clone();
        assert_eq!(
            AnyRequest::decode(ApiKey::PRODUCE, 99, &mut b)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::UnsupportedVersion(99)
        );
    }

    #[test]
    fn request_frames_checked() {
        // Header and body disagree.
        let frame = RequestFrame::new(
            header(ApiKey::METADATA, 4, 1),
            AnyRequest::from(ProduceRequest::default()),
        );
        let mut buf = BytesMut::new();
        assert_eq!(
            frame.encode(&mut buf).unwrap_err().kind(),
            EncodeErrorKind::ApiKeyMismatch { header: 3, body: 0 }
        );
        assert_eq!(frame.encoded_len(), None);
        assert!(buf.is_empty());

        // Trailing bytes after the body are kept (Kafka's broker ignores
        // them) and written back; a strict codec refuses them.
        let mut wire = request_frame(4, 1, &MetadataRequest::default());
        wire.extend_from_slice(&[0xff]);
        let size = i32::from_be_bytes(wire[..4].try_into().unwrap()) + 1;
        wire[..4].copy_from_slice(&size.to_be_bytes());
        let original = wire.clone();
        let frame = FrameCodec::new()
            .decode_request(&mut wire)
            .unwrap()
            .unwrap();
        assert_eq!(&frame.trailing[..], &[0xff]);
        let mut again = BytesMut::new();
        frame.encode(&mut again).unwrap();
        assert_eq!(again, original);
        let mut wire = original.clone();
        assert_eq!(
            FrameCodec::new()
                .strict(true)
                .decode_request(&mut wire)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::TrailingBytes(1)
        );
        assert!(wire.is_empty(), "the bad frame is consumed");

        // A frame of an unknown API.
        let mut wire = BytesMut::from(&[0, 0, 0, 8, 0x01, 0x00, 0, 0, 0, 0, 0, 1][..]);
        assert_eq!(
            FrameCodec::new()
                .decode_request(&mut wire)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::UnknownApiKey(256)
        );
    }

    fn capture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn captured_frames_decode_and_re_encode_byte_for_byte() {
        let codec = FrameCodec::new();
        // librdkafka 2.16's ApiVersions v3 request: header v2, flexible body.
        let wire = capture("librdkafka-2.16.0-apiversions-v3-request.bin");
        let mut read = BytesMut::from(&wire[..]);
        let frame = codec.decode_request(&mut read).unwrap().unwrap();
        assert_eq!(
            (frame.api_key(), frame.version()),
            (ApiKey::API_VERSIONS, 3)
        );
        assert_eq!(frame.header.client_id.as_deref(), Some("rdkafka"));
        match &frame.body {
            AnyRequest::ApiVersions(r) => {
                assert_eq!(r.client_software_name, "confluent-kafka-python");
                assert_eq!(r.client_software_version, "2.16.1-rdkafka-2.16.0");
            }
            other => panic!("{other:?}"),
        }
        let mut again = BytesMut::new();
        frame.encode(&mut again).unwrap();
        assert_eq!(&again[..], &wire[..]);

        // The mocks' ApiVersions v0 answers.
        for (name, apis) in [
            ("librdkafka-2.0.2-mock-apiversions-v0.bin", 17),
            ("librdkafka-2.16.0-mock-apiversions-v0.bin", 24),
        ] {
            let wire = capture(name);
            let mut in_flight = InFlight::new();
            in_flight.insert_id(2, ApiKey::API_VERSIONS, 0);
            let mut read = BytesMut::from(&wire[..]);
            let f = codec.decode_frame(&mut read).unwrap().unwrap();
            let frame = in_flight.decode_response(f).unwrap();
            match &frame.body {
                AnyResponse::ApiVersions(r) => assert_eq!(r.api_keys.len(), apis, "{name}"),
                other => panic!("{other:?}"),
            }
            let mut again = BytesMut::new();
            frame.encode(&mut again).unwrap();
            assert_eq!(&again[..], &wire[..], "{name}");
        }
    }

    fn hex(s: &str) -> Bytes {
        let clean: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        Bytes::from(
            clean
                .chunks(2)
                .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                .collect::<Vec<u8>>(),
        )
    }

    /// Frames Kafka's broker takes from real clients, which a strict reader
    /// refused: accepted by default, refused by a strict codec.
    #[test]
    fn what_kafkas_reader_accepts() {
        // librdkafka 2.16.0's Metadata v13 request: 3 bytes after the body.
        let rdkafka = hex("0003000d00000004000772646b61666b610000000000010000");
        let frame = RequestFrame::decode(rdkafka.clone()).unwrap();
        assert_eq!((frame.api_key(), frame.version()), (ApiKey::METADATA, 13));
        assert_eq!(frame.header.client_id.as_deref(), Some("rdkafka"));
        assert_eq!(frame.trailing.len(), 3);
        let mut again = BytesMut::new();
        frame.encode(&mut again).unwrap();
        assert_eq!(&again[4..], &rdkafka[..], "re-encoded byte for byte");
        assert_eq!(
            RequestFrame::decode_strict(rdkafka).unwrap_err().kind(),
            DecodeErrorKind::TrailingBytes(3)
        );

        // A client id of length -2: null, as Kafka reads it.
        let minus_two = hex("0012000000000001fffe");
        let frame = RequestFrame::decode(minus_two.clone()).unwrap();
        assert_eq!(frame.header.client_id, None);
        assert_eq!(
            RequestFrame::decode_strict(minus_two).unwrap_err().kind(),
            DecodeErrorKind::NotCanonical { offset: 9 }
        );

        // A Latin-1 client id: replaced as Java's String replaces it.
        let latin1 = hex("00120000000000010004636166e9");
        let frame = RequestFrame::decode(latin1.clone()).unwrap();
        assert_eq!(frame.header.client_id.as_deref(), Some("caf\u{fffd}"));
        assert!(matches!(
            RequestFrame::decode_strict(latin1).unwrap_err().kind(),
            DecodeErrorKind::NotCanonical { .. }
        ));

        // Through the incremental codec too.
        let mut wire = BytesMut::new();
        let body = hex("0003000d00000004000772646b61666b610000000000010000");
        wire.extend_from_slice(&(body.len() as i32).to_be_bytes());
        wire.extend_from_slice(&body);
        let frame = FrameCodec::new()
            .decode_request(&mut wire)
            .unwrap()
            .unwrap();
        assert_eq!(frame.trailing.len(), 3);
    }
}
