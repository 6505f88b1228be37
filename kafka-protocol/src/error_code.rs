//! Kafka's error codes: the `ErrorCode` field of nearly every response.
//!
//! [`ErrorCode`] is open: a code from a newer broker is representable and
//! prints as `unknown error code N`. Known codes carry Kafka's name
//! (`UNKNOWN_TOPIC_OR_PARTITION`), its default message, and whether Kafka's
//! Java client treats the error as retriable (its exception is a
//! `RetriableException`).
//!
//! The table covers every code from -1 to 136 as Kafka's
//! `clients/src/main/java/org/apache/kafka/common/protocol/Errors.java`
//! defines them (129-133, `REBOOTSTRAP_REQUIRED` to
//! `SHARE_SESSION_LIMIT_REACHED`, came with Kafka 4.0-4.1; 134-136,
//! `GROUP_DELETION_FAILED` to `CONTROLLER_ID_NOT_REGISTERED`, with 4.4.0,
//! checked against the `Errors` class of the 4.4.0 `kafka-clients` jar). A
//! newer code still decodes and prints, as an unknown code.
//!
//! ```
//! use kafkawire::ErrorCode;
//! use kafkawire::messages::ApiVersionsResponse;
//!
//! let response = ApiVersionsResponse::default().with_error_code(35);
//! let error = ErrorCode::from(response.error_code);
//! assert_eq!(error, ErrorCode::UNSUPPORTED_VERSION);
//! assert_eq!(error.to_string(), "UNSUPPORTED_VERSION");
//! assert_eq!(error.message(), Some("The version of API is not supported."));
//! assert!(!error.is_retriable());
//! assert!(ErrorCode::NOT_LEADER_OR_FOLLOWER.is_retriable());
//! assert_eq!(ErrorCode(1000).to_string(), "unknown error code 1000");
//! ```

use std::fmt;

/// A Kafka error code. Open: any `i16` is one, known or not.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ErrorCode(pub i16);

struct Entry {
    name: &'static str,
    message: &'static str,
    retriable: bool,
}

/// The lowest known code.
const LOWEST: i16 = -1;

