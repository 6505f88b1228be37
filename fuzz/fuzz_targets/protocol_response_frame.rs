//! Response frames: the api key and version of the request they answer are
//! taken from the first three input bytes, the rest is the frame body.
//! Whatever decodes must re-encode (unless Kafka's writer would refuse it
//! too) to a frame that decodes to the same value (the same bytes when a NaN
//! makes the values unequal).
#![no_main]

use bytes::{Bytes, BytesMut};
use kafkawire::frame::ResponseFrame;
use kafkawire::{ApiKey, EncodeErrorKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [k, v, rest @ ..] = data else { return };
    let keys: Vec<ApiKey> = ApiKey::all().collect();
    let api = keys[*k as usize % keys.len()];
    let range = api.versions().expect("known api");
    let span = (range.highest - range.lowest + 1) as u8;
    let version = range.lowest + (*v % span) as i16;
    if let Ok(frame) = ResponseFrame::decode(Bytes::copy_from_slice(rest), api, version) {
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
                "a decoded response does not re-encode: {e}"
            );
            return;
        }
        let first = out.freeze();
        let again = ResponseFrame::decode(first.slice(4..), api, version)
            .expect("a re-encoded response decodes");
        // Equal values, except that a float64 NaN is never equal to itself
        // (DescribeClientQuotas carries float64s): then the bytes must agree.
        if again != frame {
            let mut second = BytesMut::new();
            again.encode(&mut second).expect("re-encodes");
            assert_eq!(second.freeze(), first, "{again:?} != {frame:?}");
        }
    }
});
