//! `tokio_util::codec` implementations (feature `tokio`): a server, a client
//! or a proxy is a `Framed` stream of this crate's frames.
//!
//! - [`FrameCodec`] itself decodes and encodes raw frames: the bytes of each
//!   frame without its size prefix, for code that forwards what it reads.
//! - [`ServerCodec`] decodes requests and encodes responses.
//! - [`ClientCodec`] encodes requests, remembers what each asked, and decodes
//!   the responses that answer them.
//!
//! Each checks a frame's size against its maximum as soon as the four size
//! bytes are in, before any of the body is buffered: a peer announcing a
//! frame above the maximum gets [`DecodeErrorKind::BadFrameSize`], and the
//! read buffer grows with the bytes that actually arrive, not with the size
//! announced.
//!
//! A frame whose API key or version this crate does not know (a newer
//! broker, a vendor's key) is not an error: it comes out as a
//! [`RawRequest`] or [`RawResponse`] whose header fields are readable and
//! whose bytes can be forwarded untouched. A frame of a known API and
//! version that does not decode is an error, as Kafka's broker closes the
//! connection on one.
//!
//! ```
//! use futures_util::{SinkExt, StreamExt};
//! use kafkawire::framed::{ClientCodec, IncomingRequest, IncomingResponse, ServerCodec};
//! use kafkawire::frame::{RequestFrame, ResponseFrame};
//! use kafkawire::any::{AnyRequest, AnyResponse};
//! use kafkawire::messages::{ApiVersionsRequest, ApiVersionsResponse, RequestHeader, ResponseHeader};
//! use kafkawire::ApiKey;
//! use tokio_util::codec::Framed;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let (client_io, server_io) = tokio::io::duplex(1 << 16);
//! let mut client = Framed::new(client_io, ClientCodec::new());
//! let mut server = Framed::new(server_io, ServerCodec::new());
//!
//! let header = RequestHeader::default()
//!     .with_request_api_key(ApiKey::API_VERSIONS.0)
//!     .with_request_api_version(3)
//!     .with_correlation_id(1);
//! let request = AnyRequest::ApiVersions(ApiVersionsRequest::default());
//! client.send(RequestFrame::new(header, request)).await?;
//!
//! let Some(IncomingRequest::Known(got)) = server.next().await.transpose()? else {
//!     panic!("an ApiVersions request")
//! };
//! let answer = ResponseHeader::default().with_correlation_id(got.header.correlation_id);
//! let body = AnyResponse::ApiVersions(ApiVersionsResponse::default());
//! server.send(ResponseFrame::new(answer, got.version(), body)).await?;
//!
//! let Some(IncomingResponse::Known(response)) = client.next().await.transpose()? else {
//!     panic!("its response")
//! };
//! assert_eq!((response.api_key(), response.version), (ApiKey::API_VERSIONS, 3));
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::io;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::ByteString;
use crate::any::{AnyRequest, AnyResponse};
use crate::api::ApiKey;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::frame::{
    FrameCodec, InFlight, RequestFrame, ResponseFrame, decode_response_header, peek_correlation_id,
    peek_request_api,
};
use crate::negotiate::decode_api_versions_response;

/// Bytes of the size prefix.
const SIZE_LEN: usize = 4;

/// The most the read buffer is grown by ahead of the bytes that arrive.
const RESERVE_STEP: usize = 64 * 1024;

/// What can go wrong on a framed connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum FrameError {
    /// Reading or writing the socket failed.
    Io(io::Error),
    /// A frame arrived that cannot be decoded (or its size is out of range).
    Decode(DecodeError),
    /// A frame to send cannot be encoded.
    Encode(EncodeError),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Io(e) => write!(f, "I/O error: {e}"),
            FrameError::Decode(e) => e.fmt(f),
            FrameError::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FrameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FrameError::Io(e) => Some(e),
            FrameError::Decode(e) => Some(e),
            FrameError::Encode(e) => Some(e),
        }
    }
}

impl From<io::Error> for FrameError {
    fn from(e: io::Error) -> Self {
        FrameError::Io(e)
    }
}

impl From<DecodeError> for FrameError {
    fn from(e: DecodeError) -> Self {
        FrameError::Decode(e)
    }
}

impl From<EncodeError> for FrameError {
    fn from(e: EncodeError) -> Self {
        FrameError::Encode(e)
    }
}

/// Cuts the next frame off `src` once it is all there; until then grows
/// `src` by at most [`RESERVE_STEP`] towards the announced size.
fn next_frame(codec: &FrameCodec, src: &mut BytesMut) -> Result<Option<Bytes>, DecodeError> {
    let Some(size) = codec.peek_size(src)? else {
        return Ok(None);
    };
    let total = SIZE_LEN + size;
    if src.len() < total {
        src.reserve((total - src.len()).min(RESERVE_STEP));
        return Ok(None);
    }
    src.advance(SIZE_LEN);
    Ok(Some(src.split_to(size).freeze()))
}

