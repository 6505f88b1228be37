//! Kafka's `SimpleExampleMessageTest`, `NullableStructMessageTest`,
//! `SimpleArraysMessageTest` and `RecordsSerdeTest`, on the same schemas
//! (`tests/schemas`), plus this crate's edge-case schema.

use super::{enc, hex, round_trip};
use crate::test_messages::edge_case_message::InnerStruct;
use crate::test_messages::nullable_struct_message::{MyStruct, MyStruct2, MyStruct3, MyStruct4};
use crate::test_messages::simple_arrays_message::StructArray;
use crate::test_messages::simple_example_message::{
    MyStruct as ExampleStruct, StructArray as ExampleArray, TaggedStruct, TestCommonStruct,
};
use crate::test_messages::{
    EdgeCaseMessage, NullableStructMessage, SimpleArraysMessage, SimpleExampleMessage,
    SimpleRecordsMessage,
};
use crate::{ByteString, DecodeErrorKind, EncodeErrorKind, Message, RawTaggedField, Uuid};
use bytes::Bytes;

// ---------------------------------------------------------- SimpleExampleMessage

#[test]
fn simple_example_defaults_read_back_when_tags_are_absent() {
    // v1 in wire order: processId (16 zero bytes), zeroCopyByteBuffer,
    // nullableZeroCopyByteBuffer, myCommonStruct, myOtherCommonStruct, myUint16,
    // myUint32, an empty tag section.
    let mut bytes = vec![0u8; 16];
    bytes.extend([1]); // zeroCopyByteBuffer: empty (compact length 0+1)
    bytes.extend([0]); // nullableZeroCopyByteBuffer: null
    bytes.extend([0, 0, 0, 1, 0, 0, 0, 2, 0]); // myCommonStruct {1, 2} + its tag section
    bytes.extend([0, 0, 0, 3, 0, 0, 0, 4, 0]); // myOtherCommonStruct {3, 4}
    bytes.extend([0x80, 0xe8]); // myUint16 = 33000
    bytes.extend(1_234_567u32.to_be_bytes());
    bytes.extend([0]); // no tagged fields
    let m = SimpleExampleMessage::decode_exact(Bytes::from(bytes), 1).unwrap();
    assert_eq!(m.process_id, Uuid::ZERO);
    assert!(m.my_tagged_int_array.is_empty());
    assert_eq!(m.my_nullable_string, None);
    assert_eq!(m.my_int16, 123);
    assert_eq!(m.my_float64, 12.34);
    assert_eq!(m.my_string, "");
    assert_eq!(m.my_bytes, Some(Bytes::new()));
    assert_eq!(m.tagged_uuid, "H3KKO4NTRPaCWtEmm3vW7A".parse().unwrap());
    assert_eq!(m.tagged_long, 0xcafcacafcacafca);
    assert_eq!(m.my_uint16, 33000);
    assert_eq!(m.my_uint32, 1_234_567);
    assert_eq!(m.my_common_struct.foo, 1);
    assert_eq!(m.my_other_common_struct.bar, 4);
    assert_eq!(m.nullable_zero_copy_byte_buffer, None);
    // The defaults of a fresh value are the schema's.
    let d = SimpleExampleMessage::default();
    assert_eq!(
        (d.my_int16, d.my_uint16, d.my_uint32),
        (123, 33000, 1_234_567)
    );
    assert_eq!((d.my_common_struct.foo, d.my_common_struct.bar), (123, 123));
}

#[test]
fn simple_example_tagged_fields_round_trip() {
    let mut m = SimpleExampleMessage::default();
    m.my_tagged_int_array = vec![1, 2, 3];
    m.my_nullable_string = Some("yes".into());
    m.my_int16 = -5;
    m.my_float64 = 1.5;
    m.my_string = "abc".into();
    m.my_bytes = Some(Bytes::from_static(b"\x01\x02"));
    m.tagged_uuid = Uuid::from_u64_pair(0x0123_4567_89ab_cdef, 1);
    m.tagged_long = 0x0102_0304_0506_0708;
    for v in 1..=2 {
        assert_eq!(round_trip(&m, v), m);
    }
    // Explicit null bytes: default is empty, so null is sent as tag 5, size 1, 00.
    let mut n = SimpleExampleMessage::default();
    n.my_bytes = None;
    let bytes = enc(&n, 1);
    assert!(bytes.ends_with(&[1, 5, 1, 0]), "{bytes:?}");
    assert_eq!(round_trip(&n, 1), n);
}