/// Codes -1 to 136, in order (index = code + 1).
static TABLE: &[Entry] = &[
    Entry {
        name: "UNKNOWN_SERVER_ERROR",
        message: "The server experienced an unexpected error when processing the request.",
        retriable: false,
    },
    Entry {
        name: "NONE",
        message: "",
        retriable: false,
    },
    Entry {
        name: "OFFSET_OUT_OF_RANGE",
        message: "The requested offset is not within the range of offsets maintained by the server.",
        retriable: false,
    },
    Entry {
        name: "CORRUPT_MESSAGE",
        message: "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.",
        retriable: true,
    },
    Entry {
        name: "UNKNOWN_TOPIC_OR_PARTITION",
        message: "This server does not host this topic-partition.",
        retriable: true,
    },
    Entry {
        name: "INVALID_FETCH_SIZE",
        message: "The requested fetch size is invalid.",
        retriable: false,
    },
    Entry {
        name: "LEADER_NOT_AVAILABLE",
        message: "There is no leader for this topic-partition as we are in the middle of a leadership election.",
        retriable: true,
    },
    Entry {
        name: "NOT_LEADER_OR_FOLLOWER",
        message: "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.",
        retriable: true,
    },
    Entry {
        name: "REQUEST_TIMED_OUT",
        message: "The request timed out.",
        retriable: true,
    },
    Entry {
        name: "BROKER_NOT_AVAILABLE",
        message: "The broker is not available.",
        retriable: false,
    },
    Entry {
        name: "REPLICA_NOT_AVAILABLE",
        message: "The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition.",
        retriable: true,
    },
    Entry {
        name: "MESSAGE_TOO_LARGE",
        message: "The request included a message larger than the max message size the server will accept.",
        retriable: false,
    },
    Entry {
        name: "STALE_CONTROLLER_EPOCH",
        message: "The controller moved to another broker.",
        retriable: false,
    },
    Entry {
        name: "OFFSET_METADATA_TOO_LARGE",
        message: "The metadata field of the offset request was too large.",
        retriable: false,
    },
    Entry {
        name: "NETWORK_EXCEPTION",
        message: "The server disconnected before a response was received.",
        retriable: true,
    },
    Entry {
        name: "COORDINATOR_LOAD_IN_PROGRESS",
        message: "The coordinator is loading and hence can't process requests.",
        retriable: true,
    },
    Entry {
        name: "COORDINATOR_NOT_AVAILABLE",
        message: "The coordinator is not available.",
        retriable: true,
    },
    Entry {
        name: "NOT_COORDINATOR",
        message: "This is not the correct coordinator.",
        retriable: true,
    },
    Entry {
        name: "INVALID_TOPIC_EXCEPTION",
        message: "The request attempted to perform an operation on an invalid topic.",
        retriable: false,
    },
    Entry {
        name: "RECORD_LIST_TOO_LARGE",
        message: "The request included message batch larger than the configured segment size on the server.",
        retriable: false,
    },
    Entry {
        name: "NOT_ENOUGH_REPLICAS",
        message: "Messages are rejected since there are fewer in-sync replicas than required.",
        retriable: true,
    },
    Entry {
        name: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        message: "Messages are written to the log, but to fewer in-sync replicas than required.",
        retriable: true,
    },
    Entry {
        name: "INVALID_REQUIRED_ACKS",
        message: "Produce request specified an invalid value for required acks.",
        retriable: false,
    },
    Entry {
        name: "ILLEGAL_GENERATION",
        message: "Specified group generation id is not valid.",
        retriable: false,
    },
    Entry {
        name: "INCONSISTENT_GROUP_PROTOCOL",
        message: "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.",
        retriable: false,
    },
    Entry {
        name: "INVALID_GROUP_ID",
        message: "The configured groupId is invalid.",
        retriable: false,
    },
    Entry {
        name: "UNKNOWN_MEMBER_ID",
        message: "The coordinator is not aware of this member.",
        retriable: false,
    },
    Entry {
        name: "INVALID_SESSION_TIMEOUT",
        message: "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).",
        retriable: false,
    },
    Entry {
        name: "REBALANCE_IN_PROGRESS",
        message: "The group is rebalancing, so a rejoin is needed.",
        retriable: false,
    },
    Entry {
        name: "INVALID_COMMIT_OFFSET_SIZE",
        message: "The committing offset data size is not valid.",
        retriable: false,
    },
    Entry {
        name: "TOPIC_AUTHORIZATION_FAILED",
        message: "Topic authorization failed.",
        retriable: false,
    },
    Entry {
        name: "GROUP_AUTHORIZATION_FAILED",
        message: "Group authorization failed.",
        retriable: false,
    },
    Entry {
        name: "CLUSTER_AUTHORIZATION_FAILED",
        message: "Cluster authorization failed.",
        retriable: false,
    },
    Entry {
        name: "INVALID_TIMESTAMP",
        message: "The timestamp of the message is out of acceptable range.",
        retriable: false,
    },
    Entry {
        name: "UNSUPPORTED_SASL_MECHANISM",
        message: "The broker does not support the requested SASL mechanism.",
        retriable: false,
    },
    Entry {
        name: "ILLEGAL_SASL_STATE",
        message: "Request is not valid given the current SASL state.",
        retriable: false,
    },
    Entry {
        name: "UNSUPPORTED_VERSION",
        message: "The version of API is not supported.",
        retriable: false,
    },
    Entry {
        name: "TOPIC_ALREADY_EXISTS",
        message: "Topic with this name already exists.",
        retriable: false,
    },
    Entry {
        name: "INVALID_PARTITIONS",
        message: "Number of partitions is below 1.",
        retriable: false,
    },
    Entry {
        name: "INVALID_REPLICATION_FACTOR",
        message: "Replication factor is below 1 or larger than the number of available brokers.",
        retriable: false,
    },
    Entry {
        name: "INVALID_REPLICA_ASSIGNMENT",
        message: "Replica assignment is invalid.",
        retriable: false,
    },
    Entry {
        name: "INVALID_CONFIG",
        message: "Configuration is invalid.",
        retriable: false,
    },
    Entry {
        name: "NOT_CONTROLLER",
        message: "This is not the correct controller for this cluster.",
        retriable: true,
    },
    Entry {
        name: "INVALID_REQUEST",
        message: "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.",
        retriable: false,
    },
    Entry {
        name: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
        message: "The message format version on the broker does not support the request.",
        retriable: false,
    },
    Entry {
        name: "POLICY_VIOLATION",
        message: "Request parameters do not satisfy the configured policy.",
        retriable: false,
    },
    Entry {
        name: "OUT_OF_ORDER_SEQUENCE_NUMBER",
        message: "The broker received an out of order sequence number.",
        retriable: false,
    },
    Entry {
        name: "DUPLICATE_SEQUENCE_NUMBER",
        message: "The broker received a duplicate sequence number.",
        retriable: false,
    },
    Entry {
        name: "INVALID_PRODUCER_EPOCH",
        message: "Producer attempted to produce with an old epoch.",
        retriable: false,
    },
    Entry {
        name: "INVALID_TXN_STATE",
        message: "The producer attempted a transactional operation in an invalid state.",
        retriable: false,
    },
    Entry {
        name: "INVALID_PRODUCER_ID_MAPPING",
        message: "The producer attempted to use a producer id which is not currently assigned to its transactional id.",
        retriable: false,
    },
    Entry {
        name: "INVALID_TRANSACTION_TIMEOUT",
        message: "The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).",
        retriable: false,
    },
    Entry {
        name: "CONCURRENT_TRANSACTIONS",
        message: "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.",
        retriable: true,
    },
    Entry {
        name: "TRANSACTION_COORDINATOR_FENCED",
        message: "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.",
        retriable: false,
    },
    Entry {
        name: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
        message: "Transactional Id authorization failed.",
        retriable: false,
    },
    Entry {
        name: "SECURITY_DISABLED",
        message: "Security features are disabled.",
        retriable: false,
    },
    Entry {
        name: "OPERATION_NOT_ATTEMPTED",
        message: "The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.",
        retriable: false,
    },
    Entry {
        name: "KAFKA_STORAGE_ERROR",
        message: "Disk error when trying to access log file on the disk.",
        retriable: true,
    },
    Entry {
        name: "LOG_DIR_NOT_FOUND",
        message: "The user-specified log directory is not found in the broker config.",
        retriable: false,
    },
    Entry {
        name: "SASL_AUTHENTICATION_FAILED",
        message: "SASL Authentication failed.",
        retriable: false,
    },
    Entry {
        name: "UNKNOWN_PRODUCER_ID",
        message: "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception.",
        retriable: false,
    },
    Entry {
        name: "REASSIGNMENT_IN_PROGRESS",
        message: "A partition reassignment is in progress.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_AUTH_DISABLED",
        message: "Delegation Token feature is not enabled.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_NOT_FOUND",
        message: "Delegation Token is not found on server.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_OWNER_MISMATCH",
        message: "Specified Principal is not valid Owner/Renewer.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED",
        message: "Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
        message: "Delegation Token authorization failed.",
        retriable: false,
    },
    Entry {
        name: "DELEGATION_TOKEN_EXPIRED",
        message: "Delegation Token is expired.",
        retriable: false,
    },
    Entry {
        name: "INVALID_PRINCIPAL_TYPE",
        message: "Supplied principalType is not supported.",
        retriable: false,
    },
    Entry {
        name: "NON_EMPTY_GROUP",
        message: "The group is not empty.",
        retriable: false,
    },
    Entry {
        name: "GROUP_ID_NOT_FOUND",
        message: "The group id does not exist.",
        retriable: false,
    },
    Entry {
        name: "FETCH_SESSION_ID_NOT_FOUND",
        message: "The fetch session ID was not found.",
        retriable: true,
    },
    Entry {
        name: "INVALID_FETCH_SESSION_EPOCH",
        message: "The fetch session epoch is invalid.",
        retriable: true,
    },
    Entry {
        name: "LISTENER_NOT_FOUND",
        message: "There is no listener on the leader broker that matches the listener on which metadata request was processed.",
        retriable: true,
    },
    Entry {
        name: "TOPIC_DELETION_DISABLED",
        message: "Topic deletion is disabled.",
        retriable: false,
    },
    Entry {
        name: "FENCED_LEADER_EPOCH",
        message: "The leader epoch in the request is older than the epoch on the broker.",
        retriable: true,
    },
    Entry {
        name: "UNKNOWN_LEADER_EPOCH",
        message: "The leader epoch in the request is newer than the epoch on the broker.",
        retriable: true,
    },
    Entry {
        name: "UNSUPPORTED_COMPRESSION_TYPE",
        message: "The requesting client does not support the compression type of given partition.",
        retriable: false,
    },
    Entry {
        name: "STALE_BROKER_EPOCH",
        message: "Broker epoch has changed.",
        retriable: false,
    },
    Entry {
        name: "OFFSET_NOT_AVAILABLE",
        message: "The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.",
        retriable: true,
    },
    Entry {
        name: "MEMBER_ID_REQUIRED",
        message: "The group member needs to have a valid member id before actually entering a consumer group.",
        retriable: false,
    },
    Entry {
        name: "PREFERRED_LEADER_NOT_AVAILABLE",
        message: "The preferred leader was not available.",
        retriable: true,
    },
    Entry {
        name: "GROUP_MAX_SIZE_REACHED",
        message: "The consumer group has reached its max size.",
        retriable: false,
    },
    Entry {
        name: "FENCED_INSTANCE_ID",
        message: "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.",
        retriable: false,
    },
    Entry {
        name: "ELIGIBLE_LEADERS_NOT_AVAILABLE",
        message: "Eligible topic partition leaders are not available.",
        retriable: true,
    },
    Entry {
        name: "ELECTION_NOT_NEEDED",
        message: "Leader election not needed for topic partition.",
        retriable: true,
    },
    Entry {
        name: "NO_REASSIGNMENT_IN_PROGRESS",
        message: "No partition reassignment is in progress.",
        retriable: false,
    },
    Entry {
        name: "GROUP_SUBSCRIBED_TO_TOPIC",
        message: "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
        retriable: false,
    },
    Entry {
        name: "INVALID_RECORD",
        message: "This record has failed the validation on broker and hence will be rejected.",
        retriable: false,
    },
    Entry {
        name: "UNSTABLE_OFFSET_COMMIT",
        message: "There are unstable offsets that need to be cleared.",
        retriable: true,
    },
    Entry {
        name: "THROTTLING_QUOTA_EXCEEDED",
        message: "The throttling quota has been exceeded.",
        retriable: true,
    },
    Entry {
        name: "PRODUCER_FENCED",
        message: "There is a newer producer with the same transactionalId which fences the current one.",
        retriable: false,
    },
    Entry {
        name: "RESOURCE_NOT_FOUND",
        message: "A request illegally referred to a resource that does not exist.",
        retriable: false,
    },
    Entry {
        name: "DUPLICATE_RESOURCE",
        message: "A request illegally referred to the same resource twice.",
        retriable: false,
    },
    Entry {
        name: "UNACCEPTABLE_CREDENTIAL",
        message: "Requested credential would not meet criteria for acceptability.",
        retriable: false,
    },
    Entry {
        name: "INCONSISTENT_VOTER_SET",
        message: "Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.",
        retriable: false,
    },
    Entry {
        name: "INVALID_UPDATE_VERSION",
        message: "The given update version was invalid.",
        retriable: false,
    },
    Entry {
        name: "FEATURE_UPDATE_FAILED",
        message: "Unable to update finalized features due to an unexpected server error.",
        retriable: false,
    },
    Entry {
        name: "PRINCIPAL_DESERIALIZATION_FAILURE",
        message: "Request principal deserialization failed during forwarding. This indicates an internal error on the broker cluster security setup.",
        retriable: false,
    },
    Entry {
        name: "SNAPSHOT_NOT_FOUND",
        message: "Requested snapshot was not found.",
        retriable: false,
    },
    Entry {
        name: "POSITION_OUT_OF_RANGE",
        message: "Requested position is not greater than or equal to zero, and less than the size of the snapshot.",
        retriable: false,
    },
    Entry {
        name: "UNKNOWN_TOPIC_ID",
        message: "This server does not host this topic ID.",
        retriable: true,
    },
    Entry {
        name: "DUPLICATE_BROKER_REGISTRATION",
        message: "This broker ID is already in use.",
        retriable: false,
    },
    Entry {
        name: "BROKER_ID_NOT_REGISTERED",
        message: "The given broker ID was not registered.",
        retriable: false,
    },
    Entry {
        name: "INCONSISTENT_TOPIC_ID",
        message: "The log's topic ID did not match the topic ID in the request.",
        retriable: true,
    },
    Entry {
        name: "INCONSISTENT_CLUSTER_ID",
        message: "The clusterId in the request does not match that found on the server.",
        retriable: false,
    },
    Entry {
        name: "TRANSACTIONAL_ID_NOT_FOUND",
        message: "The transactionalId could not be found.",
        retriable: false,
    },
    Entry {
        name: "FETCH_SESSION_TOPIC_ID_ERROR",
        message: "The fetch session encountered inconsistent topic ID usage.",
        retriable: true,
    },
    Entry {
        name: "INELIGIBLE_REPLICA",
        message: "The new ISR contains at least one ineligible replica.",
        retriable: false,
    },
    Entry {
        name: "NEW_LEADER_ELECTED",
        message: "The AlterPartition request successfully updated the partition state but the leader has changed.",
        retriable: false,
    },
    Entry {
        name: "OFFSET_MOVED_TO_TIERED_STORAGE",
        message: "The requested offset is moved to tiered storage.",
        retriable: false,
    },
    Entry {
        name: "FENCED_MEMBER_EPOCH",
        message: "The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.",
        retriable: false,
    },
    Entry {
        name: "UNRELEASED_INSTANCE_ID",
        message: "The instance ID is still used by another member in the consumer group. That member must leave first.",
        retriable: false,
    },
    Entry {
        name: "UNSUPPORTED_ASSIGNOR",
        message: "The assignor or its version range is not supported by the consumer group.",
        retriable: false,
    },
    Entry {
        name: "STALE_MEMBER_EPOCH",
        message: "The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.",
        retriable: false,
    },
    Entry {
        name: "MISMATCHED_ENDPOINT_TYPE",
        message: "The request was sent to an endpoint of the wrong type.",
        retriable: false,
    },
    Entry {
        name: "UNSUPPORTED_ENDPOINT_TYPE",
        message: "This endpoint type is not supported yet.",
        retriable: false,
    },
    Entry {
        name: "UNKNOWN_CONTROLLER_ID",
        message: "This controller ID is not known.",
        retriable: false,
    },
    Entry {
        name: "UNKNOWN_SUBSCRIPTION_ID",
        message: "Client sent a push telemetry request with an invalid or outdated subscription ID.",
        retriable: false,
    },
    Entry {
        name: "TELEMETRY_TOO_LARGE",
        message: "Client sent a push telemetry request larger than the maximum size the broker will accept.",
        retriable: false,
    },
    Entry {
        name: "INVALID_REGISTRATION",
        message: "The controller has considered the broker registration to be invalid.",
        retriable: false,
    },
    Entry {
        name: "TRANSACTION_ABORTABLE",
        message: "The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.",
        retriable: false,
    },
    Entry {
        name: "INVALID_RECORD_STATE",
        message: "The record state is invalid. The acknowledgement of delivery could not be completed.",
        retriable: false,
    },
    Entry {
        name: "SHARE_SESSION_NOT_FOUND",
        message: "The share session was not found.",
        retriable: true,
    },
    Entry {
        name: "INVALID_SHARE_SESSION_EPOCH",
        message: "The share session epoch is invalid.",
        retriable: true,
    },
    Entry {
        name: "FENCED_STATE_EPOCH",
        message: "The share coordinator rejected the request because the share-group state epoch did not match.",
        retriable: false,
    },
    Entry {
        name: "INVALID_VOTER_KEY",
        message: "The voter key doesn't match the receiving replica's key.",
        retriable: false,
    },
    Entry {
        name: "DUPLICATE_VOTER",
        message: "The voter is already part of the set of voters.",
        retriable: false,
    },
    Entry {
        name: "VOTER_NOT_FOUND",
        message: "The voter is not part of the set of voters.",
        retriable: false,
    },
    Entry {
        name: "INVALID_REGULAR_EXPRESSION",
        message: "The regular expression is not valid.",
        retriable: false,
    },
    Entry {
        name: "REBOOTSTRAP_REQUIRED",
        message: "Client metadata is stale. The client should rebootstrap to obtain new metadata.",
        retriable: false,
    },
    Entry {
        name: "STREAMS_INVALID_TOPOLOGY",
        message: "The supplied topology is invalid.",
        retriable: false,
    },
    Entry {
        name: "STREAMS_INVALID_TOPOLOGY_EPOCH",
        message: "The supplied topology epoch is invalid.",
        retriable: false,
    },
    Entry {
        name: "STREAMS_TOPOLOGY_FENCED",
        message: "The supplied topology epoch is outdated.",
        retriable: false,
    },
    Entry {
        name: "SHARE_SESSION_LIMIT_REACHED",
        message: "The limit of share sessions has been reached.",
        retriable: true,
    },
    Entry {
        name: "GROUP_DELETION_FAILED",
        message: "DeleteGroups could not complete; see the error message on the per-group result for details.",
        retriable: false,
    },
    Entry {
        name: "STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED",
        message: "The broker could not process the topology description update; see the error message for details.",
        retriable: false,
    },
    Entry {
        name: "CONTROLLER_ID_NOT_REGISTERED",
        message: "The given controller ID was not registered.",
        retriable: false,
    },
];

