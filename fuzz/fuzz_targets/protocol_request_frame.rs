//! Request frames: any bytes through the frame codec and the request decoder
//! (api key and version come from the frame's own header). Whatever decodes
//! must re-encode (unless Kafka's writer would refuse it too) to a frame that
//! decodes to the same value (the same bytes when a NaN makes the values
//! unequal).
#![no_main]

use bytes::{Bytes, BytesMut};
use kafkawire::EncodeErrorKind;
use kafkawire::frame::{FrameCodec, RequestFrame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The frame layer, with a small maximum so size checks are exercised.
    let codec = FrameCodec::with_max_frame_size(1 << 16);
    let mut buf = BytesMut::from(data);
    let _ = codec.decode_request(&mut buf);

    // Strict decoding accepts only what re-encodes to the same bytes.
    if let Ok(frame) = RequestFrame::decode_strict(Bytes::copy_from_slice(data)) {
        let mut out = BytesMut::new();
        frame
            .encode(&mut out)
            .expect("a strictly decoded request re-encodes");
        assert_eq!(
            &out[4..],
            data,
            "strict decoding accepted a non-canonical frame"
        );
    }

    // The request decoder on the bytes as a frame body.
    if let Ok(frame) = RequestFrame::decode(Bytes::copy_from_slice(data)) {
        let mut out = BytesMut::new();
        // Kafka's reader accepts what its writer refuses (unknown tags out
        // of order, a string that outgrew the limit when its invalid UTF-8
        // was replaced); ours does the same, and refuses nothing else.
        if let Err(e) = frame.encode(&mut out) {
            assert!(
                matches!(
                    e.kind(),
                    EncodeErrorKind::UnknownTagOrder(_) | EncodeErrorKind::StringTooLong(_)
                ),
                "a decoded request does not re-encode: {e}"
            );
            return;
        }
        // `encode` writes the size prefix; the body follows it.
        let first = out.freeze();
        let again = RequestFrame::decode(first.slice(4..)).expect("a re-encoded request decodes");
        // Equal values, except that a float64 NaN is never equal to itself
        // (AlterClientQuotas carries float64s): then the bytes must agree.
        if again != frame {
            let mut second = BytesMut::new();
            again.encode(&mut second).expect("re-encodes");
            assert_eq!(second.freeze(), first, "{again:?} != {frame:?}");
        }
    }
});