#[test]
fn simple_example_tagged_values_are_omitted_at_default() {
    // Only the mandatory fields and an empty tag section.
    let bytes = enc(&SimpleExampleMessage::default(), 1);
    assert_eq!(bytes.last(), Some(&0));
    // A tagged nullable string with default null holding "ab": tag 1, size 3, 03 'a' 'b'.
    let mut m = SimpleExampleMessage::default();
    m.my_nullable_string = Some("ab".into());
    assert!(enc(&m, 1).ends_with(&hex("01 01 03 03 61 62")));
}

#[test]
fn simple_example_struct_fields() {
    let mut m = SimpleExampleMessage::default();
    m.my_struct = ExampleStruct::default();
    m.my_struct.struct_id = 10;
    m.my_struct.array_in_struct = vec![ExampleArray::default(), {
        let mut a = ExampleArray::default();
        a.array_field_id = 7;
        a
    }];
    assert_eq!(round_trip(&m, 2), m);
    // myStruct exists only from v2 and is not ignorable.
    let err = m.to_bytes(1).unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::NonDefaultField {
            field: "myStruct",
            version: 1
        }
    );
    assert!(err.to_string().contains("myStruct"), "{err}");
}

#[test]
fn simple_example_tagged_struct_and_common_structs() {
    let mut m = SimpleExampleMessage::default();
    m.my_tagged_struct = TaggedStruct::default();
    m.my_tagged_struct.struct_id = "abc".into();
    m.my_common_struct = TestCommonStruct::default();
    m.my_common_struct.foo = 1;
    m.my_other_common_struct.bar = 4;
    assert_eq!(round_trip(&m, 2), m);
}

#[test]
fn simple_example_tag_in_a_subset_of_flexible_versions_is_dropped() {
    let mut m = SimpleExampleMessage::default();
    m.tagged_long_flexible_version_subset = 15;
    assert_eq!(round_trip(&m, 2).tagged_long_flexible_version_subset, 15);
    // Ignorable and absent at v1: dropped, reads back as the default.
    let back = round_trip(&m, 1);
    assert_eq!(back, SimpleExampleMessage::default());
}

#[test]
fn simple_example_unsigned_extremes() {
    let mut m = SimpleExampleMessage::default();
    m.my_uint16 = u16::MAX;
    m.my_uint32 = u32::MAX;
    let back = round_trip(&m, 1);
    assert_eq!((back.my_uint16, back.my_uint32), (u16::MAX, u32::MAX));
}

#[test]
fn long_tagged_string_size_takes_two_varint_bytes() {
    let mut m = SimpleExampleMessage::default();
    m.my_string = ByteString::from("x".repeat(1024));
    let bytes = enc(&m, 1);
    // ... tag 4, size 1026 (0x82 0x08), compact length 1025 (0x81 0x08) ...
    let needle = hex("04 82 08 81 08");
    assert!(
        bytes.windows(needle.len()).any(|w| w == needle),
        "size prefix not found"
    );
    assert_eq!(round_trip(&m, 1), m);
}

// ---------------------------------------------------------- NullableStructMessage

#[test]
fn nullable_struct_defaults() {
    let m = NullableStructMessage::default();
    assert_eq!(m.nullable_struct, None);
    assert_eq!(m.nullable_struct2, Some(MyStruct2::default()));
    assert_eq!(m.nullable_struct3, None);
    assert_eq!(m.nullable_struct4, Some(MyStruct4::default()));
}

