//! Request frames: any bytes through the frame codec and the request decoder
//! (api key and version come from the frame's own header). Whatever decodes
//! must re-encode to a frame that decodes to the same value (the same bytes
//! when a NaN makes the values unequal).
#![no_main]

use bytes::{Bytes, BytesMut};
use kafka_protocol::frame::{FrameCodec, RequestFrame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The frame layer, with a small maximum so size checks are exercised.
    let codec = FrameCodec::with_max_frame_size(1 << 16);
    let mut buf = BytesMut::from(data);
    let _ = codec.decode_request(&mut buf);

    // The request decoder on the bytes as a frame body.
    if let Ok(frame) = RequestFrame::decode(Bytes::copy_from_slice(data)) {
        let mut out = BytesMut::new();
        frame
            .encode(&mut out)
            .expect("a decoded request re-encodes");
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