impl ErrorCode {
    /// -1: The server experienced an unexpected error when processing the request.
    pub const UNKNOWN_SERVER_ERROR: ErrorCode = ErrorCode(-1);
    /// 0: No error.
    pub const NONE: ErrorCode = ErrorCode(0);
    /// 1: The requested offset is not within the range of offsets maintained by the server.
    pub const OFFSET_OUT_OF_RANGE: ErrorCode = ErrorCode(1);
    /// 2: This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt. Retriable.
    pub const CORRUPT_MESSAGE: ErrorCode = ErrorCode(2);
    /// 3: This server does not host this topic-partition. Retriable.
    pub const UNKNOWN_TOPIC_OR_PARTITION: ErrorCode = ErrorCode(3);
    /// 4: The requested fetch size is invalid.
    pub const INVALID_FETCH_SIZE: ErrorCode = ErrorCode(4);
    /// 5: There is no leader for this topic-partition as we are in the middle of a leadership election. Retriable.
    pub const LEADER_NOT_AVAILABLE: ErrorCode = ErrorCode(5);
    /// 6: For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition. Retriable.
    pub const NOT_LEADER_OR_FOLLOWER: ErrorCode = ErrorCode(6);
    /// 7: The request timed out. Retriable.
    pub const REQUEST_TIMED_OUT: ErrorCode = ErrorCode(7);
    /// 8: The broker is not available.
    pub const BROKER_NOT_AVAILABLE: ErrorCode = ErrorCode(8);
    /// 9: The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition. Retriable.
    pub const REPLICA_NOT_AVAILABLE: ErrorCode = ErrorCode(9);
    /// 10: The request included a message larger than the max message size the server will accept.
    pub const MESSAGE_TOO_LARGE: ErrorCode = ErrorCode(10);
    /// 11: The controller moved to another broker.
    pub const STALE_CONTROLLER_EPOCH: ErrorCode = ErrorCode(11);
    /// 12: The metadata field of the offset request was too large.
    pub const OFFSET_METADATA_TOO_LARGE: ErrorCode = ErrorCode(12);
    /// 13: The server disconnected before a response was received. Retriable.
    pub const NETWORK_EXCEPTION: ErrorCode = ErrorCode(13);
    /// 14: The coordinator is loading and hence can't process requests. Retriable.
    pub const COORDINATOR_LOAD_IN_PROGRESS: ErrorCode = ErrorCode(14);
    /// 15: The coordinator is not available. Retriable.
    pub const COORDINATOR_NOT_AVAILABLE: ErrorCode = ErrorCode(15);
    /// 16: This is not the correct coordinator. Retriable.
    pub const NOT_COORDINATOR: ErrorCode = ErrorCode(16);
    /// 17: The request attempted to perform an operation on an invalid topic.
    pub const INVALID_TOPIC_EXCEPTION: ErrorCode = ErrorCode(17);
    /// 18: The request included message batch larger than the configured segment size on the server.
    pub const RECORD_LIST_TOO_LARGE: ErrorCode = ErrorCode(18);
    /// 19: Messages are rejected since there are fewer in-sync replicas than required. Retriable.
    pub const NOT_ENOUGH_REPLICAS: ErrorCode = ErrorCode(19);
    /// 20: Messages are written to the log, but to fewer in-sync replicas than required. Retriable.
    pub const NOT_ENOUGH_REPLICAS_AFTER_APPEND: ErrorCode = ErrorCode(20);
    /// 21: Produce request specified an invalid value for required acks.
    pub const INVALID_REQUIRED_ACKS: ErrorCode = ErrorCode(21);
    /// 22: Specified group generation id is not valid.
    pub const ILLEGAL_GENERATION: ErrorCode = ErrorCode(22);
    /// 23: The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.
    pub const INCONSISTENT_GROUP_PROTOCOL: ErrorCode = ErrorCode(23);
    /// 24: The configured groupId is invalid.
    pub const INVALID_GROUP_ID: ErrorCode = ErrorCode(24);
    /// 25: The coordinator is not aware of this member.
    pub const UNKNOWN_MEMBER_ID: ErrorCode = ErrorCode(25);
    /// 26: The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).
    pub const INVALID_SESSION_TIMEOUT: ErrorCode = ErrorCode(26);
    /// 27: The group is rebalancing, so a rejoin is needed.
    pub const REBALANCE_IN_PROGRESS: ErrorCode = ErrorCode(27);
    /// 28: The committing offset data size is not valid.
    pub const INVALID_COMMIT_OFFSET_SIZE: ErrorCode = ErrorCode(28);
    /// 29: Topic authorization failed.
    pub const TOPIC_AUTHORIZATION_FAILED: ErrorCode = ErrorCode(29);
    /// 30: Group authorization failed.
    pub const GROUP_AUTHORIZATION_FAILED: ErrorCode = ErrorCode(30);
    /// 31: Cluster authorization failed.
    pub const CLUSTER_AUTHORIZATION_FAILED: ErrorCode = ErrorCode(31);
    /// 32: The timestamp of the message is out of acceptable range.
    pub const INVALID_TIMESTAMP: ErrorCode = ErrorCode(32);
    /// 33: The broker does not support the requested SASL mechanism.
    pub const UNSUPPORTED_SASL_MECHANISM: ErrorCode = ErrorCode(33);
    /// 34: Request is not valid given the current SASL state.
    pub const ILLEGAL_SASL_STATE: ErrorCode = ErrorCode(34);
    /// 35: The version of API is not supported.
    pub const UNSUPPORTED_VERSION: ErrorCode = ErrorCode(35);
    /// 36: Topic with this name already exists.
    pub const TOPIC_ALREADY_EXISTS: ErrorCode = ErrorCode(36);
    /// 37: Number of partitions is below 1.
    pub const INVALID_PARTITIONS: ErrorCode = ErrorCode(37);
    /// 38: Replication factor is below 1 or larger than the number of available brokers.
    pub const INVALID_REPLICATION_FACTOR: ErrorCode = ErrorCode(38);
    /// 39: Replica assignment is invalid.
    pub const INVALID_REPLICA_ASSIGNMENT: ErrorCode = ErrorCode(39);
    /// 40: Configuration is invalid.
    pub const INVALID_CONFIG: ErrorCode = ErrorCode(40);
    /// 41: This is not the correct controller for this cluster. Retriable.
    pub const NOT_CONTROLLER: ErrorCode = ErrorCode(41);
    /// 42: This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.
    pub const INVALID_REQUEST: ErrorCode = ErrorCode(42);
    /// 43: The message format version on the broker does not support the request.
    pub const UNSUPPORTED_FOR_MESSAGE_FORMAT: ErrorCode = ErrorCode(43);
    /// 44: Request parameters do not satisfy the configured policy.
    pub const POLICY_VIOLATION: ErrorCode = ErrorCode(44);
    /// 45: The broker received an out of order sequence number.
    pub const OUT_OF_ORDER_SEQUENCE_NUMBER: ErrorCode = ErrorCode(45);
    /// 46: The broker received a duplicate sequence number.
    pub const DUPLICATE_SEQUENCE_NUMBER: ErrorCode = ErrorCode(46);
    /// 47: Producer attempted to produce with an old epoch.
    pub const INVALID_PRODUCER_EPOCH: ErrorCode = ErrorCode(47);
    /// 48: The producer attempted a transactional operation in an invalid state.
    pub const INVALID_TXN_STATE: ErrorCode = ErrorCode(48);
    /// 49: The producer attempted to use a producer id which is not currently assigned to its transactional id.
    pub const INVALID_PRODUCER_ID_MAPPING: ErrorCode = ErrorCode(49);
    /// 50: The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).
    pub const INVALID_TRANSACTION_TIMEOUT: ErrorCode = ErrorCode(50);
    /// 51: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing. Retriable.
    pub const CONCURRENT_TRANSACTIONS: ErrorCode = ErrorCode(51);
    /// 52: Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.
    pub const TRANSACTION_COORDINATOR_FENCED: ErrorCode = ErrorCode(52);
    /// 53: Transactional Id authorization failed.
    pub const TRANSACTIONAL_ID_AUTHORIZATION_FAILED: ErrorCode = ErrorCode(53);
    /// 54: Security features are disabled.
    pub const SECURITY_DISABLED: ErrorCode = ErrorCode(54);
    /// 55: The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.
    pub const OPERATION_NOT_ATTEMPTED: ErrorCode = ErrorCode(55);
    /// 56: Disk error when trying to access log file on the disk. Retriable.
    pub const KAFKA_STORAGE_ERROR: ErrorCode = ErrorCode(56);
    /// 57: The user-specified log directory is not found in the broker config.
    pub const LOG_DIR_NOT_FOUND: ErrorCode = ErrorCode(57);
    /// 58: SASL Authentication failed.
    pub const SASL_AUTHENTICATION_FAILED: ErrorCode = ErrorCode(58);
    /// 59: This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception.
    pub const UNKNOWN_PRODUCER_ID: ErrorCode = ErrorCode(59);
    /// 60: A partition reassignment is in progress.
    pub const REASSIGNMENT_IN_PROGRESS: ErrorCode = ErrorCode(60);
    /// 61: Delegation Token feature is not enabled.
    pub const DELEGATION_TOKEN_AUTH_DISABLED: ErrorCode = ErrorCode(61);
    /// 62: Delegation Token is not found on server.
    pub const DELEGATION_TOKEN_NOT_FOUND: ErrorCode = ErrorCode(62);
    /// 63: Specified Principal is not valid Owner/Renewer.
    pub const DELEGATION_TOKEN_OWNER_MISMATCH: ErrorCode = ErrorCode(63);
    /// 64: Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.
    pub const DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: ErrorCode = ErrorCode(64);
    /// 65: Delegation Token authorization failed.
    pub const DELEGATION_TOKEN_AUTHORIZATION_FAILED: ErrorCode = ErrorCode(65);
    /// 66: Delegation Token is expired.
    pub const DELEGATION_TOKEN_EXPIRED: ErrorCode = ErrorCode(66);
    /// 67: Supplied principalType is not supported.
    pub const INVALID_PRINCIPAL_TYPE: ErrorCode = ErrorCode(67);
    /// 68: The group is not empty.
    pub const NON_EMPTY_GROUP: ErrorCode = ErrorCode(68);
    /// 69: The group id does not exist.
    pub const GROUP_ID_NOT_FOUND: ErrorCode = ErrorCode(69);
    /// 70: The fetch session ID was not found. Retriable.
    pub const FETCH_SESSION_ID_NOT_FOUND: ErrorCode = ErrorCode(70);
    /// 71: The fetch session epoch is invalid. Retriable.
    pub const INVALID_FETCH_SESSION_EPOCH: ErrorCode = ErrorCode(71);
    /// 72: There is no listener on the leader broker that matches the listener on which metadata request was processed. Retriable.
    pub const LISTENER_NOT_FOUND: ErrorCode = ErrorCode(72);
    /// 73: Topic deletion is disabled.
    pub const TOPIC_DELETION_DISABLED: ErrorCode = ErrorCode(73);
    /// 74: The leader epoch in the request is older than the epoch on the broker. Retriable.
    pub const FENCED_LEADER_EPOCH: ErrorCode = ErrorCode(74);
    /// 75: The leader epoch in the request is newer than the epoch on the broker. Retriable.
    pub const UNKNOWN_LEADER_EPOCH: ErrorCode = ErrorCode(75);
    /// 76: The requesting client does not support the compression type of given partition.
    pub const UNSUPPORTED_COMPRESSION_TYPE: ErrorCode = ErrorCode(76);
    /// 77: Broker epoch has changed.
    pub const STALE_BROKER_EPOCH: ErrorCode = ErrorCode(77);
    /// 78: The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing. Retriable.
    pub const OFFSET_NOT_AVAILABLE: ErrorCode = ErrorCode(78);
    /// 79: The group member needs to have a valid member id before actually entering a consumer group.
    pub const MEMBER_ID_REQUIRED: ErrorCode = ErrorCode(79);
    /// 80: The preferred leader was not available. Retriable.
    pub const PREFERRED_LEADER_NOT_AVAILABLE: ErrorCode = ErrorCode(80);
    /// 81: The consumer group has reached its max size.
    pub const GROUP_MAX_SIZE_REACHED: ErrorCode = ErrorCode(81);
    /// 82: The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.
    pub const FENCED_INSTANCE_ID: ErrorCode = ErrorCode(82);
    /// 83: Eligible topic partition leaders are not available. Retriable.
    pub const ELIGIBLE_LEADERS_NOT_AVAILABLE: ErrorCode = ErrorCode(83);
    /// 84: Leader election not needed for topic partition. Retriable.
    pub const ELECTION_NOT_NEEDED: ErrorCode = ErrorCode(84);
    /// 85: No partition reassignment is in progress.
    pub const NO_REASSIGNMENT_IN_PROGRESS: ErrorCode = ErrorCode(85);
    /// 86: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.
    pub const GROUP_SUBSCRIBED_TO_TOPIC: ErrorCode = ErrorCode(86);
    /// 87: This record has failed the validation on broker and hence will be rejected.
    pub const INVALID_RECORD: ErrorCode = ErrorCode(87);
    /// 88: There are unstable offsets that need to be cleared. Retriable.
    pub const UNSTABLE_OFFSET_COMMIT: ErrorCode = ErrorCode(88);
    /// 89: The throttling quota has been exceeded. Retriable.
    pub const THROTTLING_QUOTA_EXCEEDED: ErrorCode = ErrorCode(89);
    /// 90: There is a newer producer with the same transactionalId which fences the current one.
    pub const PRODUCER_FENCED: ErrorCode = ErrorCode(90);
    /// 91: A request illegally referred to a resource that does not exist.
    pub const RESOURCE_NOT_FOUND: ErrorCode = ErrorCode(91);
    /// 92: A request illegally referred to the same resource twice.
    pub const DUPLICATE_RESOURCE: ErrorCode = ErrorCode(92);
    /// 93: Requested credential would not meet criteria for acceptability.
    pub const UNACCEPTABLE_CREDENTIAL: ErrorCode = ErrorCode(93);
    /// 94: Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.
    pub const INCONSISTENT_VOTER_SET: ErrorCode = ErrorCode(94);
    /// 95: The given update version was invalid.
    pub const INVALID_UPDATE_VERSION: ErrorCode = ErrorCode(95);
    /// 96: Unable to update finalized features due to an unexpected server error.
    pub const FEATURE_UPDATE_FAILED: ErrorCode = ErrorCode(96);
    /// 97: Request principal deserialization failed during forwarding. This indicates an internal error on the broker cluster security setup.
    pub const PRINCIPAL_DESERIALIZATION_FAILURE: ErrorCode = ErrorCode(97);
    /// 98: Requested snapshot was not found.
    pub const SNAPSHOT_NOT_FOUND: ErrorCode = ErrorCode(98);
    /// 99: Requested position is not greater than or equal to zero, and less than the size of the snapshot.
    pub const POSITION_OUT_OF_RANGE: ErrorCode = ErrorCode(99);
    /// 100: This server does not host this topic ID. Retriable.
    pub const UNKNOWN_TOPIC_ID: ErrorCode = ErrorCode(100);
    /// 101: This broker ID is already in use.
    pub const DUPLICATE_BROKER_REGISTRATION: ErrorCode = ErrorCode(101);
    /// 102: The given broker ID was not registered.
    pub const BROKER_ID_NOT_REGISTERED: ErrorCode = ErrorCode(102);
    /// 103: The log's topic ID did not match the topic ID in the request. Retriable.
    pub const INCONSISTENT_TOPIC_ID: ErrorCode = ErrorCode(103);
    /// 104: The clusterId in the request does not match that found on the server.
    pub const INCONSISTENT_CLUSTER_ID: ErrorCode = ErrorCode(104);
    /// 105: The transactionalId could not be found.
    pub const TRANSACTIONAL_ID_NOT_FOUND: ErrorCode = ErrorCode(105);
    /// 106: The fetch session encountered inconsistent topic ID usage. Retriable.
    pub const FETCH_SESSION_TOPIC_ID_ERROR: ErrorCode = ErrorCode(106);
    /// 107: The new ISR contains at least one ineligible replica.
    pub const INELIGIBLE_REPLICA: ErrorCode = ErrorCode(107);
    /// 108: The AlterPartition request successfully updated the partition state but the leader has changed.
    pub const NEW_LEADER_ELECTED: ErrorCode = ErrorCode(108);
    /// 109: The requested offset is moved to tiered storage.
    pub const OFFSET_MOVED_TO_TIERED_STORAGE: ErrorCode = ErrorCode(109);
    /// 110: The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.
    pub const FENCED_MEMBER_EPOCH: ErrorCode = ErrorCode(110);
    /// 111: The instance ID is still used by another member in the consumer group. That member must leave first.
    pub const UNRELEASED_INSTANCE_ID: ErrorCode = ErrorCode(111);
    /// 112: The assignor or its version range is not supported by the consumer group.
    pub const UNSUPPORTED_ASSIGNOR: ErrorCode = ErrorCode(112);
    /// 113: The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.
    pub const STALE_MEMBER_EPOCH: ErrorCode = ErrorCode(113);
    /// 114: The request was sent to an endpoint of the wrong type.
    pub const MISMATCHED_ENDPOINT_TYPE: ErrorCode = ErrorCode(114);
    /// 115: This endpoint type is not supported yet.
    pub const UNSUPPORTED_ENDPOINT_TYPE: ErrorCode = ErrorCode(115);
    /// 116: This controller ID is not known.
    pub const UNKNOWN_CONTROLLER_ID: ErrorCode = ErrorCode(116);
    /// 117: Client sent a push telemetry request with an invalid or outdated subscription ID.
    pub const UNKNOWN_SUBSCRIPTION_ID: ErrorCode = ErrorCode(117);
    /// 118: Client sent a push telemetry request larger than the maximum size the broker will accept.
    pub const TELEMETRY_TOO_LARGE: ErrorCode = ErrorCode(118);
    /// 119: The controller has considered the broker registration to be invalid.
    pub const INVALID_REGISTRATION: ErrorCode = ErrorCode(119);
    /// 120: The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.
    pub const TRANSACTION_ABORTABLE: ErrorCode = ErrorCode(120);
    /// 121: The record state is invalid. The acknowledgement of delivery could not be completed.
    pub const INVALID_RECORD_STATE: ErrorCode = ErrorCode(121);
    /// 122: The share session was not found. Retriable.
    pub const SHARE_SESSION_NOT_FOUND: ErrorCode = ErrorCode(122);
    /// 123: The share session epoch is invalid. Retriable.
    pub const INVALID_SHARE_SESSION_EPOCH: ErrorCode = ErrorCode(123);
    /// 124: The share coordinator rejected the request because the share-group state epoch did not match.
    pub const FENCED_STATE_EPOCH: ErrorCode = ErrorCode(124);
    /// 125: The voter key doesn't match the receiving replica's key.
    pub const INVALID_VOTER_KEY: ErrorCode = ErrorCode(125);
    /// 126: The voter is already part of the set of voters.
    pub const DUPLICATE_VOTER: ErrorCode = ErrorCode(126);
    /// 127: The voter is not part of the set of voters.
    pub const VOTER_NOT_FOUND: ErrorCode = ErrorCode(127);
    /// 128: The regular expression is not valid.
    pub const INVALID_REGULAR_EXPRESSION: ErrorCode = ErrorCode(128);
    /// 129: Client metadata is stale. The client should rebootstrap to obtain new metadata.
    pub const REBOOTSTRAP_REQUIRED: ErrorCode = ErrorCode(129);
    /// 130: The supplied topology is invalid.
    pub const STREAMS_INVALID_TOPOLOGY: ErrorCode = ErrorCode(130);
    /// 131: The supplied topology epoch is invalid.
    pub const STREAMS_INVALID_TOPOLOGY_EPOCH: ErrorCode = ErrorCode(131);
    /// 132: The supplied topology epoch is outdated.
    pub const STREAMS_TOPOLOGY_FENCED: ErrorCode = ErrorCode(132);
    /// 133: The limit of share sessions has been reached. Retriable.
    pub const SHARE_SESSION_LIMIT_REACHED: ErrorCode = ErrorCode(133);
    /// 134: DeleteGroups could not complete; see the error message on the per-group result for details.
    pub const GROUP_DELETION_FAILED: ErrorCode = ErrorCode(134);
    /// 135: The broker could not process the topology description update; see the error message for details.
    pub const STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED: ErrorCode = ErrorCode(135);
    /// 136: The given controller ID was not registered.
    pub const CONTROLLER_ID_NOT_REGISTERED: ErrorCode = ErrorCode(136);