#[test]
fn nullable_struct_round_trips_with_all_set_and_all_null() {
    let mut m = NullableStructMessage::default();
    m.nullable_struct = Some({
        let mut s = MyStruct::default();
        s.my_string = "a".into();
        s.my_int = 1;
        s
    });
    m.nullable_struct2 = Some(MyStruct2::default());
    m.nullable_struct3 = Some({
        let mut s = MyStruct3::default();
        s.my_int = 3;
        s
    });
    m.nullable_struct4 = Some({
        let mut s = MyStruct4::default();
        s.my_string = "d".into();
        s
    });
    assert_eq!(round_trip(&m, 2), m);

    let mut n = NullableStructMessage::default();
    n.nullable_struct2 = None;
    n.nullable_struct4 = None;
    let back = round_trip(&n, 2);
    assert_eq!(back, n);
    // NullableStruct4's default is an empty struct, so null is sent explicitly:
    // tag 1, size 1, marker 00; NullableStruct3 (default null) is omitted.
    assert!(enc(&n, 2).ends_with(&hex("01 01 01 00")));
}

#[test]
fn nullable_struct_markers_on_the_wire() {
    let mut m = NullableStructMessage::default();
    m.nullable_struct = None;
    m.nullable_struct2 = Some(MyStruct2::default());
    // v0: NullableStruct null = int8 -1; NullableStruct2 is not nullable in v0,
    // so it has no marker: string "" (00 00) and int32 0.
    assert_eq!(enc(&m, 0), hex("ff 00 00 00 00 00 00"));
    // v1: NullableStruct2 nullable: marker 01, compact "" (01), int32 0, its own
    // empty tag section; then the message's tag section (NullableStruct4 at its
    // default, an empty struct, is omitted).
    assert_eq!(enc(&m, 1), hex("ff 01 01 00 00 00 00 00 00"));
    // Tagged present struct: tag 1, size = 1 + struct, marker 01.
    let mut t = NullableStructMessage::default();
    t.nullable_struct4 = Some({
        let mut s = MyStruct4::default();
        s.my_int = 7;
        s
    });
    // count 1, tag 1, size 7 = marker + "" + int32 + tag section.
    assert!(enc(&t, 1).ends_with(&hex("01 01 07 01 01 00 00 00 07 00")));
}

#[test]
fn nullable_struct_null_where_not_nullable_is_an_encode_error() {
    let mut m = NullableStructMessage::default();
    m.nullable_struct2 = None;
    let err = m.to_bytes(0).unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::NullNotAllowed {
            field: "NullableStruct2",
            version: 0
        }
    );
    assert_eq!(err.path_string(), "NullableStruct2");
}

// ---------------------------------------------------------- SimpleArraysMessage

#[test]
fn simple_arrays_count_past_the_end() {
    // v2: Goats claims 126 elements (compact 127) with 7 bytes left.
    let err = SimpleArraysMessage::decode_exact(hex("7f 01 02 03 04 05 06 07"), 2).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::ArrayTooLarge {
            count: 126,
            remaining: 7
        }
    );
    assert_eq!(err.path_string(), "Goats");
    assert!(err.to_string().contains(
        "tried to allocate a collection of size 126, but there are only 7 bytes remaining"
    ));
    // The second array: Goats empty, Sheep claims 126 int32s with 6 bytes left.
    let err = SimpleArraysMessage::decode_exact(hex("01 7f 01 02 03 04 05 06"), 2).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::ArrayTooLarge {
            count: 126,
            remaining: 6
        }
    );
    assert_eq!(err.path_string(), "Sheep");
}

#[test]
fn simple_arrays_round_trip() {
    let mut m = SimpleArraysMessage::default();
    let mut g = StructArray::default();
    g.color = 3;
    g.name = "billy".into();
    m.goats = vec![g.clone(), StructArray::default()];
    m.sheep = vec![1, -1, i32::MAX];
    assert_eq!(round_trip(&m, 2), m);
    // v1 has no Name: a non-default name is not ignorable.
    assert!(matches!(
        m.to_bytes(1).unwrap_err().kind(),
        EncodeErrorKind::NonDefaultField { field: "Name", .. }
    ));
    // v0 has no Goats.
    assert!(matches!(
        m.to_bytes(0).unwrap_err().kind(),
        EncodeErrorKind::NonDefaultField { field: "Goats", .. }
    ));
}

// ---------------------------------------------------------- SimpleRecordsMessage