/// Appends a size prefix and `frame`.
fn put_raw(codec: &FrameCodec, frame: &[u8], dst: &mut BytesMut) -> Result<(), FrameError> {
    let size = i32::try_from(frame.len())
        .ok()
        .filter(|_| frame.len() <= codec.max_frame_size());
    let Some(size) = size else {
        return Err(too_large(codec, frame.len()));
    };
    dst.reserve(SIZE_LEN + frame.len());
    dst.put_i32(size);
    dst.put_slice(frame);
    Ok(())
}

fn too_large(codec: &FrameCodec, size: usize) -> FrameError {
    EncodeError::new(EncodeErrorKind::FrameTooLarge {
        size,
        max: codec.max_frame_size(),
    })
    .into()
}

/// Raw frames: each item is a frame's bytes without its size prefix.
impl Decoder for FrameCodec {
    type Item = Bytes;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, FrameError> {
        Ok(next_frame(self, src)?)
    }
}

/// Writes a frame's bytes (without size prefix) behind its size prefix.
impl Encoder<Bytes> for FrameCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: Bytes, dst: &mut BytesMut) -> Result<(), FrameError> {
        put_raw(self, &frame, dst)
    }
}

/// A request frame of an API key or version this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The API key in its header.
    pub api_key: ApiKey,
    /// The API version in its header.
    pub api_version: i16,
    /// The correlation id in its header.
    pub correlation_id: i32,
    /// The client id in its header, read as header v1 and later write it
    /// (`None` when it is null or the frame ends before it).
    pub client_id: Option<ByteString>,
    /// The whole frame, header included, without the size prefix.
    pub frame: Bytes,
}

impl RawRequest {
    /// Reads the header fields every request header version starts with.
    /// Errors only when the frame is too short for the API key, version and
    /// correlation id.
    pub fn parse(frame: Bytes) -> Result<Self, DecodeError> {
        let (api_key, api_version) = peek_request_api(&frame)?;
        let correlation_id = frame
            .get(4..8)
            .and_then(|b| b.try_into().ok())
            .map(i32::from_be_bytes)
            .ok_or(DecodeError::new(DecodeErrorKind::UnexpectedEof {
                needed: 8,
                remaining: frame.len(),
            }))?;
        let client_id = frame.get(8..).and_then(|rest| {
            let len = usize::try_from(i16::from_be_bytes(*rest.first_chunk::<2>()?)).ok()?;
            let text = rest.get(2..2 + len)?;
            Some(ByteString::from_utf8_lossy(frame.slice_ref(text)))
        });
        Ok(Self {
            api_key,
            api_version,
            correlation_id,
            client_id,
            frame,
        })
    }
}

/// A response frame answering a request of an API key or version this crate
/// does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The API key of the request it answers.
    pub api_key: ApiKey,
    /// The API version of the request it answers.
    pub api_version: i16,
    /// The correlation id it starts with.
    pub correlation_id: i32,
    /// The whole frame, header included, without the size prefix.
    pub frame: Bytes,
}

/// A request off the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum IncomingRequest {
    /// Of an API and version this crate knows: decoded (boxed: a decoded
    /// frame is much larger than a raw one).
    Known(Box<RequestFrame>),
    /// Of an API key or version this crate does not know: as it came.
    Unknown(RawRequest),
}

/// A response off the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum IncomingResponse {
    /// Answering an API and version this crate knows: decoded (boxed, as
    /// [`IncomingRequest::Known`]).
    Known(Box<ResponseFrame>),
    /// Answering a [`RawRequest`]: as it came.
    Unknown(RawResponse),
}

/// The server side of a connection: decodes requests, encodes responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerCodec {
    frames: FrameCodec,
}

impl ServerCodec {
    /// With the default maximum frame size, decoding as Kafka's broker does.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `frames`' maximum size, strict when it is
    /// ([`FrameCodec::strict`]).
    pub fn with_frames(frames: FrameCodec) -> Self {
        Self { frames }
    }
}

impl Decoder for ServerCodec {
    type Item = IncomingRequest;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<IncomingRequest>, FrameError> {
        let Some(frame) = next_frame(&self.frames, src)? else {
            return Ok(None);
        };
        let (api, version) = peek_request_api(&frame)?;
        if api.request_header_version(version).is_none() {
            return Ok(Some(IncomingRequest::Unknown(RawRequest::parse(frame)?)));
        }
        let decoded = if self.frames.is_strict() {
            RequestFrame::decode_strict(frame)
        } else {
            RequestFrame::decode(frame)
        };
        Ok(Some(IncomingRequest::Known(Box::new(decoded?))))
    }
}