    fn entry(self) -> Option<&'static Entry> {
        let index = usize::try_from(i32::from(self.0) - i32::from(LOWEST)).ok()?;
        TABLE.get(index)
    }

    /// True for a code this crate knows.
    pub fn is_known(self) -> bool {
        self.entry().is_some()
    }

    /// True for [`ErrorCode::NONE`] (0).
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// True for anything but [`ErrorCode::NONE`], known or not.
    pub fn is_err(self) -> bool {
        self.0 != 0
    }

    /// Kafka's name for the code (`UNKNOWN_TOPIC_OR_PARTITION`), `None` when unknown.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.name)
    }

    /// Kafka's default message, `None` for [`ErrorCode::NONE`] and unknown codes.
    pub fn message(self) -> Option<&'static str> {
        self.entry().map(|e| e.message).filter(|m| !m.is_empty())
    }

    /// True when Kafka's client retries the failed request (the error's Java
    /// exception is a `RetriableException`). False for unknown codes.
    pub fn is_retriable(self) -> bool {
        self.entry().is_some_and(|e| e.retriable)
    }

    /// Every known code, from -1 up.
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        (LOWEST..).zip(TABLE).map(|(code, _)| ErrorCode(code))
    }
}

impl From<i16> for ErrorCode {
    fn from(code: i16) -> Self {
        ErrorCode(code)
    }
}

