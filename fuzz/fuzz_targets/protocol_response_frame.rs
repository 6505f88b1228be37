//! Response frames: the api key and version of the request they answer are
//! taken from the first three input bytes, the rest is the frame body.
//! Whatever decodes must re-encode to a frame that decodes to the same value
//! (the same bytes when a NaN makes the values unequal).
#![no_main]

use bytes::{Bytes, BytesMut};
use kafka_protocol::ApiKey;
use kafka_protocol::frame::ResponseFrame;
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
        frame
            .encode(&mut out)
            .expect("a decoded response re-encodes");
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
