//! A minimal Kafka "broker" on tokio: it answers ApiVersions and Metadata
//! (one broker, itself; one topic), so Kafka clients can connect and list
//! topics, and answers any other request by closing the connection, as Kafka
//! does with a request it cannot serve.
//!
//! ```sh
//! cargo run -p kafkawire-examples --example server -- 127.0.0.1:9092
//! kcat -b 127.0.0.1:9092 -L
//! ```

use std::error::Error;

use futures_util::{SinkExt, StreamExt};
use kafkawire::any::{AnyRequest, AnyResponse};
use kafkawire::frame::{RequestFrame, ResponseFrame};
use kafkawire::framed::{IncomingRequest, ServerCodec};
use kafkawire::messages::{
    ApiVersionsResponse, MetadataResponse, ResponseHeader, api_versions_response, metadata_response,
};
use kafkawire::{ApiKey, ErrorCode, Uuid};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

/// The APIs this server answers.
const SERVED: [ApiKey; 2] = [ApiKey::API_VERSIONS, ApiKey::METADATA];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9092".into());
    let listener = TcpListener::bind(&addr).await?;
    let local = listener.local_addr()?;
    // The tests read this line to learn the port when started on port 0.
    println!("listening on {local}");
    loop {
        let (socket, peer) = listener.accept().await?;
        let advertised = (local.ip().to_string(), i32::from(local.port()));
        tokio::spawn(async move {
            if let Err(e) = serve(socket, advertised).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

/// Answers one connection's requests in order until it closes.
async fn serve(socket: TcpStream, (host, port): (String, i32)) -> Result<(), Box<dyn Error>> {
    let mut conn = Framed::new(socket, ServerCodec::new());
    while let Some(request) = conn.next().await {
        let request = match request? {
            IncomingRequest::Known(frame) => frame,
            // An ApiVersions version newer than this crate knows is answered
            // as Kafka answers it: UNSUPPORTED_VERSION in a v0 body, after
            // which the client retries with a version it finds there.
            IncomingRequest::Unknown(raw) if raw.api_key == ApiKey::API_VERSIONS => {
                let header = ResponseHeader::default().with_correlation_id(raw.correlation_id);
                let body = ApiVersionsResponse::default()
                    .with_error_code(ErrorCode::UNSUPPORTED_VERSION.0)
                    .with_api_keys(served());
                conn.send(ResponseFrame::new(header, 0, body.into()))
                    .await?;
                continue;
            }
            IncomingRequest::Unknown(raw) => {
                return Err(format!("unknown API {} v{}", raw.api_key.0, raw.api_version).into());
            }
        };
        let body = answer(&request, &host, port)
            .ok_or_else(|| format!("{} is not served here", request.body.name()))?;
        println!(
            "{} v{} from {:?}",
            request.body.name(),
            request.version(),
            request.header.client_id
        );
        let header = ResponseHeader::default().with_correlation_id(request.header.correlation_id);
        conn.send(ResponseFrame::new(header, request.version(), body))
            .await?;
    }
    Ok(())
}

/// The APIs this server answers, with every version this crate knows.
fn served() -> Vec<api_versions_response::ApiVersion> {
    SERVED
        .iter()
        .filter_map(|api| api.info())
        .map(|info| {
            api_versions_response::ApiVersion::default()
                .with_api_key(info.key.0)
                .with_min_version(info.versions.lowest)
                .with_max_version(info.versions.highest)
        })
        .collect()
}

/// The response to `request`, if this server answers it.
fn answer(request: &RequestFrame, host: &str, port: i32) -> Option<AnyResponse> {
    match &request.body {
        AnyRequest::ApiVersions(_) => Some(
            ApiVersionsResponse::default()
                .with_error_code(ErrorCode::NONE.0)
                .with_api_keys(served())
                .into(),
        ),
        AnyRequest::Metadata(m) => {
            // All topics: null, or an empty list in v0.
            let wanted: Vec<_> = match &m.topics {
                None => vec!["greetings".to_owned()],
                Some(t) if t.is_empty() && request.version() == 0 => vec!["greetings".to_owned()],
                Some(topics) => topics
                    .iter()
                    .filter_map(|t| t.name.as_ref().map(|n| n.as_str().to_owned()))
                    .collect(),
            };
            let topics = wanted
                .into_iter()
                .map(|name| {
                    let known = name == "greetings";
                    metadata_response::MetadataResponseTopic::default()
                        .with_error_code(if known {
                            ErrorCode::NONE.0
                        } else {
                            ErrorCode::UNKNOWN_TOPIC_OR_PARTITION.0
                        })
                        .with_topic_id(if known {
                            Uuid::from_u64_pair(1, 1)
                        } else {
                            Uuid::default()
                        })
                        .with_name(Some(name.into()))
                        .with_partitions(if known {
                            vec![
                                metadata_response::MetadataResponsePartition::default()
                                    .with_partition_index(0)
                                    .with_leader_id(1)
                                    .with_replica_nodes(vec![1])
                                    .with_isr_nodes(vec![1]),
                            ]
                        } else {
                            Vec::new()
                        })
                })
                .collect();
            Some(
                MetadataResponse::default()
                    .with_brokers(vec![
                        metadata_response::MetadataResponseBroker::default()
                            .with_node_id(1)
                            .with_host(host.into())
                            .with_port(port),
                    ])
                    .with_cluster_id(Some("kafkawire-example".into()))
                    .with_controller_id(1)
                    .with_topics(topics)
                    .into(),
            )
        }
        _ => None,
    }
}