impl From<ErrorCode> for i16 {
    fn from(code: ErrorCode) -> Self {
        code.0
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown error code {}", self.0),
        }
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "unknown error code {}", self.0),
        }
    }
}

impl std::error::Error for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_entries() {
        assert_eq!(ErrorCode::UNKNOWN_SERVER_ERROR, ErrorCode(-1));
        assert_eq!(ErrorCode(-1).name(), Some("UNKNOWN_SERVER_ERROR"));
        assert_eq!(ErrorCode(0).name(), Some("NONE"));
        assert_eq!(ErrorCode::NONE.message(), None);
        assert!(ErrorCode::NONE.is_ok() && !ErrorCode::NONE.is_err());
        assert_eq!(ErrorCode(1).name(), Some("OFFSET_OUT_OF_RANGE"));
        assert_eq!(ErrorCode(3).name(), Some("UNKNOWN_TOPIC_OR_PARTITION"));
        assert!(ErrorCode(3).is_retriable());
        assert_eq!(ErrorCode(6).name(), Some("NOT_LEADER_OR_FOLLOWER"));
        assert!(ErrorCode(6).is_retriable());
        assert_eq!(ErrorCode(35).name(), Some("UNSUPPORTED_VERSION"));
        assert!(!ErrorCode::TOPIC_AUTHORIZATION_FAILED.is_retriable());
        assert!(!ErrorCode::REBALANCE_IN_PROGRESS.is_retriable());
        assert!(ErrorCode::COORDINATOR_LOAD_IN_PROGRESS.is_retriable());
        assert_eq!(ErrorCode(99).name(), Some("POSITION_OUT_OF_RANGE"));
        assert_eq!(ErrorCode(128).name(), Some("INVALID_REGULAR_EXPRESSION"));
        assert_eq!(ErrorCode(133).name(), Some("SHARE_SESSION_LIMIT_REACHED"));
        assert_eq!(ErrorCode(134).name(), Some("GROUP_DELETION_FAILED"));
        assert!(!ErrorCode::GROUP_DELETION_FAILED.is_retriable());
        assert_eq!(
            ErrorCode(136).message(),
            Some("The given controller ID was not registered.")
        );
        assert_eq!(
            ErrorCode::UNKNOWN_TOPIC_OR_PARTITION.message(),
            Some("This server does not host this topic-partition.")
        );
        assert_eq!(
            format!("{:?}", ErrorCode(3)),
            "UNKNOWN_TOPIC_OR_PARTITION(3)"
        );
        assert_eq!(ErrorCode::from(35i16), ErrorCode::UNSUPPORTED_VERSION);
        assert_eq!(i16::from(ErrorCode::INVALID_REQUEST), 42);
    }

    #[test]
    fn unknown_codes() {
        for code in [-2, 137, 1000, i16::MAX, i16::MIN] {
            let e = ErrorCode(code);
            assert!(!e.is_known() && e.is_err() && !e.is_retriable());
            assert_eq!((e.name(), e.message()), (None, None));
            assert_eq!(e.to_string(), format!("unknown error code {code}"));
            assert_eq!(format!("{e:?}"), format!("unknown error code {code}"));
        }
    }

    #[test]
    fn table_is_whole() {
        let all: Vec<ErrorCode> = ErrorCode::all().collect();
        assert_eq!(all.len(), 138); // -1 to 136
        assert_eq!(all.first(), Some(&ErrorCode(-1)));
        assert_eq!(all.last(), Some(&ErrorCode(136)));
        let mut names = std::collections::HashSet::new();
        for e in all {
            let name = e.name().unwrap();
            assert!(names.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{name}"
            );
            assert_eq!(e.message().is_none(), e == ErrorCode::NONE, "{name}");
        }
    }
}