#[test]
fn records_null_empty_and_non_empty_at_every_version() {
    for records in [
        None,
        Some(Bytes::new()),
        Some(Bytes::from_static(b"records!")),
    ] {
        for v in 0..=1 {
            let mut m = SimpleRecordsMessage::default();
            m.topic = "t".into();
            m.record_set = records.clone();
            assert_eq!(round_trip(&m, v), m, "v{v} {records:?}");
        }
    }
    let mut m = SimpleRecordsMessage::default();
    m.record_set = None;
    assert_eq!(enc(&m, 0), hex("00 00 ff ff ff ff"));
    assert_eq!(enc(&m, 1), hex("01 00 00"));
}

// ---------------------------------------------------------- EdgeCaseMessage

#[test]
fn mandatory_then_tagged_field() {
    let mut m = EdgeCaseMessage::default();
    m.mandatory_then_tagged = 5;
    // Mandatory at v2: in place.
    let v2 = enc(&m, 2);
    assert_eq!(&v2[1..5], &5i32.to_be_bytes());
    // Tagged at v3: in the tag section as tag 0.
    assert_eq!(round_trip(&m, 3), m);
    assert_eq!(round_trip(&m, 2), m);
    // At its default it is not written at v3 at all.
    let d = EdgeCaseMessage::default();
    assert!(enc(&d, 3).len() < enc(&m, 3).len());
}

#[test]
fn tag_known_only_in_later_versions_is_rejected_as_kafka_does() {
    let mut m = EdgeCaseMessage::default();
    m.late_tag = Some("x".into());
    assert_eq!(round_trip(&m, 4), m);
    // A v3 message whose tag section carries tag 1, which v3 does not define.
    let v3 = enc(&EdgeCaseMessage::default(), 3);
    assert_eq!(v3.last(), Some(&0));
    let mut bytes = v3[..v3.len() - 1].to_vec();
    bytes.extend([1, 1, 2, 2, b'x']);
    let err = EdgeCaseMessage::decode_exact(Bytes::from(bytes), 3).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::TagNotValid { tag: 1, version: 3 }
    );
    assert_eq!(err.path_string(), "LateTag");
    // Writing it at v3 is a non-default value in a version without the field.
    assert!(matches!(
        m.to_bytes(3).unwrap_err().kind(),
        EncodeErrorKind::NonDefaultField {
            field: "LateTag",
            version: 3
        }
    ));
    // An unknown field may not borrow that tag either (Kafka could not read it).
    let mut u = EdgeCaseMessage::default();
    u.unknown_tagged_fields = vec![RawTaggedField {
        tag: 1,
        data: Bytes::from_static(b"\x00"),
    }];
    assert_eq!(
        u.to_bytes(3).unwrap_err().kind(),
        EncodeErrorKind::UnknownTagCollision(1)
    );
}

#[test]
fn field_level_flexible_versions_none_keeps_int16_lengths() {
    let mut m = EdgeCaseMessage::default();
    m.old_style_name = Some("ab".into());
    let bytes = enc(&m, 4);
    let needle = hex("00 02 61 62");
    assert!(bytes.windows(4).any(|w| w == needle), "{bytes:?}");
    m.old_style_name = None;
    assert!(enc(&m, 4).windows(2).any(|w| w == [0xff, 0xff]));
}

#[test]
fn bounded_nullable_range_and_keywords() {
    let mut m = EdgeCaseMessage::default();
    m.r#type = 3;
    m.ids = None;
    for v in 1..=3 {
        assert_eq!(round_trip(&m, v), m);
    }
    for v in [0, 4] {
        assert!(matches!(
            m.to_bytes(v).unwrap_err().kind(),
            EncodeErrorKind::NullNotAllowed { field: "Ids", .. }
        ));
    }
    let mut inner = InnerStruct::default();
    inner.r#match = 9;
    m.inner = inner;
    m.ids = Some(vec![]);
    assert_eq!(round_trip(&m, 3), m);
}

#[test]
fn removed_non_ignorable_and_ignorable_fields() {
    let mut m = EdgeCaseMessage::default();
    m.removed = 8;
    assert!(matches!(
        m.to_bytes(2).unwrap_err().kind(),
        EncodeErrorKind::NonDefaultField {
            field: "Removed",
            version: 2
        }
    ));
    let mut d = EdgeCaseMessage::default();
    d.dropped = true;
    assert!(round_trip(&d, 1).dropped);
    assert!(!round_trip(&d, 2).dropped);
}