impl Encoder<ResponseFrame> for ServerCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: ResponseFrame, dst: &mut BytesMut) -> Result<(), FrameError> {
        let before = dst.len();
        frame.encode(dst)?;
        check_size(&self.frames, dst, before)
    }
}

impl Encoder<RawResponse> for ServerCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: RawResponse, dst: &mut BytesMut) -> Result<(), FrameError> {
        put_raw(&self.frames, &frame.frame, dst)
    }
}

/// Refuses (and takes back) a frame just written past the maximum size.
fn check_size(codec: &FrameCodec, dst: &mut BytesMut, before: usize) -> Result<(), FrameError> {
    let size = dst.len() - before - SIZE_LEN;
    if size > codec.max_frame_size() {
        dst.truncate(before);
        return Err(too_large(codec, size));
    }
    Ok(())
}

/// The client side of a connection: encodes requests and remembers each one
/// that expects an answer (every request but a Produce with `acks = 0`), so
/// that the responses decode at the version they answer.
///
/// An ApiVersions request the broker refuses is answered at version 0 (see
/// [`negotiate`](crate::negotiate)); such a response comes out decoded at
/// the version it was read at ([`ResponseFrame::version`]).
#[derive(Debug, Clone, Default)]
pub struct ClientCodec {
    frames: FrameCodec,
    in_flight: InFlight,
}

impl ClientCodec {
    /// With the default maximum frame size.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `frames`' maximum size, strict when it is.
    pub fn with_frames(frames: FrameCodec) -> Self {
        Self {
            frames,
            in_flight: InFlight::new(),
        }
    }

    /// The requests sent and not yet answered.
    pub fn in_flight(&self) -> &InFlight {
        &self.in_flight
    }

    fn decode_known(
        &self,
        frame: Bytes,
        api: ApiKey,
        version: i16,
    ) -> Result<ResponseFrame, DecodeError> {
        let decoded = if self.frames.is_strict() {
            ResponseFrame::decode_strict(frame.clone(), api, version)
        } else {
            ResponseFrame::decode(frame.clone(), api, version)
        };
        match decoded {
            Ok(f) if api != ApiKey::API_VERSIONS || f.trailing.is_empty() => Ok(f),
            other if api == ApiKey::API_VERSIONS => {
                let mut body = frame;
                let header = decode_response_header(&mut body, api, version)?;
                match (decode_api_versions_response(body, version), other) {
                    (Ok((response, read_as)), _) => Ok(ResponseFrame::new(
                        header,
                        read_as,
                        AnyResponse::ApiVersions(response),
                    )),
                    // The error of the version asked, not of the fallback.
                    (Err(_), Err(e)) => Err(e),
                    (Err(e), Ok(_)) => Err(e),
                }
            }
            other => other,
        }
    }
}

impl Decoder for ClientCodec {
    type Item = IncomingResponse;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<IncomingResponse>, FrameError> {
        let Some(frame) = next_frame(&self.frames, src)? else {
            return Ok(None);
        };
        let id = peek_correlation_id(&frame)?;
        let (api, version) = self
            .in_flight
            .remove(id)
            .ok_or(DecodeError::new(DecodeErrorKind::UnknownCorrelationId(id)))?;
        if api.response_header_version(version).is_none() {
            return Ok(Some(IncomingResponse::Unknown(RawResponse {
                api_key: api,
                api_version: version,
                correlation_id: id,
                frame,
            })));
        }
        Ok(Some(IncomingResponse::Known(Box::new(
            self.decode_known(frame, api, version)?,
        ))))
    }
}

impl Encoder<RequestFrame> for ClientCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: RequestFrame, dst: &mut BytesMut) -> Result<(), FrameError> {
        let before = dst.len();
        frame.encode(dst)?;
        check_size(&self.frames, dst, before)?;
        let no_answer = matches!(&frame.body, AnyRequest::Produce(p) if p.acks == 0);
        if !no_answer {
            self.in_flight.insert(&frame.header);
        }
        Ok(())
    }
}

impl Encoder<RawRequest> for ClientCodec {
    type Error = FrameError;

    fn encode(&mut self, frame: RawRequest, dst: &mut BytesMut) -> Result<(), FrameError> {
        put_raw(&self.frames, &frame.frame, dst)?;
        self.in_flight
            .insert_id(frame.correlation_id, frame.api_key, frame.api_version);
        Ok(())
    }
}
